"""Observation: communes and quartiers as data, the figures page (charts and tables), small cells masked for
the board and in every export, the CSV French Excel opens, the ABS extract, the board's yearly report."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from scenarios.factories import delegate_power, do, open_aid
from service import demo
from service.accounts import service as accounts
from service.extensions import db
from service.models import (
    AidType,
    CentreKind,
    Commune,
    Document,
    Dossier,
    FollowUpStatus,
    Quartier,
    Relationship,
    Role,
    User,
)
from service.organisation import service as organisation
from service.people import service as people
from service.rights import service as rights
from service.stats import charts, formats, report
from service.stats.figures import Cell, Figure, Row, Unit
from service.stats.masking import masked
from tests.conftest import PASSWORD, csrf_token, login, text_of
from tests.pdf import text_of_pdf, words_past_the_right_margin
from tests.workflow_helpers import as_user, post_form

CIAS = "cias-test"


@dataclass
class Team:
    agent: User
    delegate: User
    head: User
    elu: User


@pytest.fixture
def team(app: Flask) -> Team:
    """A CIAS of two communes (the first with two quartiers), and its agents."""
    organisation.create_centre(
        code=CIAS,
        name="CIAS des Deux-Rives",
        kind=CentreKind.CIAS,
        communes={("99001", "Grande-Rive"): ["Le Port", "La Colline"], ("99002", "Petite-Rive"): []},
    )

    def user(username: str, *roles: Role) -> User:
        return accounts.create_user(
            centre_code=CIAS, username=username, full_name=username.title(), password=PASSWORD, roles=roles
        )

    delegate = user("delegue", Role.DELEGATAIRE)
    delegate_power(delegate, since=date(2024, 1, 15))  # the president, before any figure counted here
    return Team(
        agent=user("agent", Role.ACCUEIL, Role.INSTRUCTEUR),
        delegate=delegate,
        head=user("direction", Role.RESPONSABLE),
        elu=user("elue", Role.ELU),
    )


def _place(commune: str, quartier: str | None = None) -> tuple[int, int | None]:
    found = db.session.scalars(select(Commune).where(Commune.name == commune)).one()
    q = next((q.id for q in found.quartiers if q.name == quartier), None)
    return found.id, q


def _granted(team: Team, name: str, commune: str, quartier: str | None, euros: int) -> Dossier:
    """A person of the commune whose urgent relief was granted under delegation."""
    accounts.scope_session_to(team.agent)
    commune_id, quartier_id = _place(commune, quartier)
    person = people.create(
        actor=team.agent,
        identity=people.Identity(
            last_name=name,
            first_name="Élise",
            birth_date=date(1990, 5, 1),
            commune_id=commune_id,
            quartier_id=quartier_id,
            housing="locataire_social",
        ),
        confirm_duplicate=True,
    )
    dossier = open_aid(team.agent, person.id, AidType.SECOURS_URGENCE, reason="Énergie")
    evaluation = {
        "situation": "Facture d'énergie impayée.",
        "nature_besoin": "energie",
        "montant_cents": f"{euros},50",
        "mode_paiement": "bon",
        "budget_declare": "on",  # the person declared no resources nor charges
    }
    do(team.agent, dossier, "evaluer", evaluation)
    accounts.scope_session_to(team.delegate)
    do(
        team.delegate,
        dossier,
        "decider_delegation",
        {"decision": "accord", "montant_accorde_cents": f"{euros},50"},
    )
    accounts.scope_session_to(team.agent)
    return dossier


@pytest.fixture
def activity(team: Team) -> Team:
    """Six households of Grande-Rive and three of Petite-Rive, each granted an urgent relief."""
    for i in range(6):
        _granted(team, f"Grand{i}", "Grande-Rive", "Le Port" if i % 2 else "La Colline", 100)
    for i in range(3):
        _granted(team, f"Petit{i}", "Petite-Rive", None, 120)
    return team


def _table(html: str, title: str) -> list[list[str]]:
    """The rows of the table captioned with that title, as text cells."""
    match = re.search(r"<caption>" + re.escape(title) + r".*?</caption>(.*?)</table>", html, re.S)
    assert match, f"no table « {title} »"
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    ]


def _row(table: list[list[str]], label: str) -> list[str]:
    return next(row for row in table if row[0] == label)


def test_a_dossier_keeps_the_commune_quartier_and_household_of_its_filing(team: Team) -> None:
    accounts.scope_session_to(team.agent)
    commune_id, quartier_id = _place("Grande-Rive", "Le Port")
    person = people.create(
        actor=team.agent,
        identity=people.Identity(
            last_name="Nguyen",
            first_name="Lan",
            birth_date=date(2003, 1, 2),
            quartier_id=quartier_id,
            housing="heberge",
        ),
    )
    assert person.commune_id == commune_id  # the quartier's commune
    people.add_member(
        actor=team.agent,
        person_id=person.id,
        first_name="Tom",
        last_name="Nguyen",
        birth_date=date(2020, 1, 1),
        relationship=Relationship.ENFANT,
    )
    dossier = open_aid(team.agent, person.id, AidType.SECOURS_URGENCE)
    assert (dossier.commune_id, dossier.quartier_id) == (commune_id, quartier_id)
    assert (dossier.household_kind, dossier.age_band, dossier.resources_band, dossier.housing) == (
        "monoparentale",
        "moins_25",
        "",
        "heberge",
    )
    # Moving later does not change where the request was filed.
    _, other = _place("Grande-Rive", "La Colline")
    person.quartier_id = other
    db.session.flush()
    db.session.refresh(dossier)
    assert dossier.quartier_id == quartier_id


def test_a_quartier_of_another_commune_is_refused(team: Team) -> None:
    accounts.scope_session_to(team.agent)
    petite, _ = _place("Petite-Rive")
    _, port = _place("Grande-Rive", "Le Port")
    with pytest.raises(Exception, match="pas dans la commune choisie"):
        people.create(
            actor=team.agent,
            identity=people.Identity(last_name="X", first_name="Y", commune_id=petite, quartier_id=port),
        )


def test_the_head_of_service_manages_communes_and_quartiers(client: FlaskClient, team: Team) -> None:
    as_user(client, "direction")
    page = text_of(client.get("/communes/"))
    assert "Grande-Rive" in page
    assert "Le Port" in page
    assert post_form(client, "/communes/", {"insee_code": "99003", "name": "Rive-Neuve"}).status_code == 302
    petite, _ = _place("Petite-Rive")
    response = post_form(client, "/communes/", {"name": "Les Saules"}, action=f"/communes/{petite}/quartiers")
    assert response.status_code == 302
    assert db.session.scalars(select(Quartier.name).where(Quartier.commune_id == petite)).all() == [
        "Les Saules"
    ]
    duplicate = post_form(client, "/communes/", {"insee_code": "99003", "name": "Encore"})
    assert duplicate.status_code == 422
    assert "La commune de code INSEE 99003 est déjà desservie." in text_of(duplicate)
    as_user(client, "elue")
    assert client.get("/communes/").status_code == 403


def test_a_ccas_serves_one_commune(client: FlaskClient, make_user: object) -> None:
    make_user("claire", Role.RESPONSABLE)  # type: ignore[operator]
    as_user(client, "claire")
    response = post_form(client, "/communes/", {"insee_code": "99004", "name": "Ailleurs"})
    assert response.status_code == 422
    assert "Un CCAS dessert une seule commune" in text_of(response)


def test_the_page_shows_each_figure_as_a_chart_and_a_table_split_by_commune(
    client: FlaskClient, activity: Team
) -> None:
    as_user(client, "direction")
    response = client.get("/statistiques/?debut=2026-01-01&fin=2026-12-31&repartition=commune")
    assert response.status_code == 200
    html = text_of(response)
    charts = re.findall(r'<img class="chart" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(charts) >= 6
    undrawn = html.count("Pas de graphique : toutes ses cases sont masquées (secret statistique) ou vides.")
    assert len(re.findall(r"<table class=\"data\">", html)) == len(charts) + undrawn
    drawn = base64.b64decode(charts[0]).decode()
    assert drawn.startswith("<svg")
    assert "Grande-Rive" in drawn
    amounts = _table(html, "Montants accordés par aide")
    assert amounts[0] == ["Aide", "Grande-Rive", "Petite-Rive", "Non renseigné", "Ensemble"]
    # The head of service reads every cell, French style: 6 × 100,50 € and 3 × 120,50 €.
    assert _row(amounts, "Secours d'urgence")[1:] == [
        "603,00\u00a0€",
        "361,50\u00a0€",
        "0,00\u00a0€",
        "964,50\u00a0€",
    ]
    outcomes = _table(html, "Demandes reçues, décidées, accordées, refusées, classées")
    assert _row(outcomes, "Accordées")[1:] == ["6", "3", "0", "9"]


def test_the_board_sees_a_commune_of_three_households_as_less_than_five(
    client: FlaskClient, activity: Team
) -> None:
    as_user(client, "elue")
    html = text_of(client.get("/statistiques/?debut=2026-01-01&fin=2026-12-31"))
    outcomes = _table(html, "Demandes reçues, décidées, accordées, refusées, classées")
    # Petite-Rive's three households are masked; Grande-Rive's six with them ("s": it is not under five), or
    # 9 − 6 would give them away.
    assert _row(outcomes, "Accordées")[1:] == ["s", "< 5", "0", "9"]
    assert "361,50" not in html
    assert "Les cellules concernant moins de 5 foyers sont masquées" in html
    by_quartier = text_of(client.get("/statistiques/?debut=2026-01-01&fin=2026-12-31&repartition=quartier"))
    assert _row(_table(by_quartier, "Foyers touchés et demandes"), "Foyers")[1:3] == ["< 5", "< 5"]


def test_a_single_masked_part_beside_its_total_masks_the_smallest_other_part() -> None:
    def cells(*households: int) -> list[Cell]:
        return [Cell(float(n), n) for n in households]

    figure = Figure(
        key="k",
        title="t",
        unit=Unit.NOMBRE,
        row_header="r",
        columns=["A", "B", "C", "Ensemble"],
        rows=[
            Row("x", cells(10, 6, 3, 19)),
            Row("y", cells(7, 0, 8, 15)),
            Row("Total", cells(17, 6, 11, 34)),
        ],
        row_total=True,
        column_total=True,
    )
    shown = [[cell.masked for cell in row.cells] for row in masked(figure).rows]
    # x: 3 is masked (primary), then 6, the smallest other part of its line; column C then has one masked
    # part over a shown total, so 8 goes too, and so on until no sum gives a cell back. Totals stay shown.
    assert shown[0][1:] == [True, True, False]
    assert shown[1][2] is True
    assert not any(row[-1] for row in shown[:-1])
    for row in shown:  # never a single masked part in a line whose total shows
        assert sum(row[:-1]) != 1 or row[-1]
    for column in zip(*shown, strict=True):
        assert sum(column[:-1]) != 1 or column[-1]
    # The small count says "< 5"; those masked to protect it do not: they are secrets, not small counts.
    printed = [formats.cell(cell, Unit.NOMBRE) for cell in masked(figure).rows[0].cells]
    assert printed == ["s", "s", "< 5", "19"], printed


def test_a_chart_whose_every_cell_is_masked_is_not_drawn_empty() -> None:
    def cells(*households: int) -> list[Cell]:
        return [Cell(float(n), n) for n in households]

    figure = Figure(
        key="k", title="t", unit=Unit.NOMBRE, row_header="r", columns=["A", "B", "Ensemble"],
        rows=[Row("x", cells(3, 2, 5))], row_total=True,
    )  # fmt: skip
    assert charts.drawable(figure)
    assert not charts.drawable(masked(figure))  # both communes under five: nothing left to draw
    (shown,) = report.printed([masked(figure)])
    assert shown.chart is None
    assert shown.rows == [("x", ["< 5", "< 5", "5"])]


def _french_excel(content: bytes) -> list[list[str]]:
    """Read a CSV as French Excel does: a UTF-8 BOM says the encoding, fields are separated by `;`."""
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))


def _decimal(text: str) -> Decimal:
    assert re.fullmatch(r"-?\d+(,\d+)?", text), text  # a decimal comma, no thousands separator
    return Decimal(text.replace(",", "."))


def test_the_csv_opens_in_french_excel_with_accents_euros_and_decimals(
    client: FlaskClient, activity: Team
) -> None:
    as_user(client, "direction")
    response = client.get("/statistiques/export.csv?debut=2026-01-01&fin=2026-12-31&repartition=centre")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _french_excel(response.data)
    assert rows[1] == ["Du", "01/01/2026", "au", "31/12/2026"]
    start = rows.index(["Montants accordés par aide (€)"])
    assert rows[start + 1] == ["Aide", "Ensemble"]
    secours = next(row for row in rows[start:] if row[0] == "Secours d'urgence")
    assert _decimal(secours[1]) == Decimal("964.50")
    delays = rows.index(["Délais moyens, en jours (jours)"])
    assert rows[delays + 2][0] == "Du dépôt à la décision"
    assert _decimal(rows[delays + 2][1]) >= 0


def test_every_export_masks_small_cells(client: FlaskClient, activity: Team) -> None:
    as_user(client, "direction")  # even the head of service's export goes out masked
    rows = _french_excel(client.get("/statistiques/export.csv?debut=2026-01-01&fin=2026-12-31").data)
    start = rows.index(["Demandes reçues, décidées, accordées, refusées, classées (nombre)"])
    assert rows[start + 1] == ["Demandes", "Grande-Rive", "Petite-Rive", "Non renseigné", "Ensemble"]
    accorded = next(row for row in rows[start:] if row[0] == "Accordées")
    assert accorded[1:] == ["s", "< 5", "0", "9"]
    extract = _french_excel(client.get("/statistiques/abs.csv?debut=2026-01-01&fin=2026-12-31").data)
    assert extract[0] == ["Indicateur", "Ligne", "Commune", "Quartier", "Valeur", "Unité", "Début", "Fin"]
    port = [
        row for row in extract if row[2] == "Grande-Rive" and row[3] == "Le Port" and row[1] == "Accordées"
    ]
    assert port
    assert port[0][4] == "< 5"
    assert port[0][6:] == ["01/01/2026", "31/12/2026"]
    granted = [row for row in extract if row[0] == "Montants accordés par aide" and row[2] == "Ensemble"]
    assert _decimal(granted[0][4]) == Decimal("964.50")
    assert granted[0][5] == "€"
    as_user(client, "elue")
    assert client.get("/statistiques/abs.csv").status_code == 403


def test_the_yearly_report_is_a_pdf_record_that_reads_back_with_its_figures(
    client: FlaskClient, activity: Team
) -> None:
    as_user(client, "direction")
    form = {
        "year": "2026",
        "introduction": "Une année marquée par la hausse des impayés d'énergie.",
        "faits_marquants": "Ouverture d'une permanence à Petite-Rive.",
        "perspectives": "",
    }
    assert post_form(client, "/statistiques/rapport", form).status_code == 302
    document = db.session.scalars(select(Document).where(Document.kind == "rapport_activite")).one()
    assert (document.number, document.subject_type) == ("RA2026", "rapport_activite")
    assert words_past_the_right_margin(document.content) == []  # seven aids and their total fit the page
    text = text_of_pdf(document.content)
    for expected in (
        "Rapport d'activité 2026",
        "CIAS des Deux-Rives",
        "hausse des impayés d'énergie",
        "Petite-Rive",
        "Montants accordés par aide",
        "Demandes reçues par mois",
        "Foyers touchés par composition",
        "964,50",
    ):
        assert expected in text, expected
    # The board's report is masked: Petite-Rive's three households, and Grande-Rive's beside them.
    assert re.search(r"Accordées s < ?5 0 9", text)
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    metadata = subprocess.run(
        ["pdfinfo", "-meta", "-"], input=document.content, capture_output=True, check=True
    )
    assert b"pdfaid:part" in metadata.stdout  # PDF/A identification in the XMP metadata
    as_user(client, "elue")  # the board's members read it
    assert client.get(f"/documents/{document.id}").status_code == 200


def test_the_figures_are_a_bounded_number_of_grouped_queries(client: FlaskClient, activity: Team) -> None:
    """The page's statements do not grow with the dossiers it counts: aggregates, no loop over rows."""
    as_user(client, "direction")

    def statements() -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/statistiques/?debut=2026-01-01&fin=2026-12-31").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    before = statements()
    for i in range(4):
        _granted(activity, f"Plus{i}", "Petite-Rive", None, 90)
    assert statements() == before


