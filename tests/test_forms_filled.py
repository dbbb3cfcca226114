"""Every form that takes an e-mail address, submitted through the pages with every field filled, as the role
that uses it: the address is kept and shown, and editing a record whose address is pre-filled works."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service.accounts import service as accounts
from service.extensions import db
from service.liaisons import service as liaisons
from service.models import (
    Appointment,
    AppointmentSlot,
    Authority,
    CommitteeMember,
    Commune,
    Liaison,
    OutboxMessage,
    Partner,
    Person,
    Quartier,
    Role,
    User,
)
from service.people import importing
from tests.conftest import csrf_token, text_of
from tests.workflow_helpers import as_user, post_form


@pytest.fixture
def staff(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "secretariat": make_user("sophie", Role.SECRETARIAT),
        "admin": make_user("lea", Role.ADMIN),
        "elu": make_user("aicha", Role.ELU, full_name="Aïcha Diallo"),
    }


def test_a_new_person_with_every_field_and_an_address(client: FlaskClient, staff: dict[str, User]) -> None:
    quartier = db.session.scalars(select(Quartier)).first()
    assert quartier is not None
    as_user(client, "nadia")
    response = post_form(
        client,
        "/personnes/nouvelle",
        {
            "civility": "madame",
            "last_name": "Aubert",
            "first_name": "Camille",
            "birth_date": "1984-02-29",
            "phone": "06 12 34 56 78",
            "email": "camille.aubert@exemple.fr",
            "address_line": "3 allée des Tilleuls",
            "postal_code": "45999",
            "city": "Saint-Aubin-sur-Loire",
            "quartier_id": str(quartier.id),
            "confirm_duplicate": "y",
        },
    )
    assert response.status_code == 302, text_of(response)
    person = db.session.scalars(select(Person)).one()
    assert (person.email, person.phone, person.quartier_id, person.civility) == (
        "camille.aubert@exemple.fr", "06 12 34 56 78", quartier.id, "madame"
    )  # fmt: skip
    assert "camille.aubert@exemple.fr" in text_of(client.get(response.headers["Location"]))


def test_a_bad_address_is_refused_in_french_and_what_was_typed_is_kept(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    as_user(client, "nadia")
    response = post_form(
        client,
        "/personnes/nouvelle",
        {"last_name": "Aubert", "first_name": "Camille", "email": "camille@", "phone": "0612345678"},
    )
    assert response.status_code == 422
    assert "Adresse de courriel invalide." in text_of(response)
    assert 'value="0612345678"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Person)).first() is None


def test_a_committee_member_with_an_address_is_created_then_edited(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    as_user(client, "sophie")
    fields = {
        "full_name": "Aïcha Diallo",
        "kind": "elu",
        "email": "aicha.diallo@conseil.exemple.fr",
        "phone": "02 38 00 00 01",
        "mandate_start": "2026-03-23",
        "mandate_end": "2032-03-22",
        "account": str(staff["elu"].id),
    }
    created = post_form(client, "/commission/membres", fields)
    assert created.status_code == 302, text_of(created)
    member = db.session.scalars(select(CommitteeMember)).one()
    assert (member.email, member.user_id) == ("aicha.diallo@conseil.exemple.fr", staff["elu"].id)

    page = f"/commission/membres/{member.id}"
    assert 'value="aicha.diallo@conseil.exemple.fr"' in client.get(page).get_data(as_text=True)  # pre-filled
    edited = post_form(client, page, {**fields, "phone": "02 38 00 00 02"})
    assert edited.status_code == 302, text_of(edited)
    db.session.expire_all()
    assert (member.phone, member.email) == ("02 38 00 00 02", "aicha.diallo@conseil.exemple.fr")
    stale = f"/commission/membres/{member.id + 1000}"  # not one of the centre's members
    assert client.get(stale).status_code == 404
    assert client.post(stale, data={**fields, "csrf_token": csrf_token(client, page)}).status_code == 404
    assert db.session.scalars(select(CommitteeMember)).all() == [member]  # no copy made by the edit
    unlinked = post_form(client, page, {**fields, "account": "   "})  # blanks: no account (it crashed: 500)
    assert unlinked.status_code == 302, text_of(unlinked)
    db.session.expire_all()
    assert member.user_id is None


def test_a_user_account_with_an_address(client: FlaskClient, staff: dict[str, User]) -> None:
    as_user(client, "lea")
    response = client.post(
        "/administration/utilisateurs/nouveau",
        data={
            "username": "m.dupont",
            "full_name": "Marie Dupont",
            "title": "Conseillère en économie sociale et familiale",
            "email": "marie.dupont@ccas.exemple.fr",
            "roles": ["instructeur", "accueil"],
            "password": "une phrase de passe solide",
            "csrf_token": csrf_token(client, "/administration/utilisateurs/nouveau"),
        },
    )
    assert response.status_code == 302, text_of(response)
    user = db.session.scalars(select(User).where(User.username == "m.dupont")).one()
    assert user.email == "marie.dupont@ccas.exemple.fr"
    assert {role.value for role in user.roles} == {"instructeur", "accueil"}


def test_a_refusal_quotes_sixty_characters_of_what_was_typed(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    as_user(client, "lea")
    page = "/administration/utilisateurs/nouveau"
    typed = "A" * 10_000  # a role no one has: shown back, but not ten thousand times
    response = client.post(
        page,
        data={
            "username": "x.y",
            "full_name": "X Y",
            "roles": [typed],
            "password": "une phrase de passe solide",
            "csrf_token": csrf_token(client, page),
        },
    )
    assert response.status_code == 422
    shown = text_of(response)
    assert f"«\u00a0{'A' * 60}…\u00a0» n'est pas un choix valide pour ce champ." in shown
    assert "A" * 61 not in shown


def test_an_authority_with_an_address(client: FlaskClient, staff: dict[str, User]) -> None:
    as_user(client, "sophie")
    response = post_form(
        client,
        "/autorites/",
        {
            "name": "CAF du Loiret",
            "kind": "caf",
            "address": "Place Saint-Charles, 45000 Orléans",
            "email": "aides.sociales@caf45.exemple.fr",
        },
    )
    assert response.status_code == 302, text_of(response)
    authority = db.session.scalars(select(Authority)).one()
    assert authority.email == "aides.sociales@caf45.exemple.fr"


def test_an_imported_file_with_every_column_mapped_and_an_address(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """The import's three forms (file, columns, confirmation), every field filled: the address is kept."""
    make_user("rachida", Role.RESPONSABLE)
    as_user(client, "rachida")
    content = (
        "Nom;Prénom;Naissance;Civilité;Tél;Courriel;Adresse;CP;Ville;Commune;Foyer;Lien\r\n"
        "Aubert;Camille;29/02/1984;Mme;06 12 34 56 78;camille.aubert@exemple.fr;3 allée des Tilleuls;45999;"
        "Saint-Aubin;Test-sur-Mer;A1;\r\n"
        "Aubert;Noé;01/09/2015;M.;;;;;;;A1;enfant\r\n"
    ).encode("cp1252")
    uploaded = client.post(
        "/personnes/import/",
        data={
            "csrf_token": csrf_token(client, "/personnes/import/"),
            "fichier": (io.BytesIO(content), "a.csv"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, text_of(uploaded)
    mapping_page = uploaded.headers["Location"]
    columns = dict(
        zip(importing.FIELD_KEYS, content.decode("cp1252").split("\r\n")[0].split(";"), strict=True)
    )
    mapped = post_form(client, mapping_page, columns)
    assert mapped.status_code == 302, text_of(mapped)
    importing.run_people_imports()
    preview = mapped.headers["Location"]
    confirmed = post_form(client, preview, {"include_duplicates": "y"}, f"{preview}/confirmer")
    assert confirmed.status_code == 302, text_of(confirmed)
    importing.run_people_imports()
    person = db.session.scalars(select(Person)).one()
    assert (person.email, person.civility, person.phone) == (
        "camille.aubert@exemple.fr",
        "madame",
        "06 12 34 56 78",
    )
    assert [member.first_name for member in person.members] == ["Noé"]
    assert "camille.aubert@exemple.fr" in text_of(client.get(f"/personnes/{person.id}"))


def test_slots_and_a_booking_for_a_person_with_an_address(
    client: FlaskClient, staff: dict[str, User], make_user: Callable[..., User]
) -> None:
    agent = make_user("julie", Role.INSTRUCTEUR, full_name="Julie Martin")
    make_user("claire", Role.RESPONSABLE)
    commune = db.session.scalars(select(Commune)).first()
    assert commune is not None
    as_user(client, "claire")
    series = {
        "agent_id": str(agent.id),
        "place": str(commune.id),
        "day": "2026-11-26",
        "start": "13:30",
        "end": "15:00",
        "length_minutes": "30",
    }
    response = post_form(client, "/rendez-vous/", series)
    assert response.status_code == 302, text_of(response)
    slot = db.session.scalars(select(AppointmentSlot).order_by(AppointmentSlot.starts_at)).first()
    assert slot is not None
    as_user(client, "nadia")
    response = post_form(
        client,
        "/personnes/nouvelle",
        {"last_name": "Aubert", "first_name": "Camille", "email": "camille.aubert@exemple.fr",
         "confirm_duplicate": "y"},
    )  # fmt: skip
    person = db.session.scalars(select(Person)).one()
    page = f"/personnes/{person.id}/rendez-vous/nouveau"
    assert "camille.aubert@exemple.fr" in text_of(client.get(page))
    response = post_form(client, page, {"slot_id": str(slot.id), "subject": "Dossier de surendettement"})
    assert response.status_code == 302, text_of(response)
    appointment = db.session.scalars(select(Appointment)).one()
    assert (appointment.subject, appointment.slot_id) == ("Dossier de surendettement", slot.id)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipients == ["camille.aubert@exemple.fr"]


def test_a_liaison_with_every_field_and_an_address(
    client: FlaskClient, staff: dict[str, User], make_user: Callable[..., User]
) -> None:
    agent = make_user("sylvie", Role.MAIRIE)
    commune = db.session.scalars(select(Quartier)).first()
    assert commune is not None
    accounts.scope_session_to(staff["admin"])
    liaisons.attach_to_town_hall(
        actor=staff["admin"], user_id=agent.id, commune_id=commune.commune_id, quartier_id=commune.id
    )
    as_user(client, "sylvie")
    fields = {
        "q": "Rocher", "person_id": "", "last_name": "Rocher", "first_name": "Damien", "birth_year": "1979",
        "phone": "07 55 44 33 22", "email": "damien.rocher@exemple.fr", "question": "Demande un rendez-vous.",
        "urgent": "y", "consent": "y",
    }  # fmt: skip
    bad = post_form(client, "/liaisons/nouvelle", {**fields, "email": "damien@"})
    assert bad.status_code == 422
    assert "Adresse de courriel invalide." in text_of(bad)
    assert 'value="07 55 44 33 22"' in bad.get_data(as_text=True)
    response = post_form(client, "/liaisons/nouvelle", fields)
    assert response.status_code == 302, text_of(response)
    liaison = db.session.scalars(select(Liaison)).one()
    assert (liaison.email, liaison.phone, liaison.first_name, liaison.birth_year, liaison.urgent) == (
        "damien.rocher@exemple.fr", "07 55 44 33 22", "Damien", 1979, True
    )  # fmt: skip
    assert "ROCHER Damien" in text_of(client.get("/liaisons/"))


def test_a_partner_with_every_field_is_created_then_edited_with_its_address_prefilled(
    client: FlaskClient, staff: dict[str, User]
) -> None:
    as_user(client, "lea")
    fields = {
        "name": "Point conseil budget du Val d'Aubin",
        "kind": "mediation_dettes",
        "domains": ["budget", "energie"],
        "address": "5 rue Jeanne d'Arc\n45000 Orléans",
        "phone": "02 38 77 88 99",
        "email": "pcb@cresus.exemple.fr",
        "hours": "Sur rendez-vous",
        "active": "y",
    }
    response = client.post(
        "/partenaires/", data={**fields, "csrf_token": csrf_token(client, "/partenaires/")}
    )
    assert response.status_code == 302, text_of(response)
    partner = db.session.scalars(select(Partner)).one()
    assert (partner.email, partner.domains, partner.active) == (
        "pcb@cresus.exemple.fr",
        ["budget", "energie"],
        True,
    )
    assert "pcb@cresus.exemple.fr" in text_of(client.get("/partenaires/"))
    edit = text_of(client.get(f"/partenaires/{partner.id}"))
    assert 'value="pcb@cresus.exemple.fr"' in edit
    assert re.search(r'<input checked[^>]*value="budget"', edit)
    assert not re.search(r'<input checked[^>]*value="juridique"', edit)
    page = f"/partenaires/{partner.id}"
    kept = client.post(page, data={**fields, "hours": "Lundi", "csrf_token": csrf_token(client, page)})
    assert kept.status_code == 302, text_of(kept)
    db.session.expire_all()
    assert (partner.email, partner.hours) == ("pcb@cresus.exemple.fr", "Lundi")
