"""Import of people and households from an export (CSV, XLSX): the mapping kept per centre, the preview with
each refusal explained and the duplicates the front desk's search finds, nothing written while a row is
refused, the progress shown while the scheduler's job works, the import audited; hostile files refused in
French. A 5,000-row file goes through to its duplicates listed and its people written."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import date, timedelta

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.extensions import db
from service.models import (
    AuditEvent,
    HouseholdMember,
    ImportMapping,
    ImportStatus,
    PeopleImport,
    Person,
    Role,
    User,
)
from service.people import importing
from service.people import service as people
from tests.conftest import csrf_token, text_of
from tests.workflow_helpers import as_user, post_form


def _words(text: str) -> list[str]:
    return text.split()


HEADER = "Nom;Prénom;Né(e) le;Téléphone;Email;Adresse;CP;Ville;Commune;N° foyer;Lien"
MAPPING = {
    "nom": "Nom", "prenom": "Prénom", "date_naissance": "Né(e) le", "telephone": "Téléphone",
    "courriel": "Email", "adresse": "Adresse", "code_postal": "CP", "ville": "Ville", "commune": "Commune",
    "foyer": "N° foyer", "lien": "Lien",
}  # fmt: skip
LAST = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet "
    "François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin "
    "Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen "
    "Boyer Denis Lemaire Duval"
)
FIRST = _words(
    "Marie Jean Pierre Michel Philippe Nathalie Isabelle Sylvie Catherine Françoise Jacques Alain "
    "Christophe Patrick Sophie Christine Daniel Monique Anne Stéphane Valérie Sandrine Éric Frédéric "
    "Julien Nicole Véronique Christian Céline Pascal Thierry Olivier Hélène Chantal Sébastien Martine "
    "Dominique Aurélie Camille Léa Fatou"
)


@pytest.fixture
def head(make_user: Callable[..., User]) -> User:
    return make_user("rachida", Role.RESPONSABLE, full_name="Rachida Responsable")


def _upload(client: FlaskClient, filename: str, content: bytes) -> object:
    return client.post(
        "/personnes/import/",
        data={
            "csrf_token": csrf_token(client, "/personnes/import/"),
            "fichier": (io.BytesIO(content), filename),
        },
        content_type="multipart/form-data",
    )


def _import_id(response: object) -> int:
    location = response.headers["Location"]  # type: ignore[attr-defined]
    return int(location.rstrip("/").split("/")[-2])


def _map(client: FlaskClient, import_id: int, mapping: dict[str, str]) -> object:
    page = f"/personnes/import/{import_id}/correspondance"
    return post_form(client, page, {key: mapping.get(key, "") for key in importing.FIELD_KEYS})


def _csv(lines: list[str], encoding: str = "cp1252") -> bytes:
    return "\r\n".join([HEADER, *lines]).encode(encoding)


def _big_file() -> tuple[bytes, int]:
    """5,000 lines: people with their households, some known already (a letter wrong), some twice."""
    chance = random.Random(20)  # noqa: S311 - test data, not secrets
    lines: list[str] = []
    household = 0
    born = date(1940, 1, 1)
    while len(lines) < 4990:
        household += 1
        last, first = chance.choice(LAST), chance.choice(FIRST)
        birth = born + timedelta(days=chance.randrange(0, 20000))
        phone = f"06 {household % 100:02d} 12 34 56"
        lines.append(
            f"{last};{first};{birth:%d/%m/%Y};{phone};;{household} rue des Lilas;99999;Test-sur-Mer;"
            f"test-sur-mer;F{household};"
        )
        if household % 4 == 0:
            child = birth + timedelta(days=9000)
            lines.append(f"{last};Enfant{household % 7};{child:%d/%m/%Y};;;;;;;F{household};enfant")
    # Already known to the centre (one letter wrong, same date), and written twice in the file.
    lines += [
        "Aubertt;Camille;29/02/1984;;;;;;;D1;",
        "Zébulon;Ophélie;01/01/1990;;;;;;;D2;",
        "Zebulon;Ophelie;01/01/1990;;;;;;;D3;",
        *(f"Xanthippe{i};Ulrich;;;;;;;;E{i};" for i in range(7)),
    ]
    return _csv(lines), len(lines)


def test_a_file_of_5000_lines_is_analysed_with_its_duplicates_then_imported(
    client: FlaskClient, head: User
) -> None:
    people.create(
        actor=head,
        identity=people.Identity(last_name="Aubert", first_name="Camille", birth_date=date(1984, 2, 29)),
    )
    db.session.commit()
    known = db.session.scalar(select(func.count()).select_from(Person))
    content, total = _big_file()
    assert total == 5000
    as_user(client, "rachida")
    uploaded = _upload(client, "export-ancien-logiciel.csv", content)
    assert uploaded.status_code == 302, text_of(uploaded)
    import_id = _import_id(uploaded)
    form = client.get(f"/personnes/import/{import_id}/correspondance")
    assert "rue des Lilas" in text_of(form)  # the first lines are shown beside the mapping
    mapped = _map(client, import_id, MAPPING)
    assert mapped.status_code == 302, text_of(mapped)

    waiting = client.get(f"/personnes/import/{import_id}")
    assert '<meta http-equiv="refresh"' in waiting.get_data(as_text=True)
    assert "<progress" in waiting.get_data(as_text=True)
    assert "Analyse" in text_of(waiting)

    importing.run_people_imports()
    found = db.session.get(PeopleImport, import_id)
    assert found is not None
    assert found.status is ImportStatus.APERCU, found.error
    assert found.refused_count == 0, found.refusals[:5]
    by_line = {entry["ligne"]: entry for entry in found.duplicates}
    aubert = next(entry for entry in found.duplicates if entry["nom"] == "AUBERTT Camille")
    assert [name for _, name, _ in aubert["personnes"]] == ["AUBERT Camille"]
    zebulon = next(entry for entry in found.duplicates if entry["nom"] == "ZEBULON Ophelie")
    assert zebulon["lignes"] == [zebulon["ligne"] - 1]  # found within the file, accents forgiven
    xanthippe = [entry for entry in found.duplicates if entry["nom"].startswith("XANTHIPPE")]
    assert len(xanthippe) == 6  # no date of birth: each one after the first is listed
    assert len(by_line) == found.duplicate_count

    preview = client.get(f"/personnes/import/{import_id}")
    page = text_of(preview)
    assert "<meta http-equiv" not in preview.get_data(as_text=True)
    assert f"{found.duplicate_count} doublon(s) possible(s)" in page
    assert "AUBERTT Camille" in page
    assert "AUBERT Camille" in page
    assert "Importer 5000 ligne(s)" in page

    confirmed = post_form(
        client, f"/personnes/import/{import_id}", {}, f"/personnes/import/{import_id}/confirmer"
    )
    assert confirmed.status_code == 302, text_of(confirmed)
    assert "Enregistrement des personnes" in text_of(client.get(f"/personnes/import/{import_id}"))
    importing.run_people_imports()
    db.session.expire_all()
    found = db.session.get(PeopleImport, import_id)
    assert found is not None
    assert found.status is ImportStatus.TERMINE, found.error
    members = db.session.scalar(select(func.count()).select_from(HouseholdMember))
    created = db.session.scalar(select(func.count()).select_from(Person))
    in_file = content.count(b";enfant")
    assert created == known + (total - in_file) - found.duplicate_count  # the duplicates are left out
    assert found.people_created == created - known  # type: ignore[operator]
    assert members == found.members_created
    assert in_file - 10 < found.members_created <= in_file  # those of a duplicate are left out with it
    done = text_of(client.get(f"/personnes/import/{import_id}"))
    assert f"{found.people_created} personne(s)" in done
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "personnes.import")).one()
    assert audited.actor_id == head.id
    assert audited.details["personnes"] == found.people_created


def test_refused_lines_are_explained_and_nothing_is_written(client: FlaskClient, head: User) -> None:
    lines = [
        "Durand;Léa;12/05/1980;;lea@exemple.fr;;;;;F1;",
        '=HYPERLINK("http://x");Jean;;;;;;;;F2;',
        ";Paul;;;;;;;;F3;",
        "Petit;Anne;31/02/1990;;pas-une-adresse;;;;Atlantis;F4;",
        "Petit;Hugo;;;;;;;;F4;enfant",
        "Robert;Max;01/01/2001;;;;;;;F9;cousin",
    ]
    as_user(client, "rachida")
    uploaded = _upload(client, "refus.csv", _csv(lines, "utf-8-sig"))
    import_id = _import_id(uploaded)
    assert _map(client, import_id, MAPPING).status_code == 302
    importing.run_people_imports()
    found = db.session.get(PeopleImport, import_id)
    assert found is not None
    refusals = {(line, column): reason for line, column, reason in found.refusals}
    assert "formule" in refusals[(3, "Nom")]
    assert refusals[(4, "Nom")] == "le nom est obligatoire"
    assert "n'est pas une date qui existe" in refusals[(5, "Né(e) le")]
    assert refusals[(5, "Email")] == "adresse de courriel invalide"
    assert "n'est pas desservie" in refusals[(5, "Commune")]
    assert "date de naissance d'un membre" in refusals[(6, "Né(e) le")]
    assert "inconnu" in refusals[(7, "Lien")]
    page = text_of(client.get(f"/personnes/import/{import_id}"))
    assert "rien ne sera enregistré" in page
    for odd in ("²", "-1", "99999999999", "x"):  # a page number that is no page: the first one
        assert client.get(f"/personnes/import/{import_id}?page={odd}").status_code == 200
    assert "Importer" not in page.split("rien ne sera enregistré")[1].split("doublon")[0]
    refused = post_form(
        client, f"/personnes/import/{import_id}", {}, f"/personnes/import/{import_id}/confirmer"
    )
    assert refused.status_code == 422
    assert "Des lignes sont refusées" in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_the_mapping_is_kept_for_the_centres_next_file_and_xlsx_is_read(
    client: FlaskClient, head: User
) -> None:
    as_user(client, "rachida")
    first = _import_id(
        _upload(client, "premier.csv", "NOM,PRENOM,Portable\nDurand,Léa,0612345678\n".encode())
    )
    missing = _map(client, first, {"nom": "NOM"})
    assert missing.status_code == 422
    assert "Choisissez la colonne du champ « Prénom »" in text_of(missing)
    assert _map(client, first, {"nom": "NOM", "prenom": "PRENOM", "telephone": "Portable"}).status_code == 302
    assert db.session.scalars(select(ImportMapping)).one().columns["telephone"] == "Portable"

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NOM", "PRENOM", "Portable", "Date de naissance"])
    sheet.append(["Martin", "Fatou", 612345678, date(1975, 3, 12)])
    sheet.append(["Keita", "Awa", "=1+1", None])
    content = io.BytesIO()
    workbook.save(content)
    second = _import_id(_upload(client, "second.xlsx", content.getvalue()))
    form = client.get(f"/personnes/import/{second}/correspondance").get_data(as_text=True)
    assert '<option selected value="Portable">' in form  # kept from the last file
    assert '<option selected value="Date de naissance">' in form  # guessed from its name
    assert _map(client, second, {"nom": "NOM", "prenom": "PRENOM", "telephone": "Portable",
                                 "date_naissance": "Date de naissance"}).status_code == 302  # fmt: skip
    importing.run_people_imports()
    found = db.session.get(PeopleImport, second)
    assert found is not None
    assert found.refusals == [[3, "Portable", found.refusals[0][2]]]  # the formula, kept as written, refused
    assert found.rows[0][2:] == ["0612345678"[1:], "12/03/1975"]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("vide.csv", b"", "Le fichier est vide."),
        ("binaire.csv", bytes(range(256)) * 10, "octets nuls"),
        ("ancien.xls", b"\xd0\xcf\x11\xe0" + b"x" * 100, "Excel 97-2003"),
        ("faux.xlsx", b"PK\x03\x04" + b"\x00junk" * 50, "pas un classeur .xlsx lisible"),
        ("texte.xlsx", b"Nom;Prenom\nA;B\n", "pas un classeur .xlsx lisible"),
        ("encodage.csv", b"Nom;Pr\x81nom\nA;B\n", "encodage du fichier n'est pas reconnu"),
        ("enorme.csv", b"Nom;Prenom\n" + b"Durand;Lea\n" * 600_000, "dépasse 5 Mo"),
        ("image.png", b"\x89PNG\r\n", "Choisissez un fichier .csv ou .xlsx."),
        ("entete.csv", b"Nom;Nom\nA;B\n", "Deux colonnes portent le même nom"),
        ("guillemets.csv", b'Nom;Prenom\n"' + b"a" * 200_000 + b";B\n", "mal formé"),
    ],
)
def test_hostile_files_are_refused_in_french(
    client: FlaskClient, head: User, filename: str, content: bytes, message: str
) -> None:
    as_user(client, "rachida")
    response = _upload(client, filename, content)
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(PeopleImport)) == 0


def test_only_the_head_of_service_imports(
    client: FlaskClient, head: User, make_user: Callable[..., User]
) -> None:
    make_user("nadia", Role.ACCUEIL)
    make_user("lea", Role.ADMIN)
    for username in ("nadia", "lea"):
        as_user(client, username)
        assert client.get("/personnes/import/").status_code == 403
    as_user(client, "rachida")
    assert "Importer des personnes depuis un fichier" in text_of(client.get("/personnes/"))


def test_the_analysis_keeps_its_progress_chunk_after_chunk(
    client: FlaskClient, head: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk of rows searched for duplicates is committed with the progress the page shows."""
    lines = [f"{LAST[i % len(LAST)]};{FIRST[i // len(LAST)]};;;;;;;;F{i};" for i in range(1000)]
    as_user(client, "rachida")
    import_id = _import_id(_upload(client, "progression.csv", _csv(lines)))
    assert _map(client, import_id, MAPPING).status_code == 302
    seen: list[int | None] = []
    search = importing.finder.find_each

    def watched(centre_id: int, queries: list[importing.finder.Query]) -> list[object]:
        seen.append(db.session.scalar(select(PeopleImport.done).where(PeopleImport.id == import_id)))
        return search(centre_id, queries)  # type: ignore[return-value]

    monkeypatch.setattr(importing.finder, "find_each", watched)
    importing.run_people_imports()
    assert seen == list(range(0, 1000, importing.CHUNK))
    page = client.get(f"/personnes/import/{import_id}").get_data(as_text=True)
    assert "Aperçu prêt" in page