def test_the_demo_centre_shows_a_year_of_figures_by_commune(app: Flask, client: FlaskClient) -> None:
    demo.seed_if_empty()
    assert login(client, "responsable", demo.DEMO_PASSWORD).status_code == 302
    html = text_of(client.get("/statistiques/"))
    assert len(re.findall(r'<img class="chart"', html)) >= 6
    received = _table(html, "Demandes reçues par mois")
    assert received[0][1:] == [
        "Chaumont-le-Petit",
        "Les Aubiers",
        "Saint-Aubin-sur-Loire",
        "Villiers-sur-Loire",
        "Non renseigné",
        "Ensemble",
    ]
    assert len(received) == 1 + 13 + 1  # the header, twelve past months and this one, the total
    refusals = _table(html, "Refus par motif")
    assert _row(refusals, "Ressources au-dessus du barème")[-1] != "0"  # the category the delegate chose
    assert _row(refusals, "Plafond annuel atteint")[-1] != "0"
    decided = _table(html, "Décisions prises sous délégation ou en commission")
    assert _row(decided, "Sous délégation (président·e, vice-président·e)")[-1] == "24"
    legal_aid = _table(html, "Aide sociale légale : transmission dans le mois (art. L131-1 CASF)")
    assert _row(legal_aid, "Part transmise dans le mois (%)")[-1] == "75,0\u00a0%"  # one of four was late
    households = _row(_table(html, "Foyers touchés et demandes"), "Foyers")
    assert households[1] == "3"  # Chaumont-le-Petit
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/tableau-de-bord")})
    assert login(client, "elu", demo.DEMO_PASSWORD).status_code == 302
    html = text_of(client.get("/statistiques/"))
    assert _row(_table(html, "Foyers touchés et demandes"), "Foyers")[1] == "< 5"


def test_the_rights_asked_after_the_check_are_counted_per_right_and_commune(
    client: FlaskClient, activity: Team
) -> None:
    """Each household counted once per right it asked for; rights already open or declined are not."""
    granted = db.session.scalars(select(Dossier).order_by(Dossier.id)).all()
    by_commune = {"Grande-Rive": granted[:6], "Petite-Rive": granted[6:]}
    for dossier in by_commune["Grande-Rive"][:2]:
        for right in ("rsa", "css_gratuite"):
            rights.record_follow_up(
                actor=activity.agent, person_id=dossier.person_id, right=right,
                status=FollowUpStatus.DEMANDE_FAITE, on_date=date(2026, 11, 20),
            )  # fmt: skip
    first_of_petite_rive = by_commune["Petite-Rive"][0].person_id
    rights.record_follow_up(
        actor=activity.agent, person_id=first_of_petite_rive, right="rsa",
        status=FollowUpStatus.DEMANDE_FAITE, on_date=date(2026, 11, 21),
    )  # fmt: skip
    rights.record_follow_up(
        actor=activity.agent, person_id=first_of_petite_rive, right="aide_logement",
        status=FollowUpStatus.DEJA_OUVERT, on_date=date(2026, 11, 21),
    )  # fmt: skip
    as_user(client, "direction")
    html = text_of(client.get("/statistiques/?debut=2026-01-01&fin=2026-12-31&repartition=commune"))
    asked = _table(html, "Accès aux droits : demandes faites après l'estimation, par droit")
    assert _row(asked, "Revenu de solidarité active (RSA)")[1:] == ["2", "1", "0", "3"]
    assert _row(asked, "Complémentaire santé solidaire sans participation")[1:] == ["2", "0", "0", "2"]
    assert _row(asked, "Aide au logement (APL, ALF ou ALS)")[1:] == ["0", "0", "0", "0"]  # already open
    before = text_of(client.get("/statistiques/?debut=2025-01-01&fin=2025-12-31&repartition=commune"))
    assert _row(_table(before, "Accès aux droits : demandes faites après l'estimation, par droit"),
                "Revenu de solidarité active (RSA)")[1:] == ["0", "0", "0", "0"]  # fmt: skip
