"""The rights check: a household's potential rights estimated by the real OpenFisca Web API on loopback,
in the background, cached until the household or budget change; the intake goes on when OpenFisca is away."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service import clock
from service.extensions import db
from service.models import BudgetKind, EstimateStatus, Housing, Relationship, RightsEstimate, Role, User
from service.people import service as people
from service.rights import service as rights
from service.rights import situation
from tests.conftest import text_of
from tests.workflow_helpers import as_user, post_form
from tools.openfisca.local import free_port, openfisca_server

# OpenFisca-France 176.1.8, November 2026: the RSA base amount for one person alone, minus the housing
# flat-rate deduction (forfait logement) since a housing aid is due: 573.4872 € a month.
RSA_ALONE_WITH_HOUSING_AID_CENTS = 57349


@pytest.fixture(scope="session")
def openfisca_url() -> Iterator[str]:
    with openfisca_server() as url:
        yield url


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The live OpenFisca for the tests marked so; for the others, a port nobody listens on."""
    if request.node.get_closest_marker("openfisca"):
        return {"OPENFISCA_URL": request.getfixturevalue("openfisca_url")}
    return {"OPENFISCA_URL": f"http://127.0.0.1:{free_port()}"}


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user("ines", Role.INSTRUCTEUR)


def _alone_renting(agent: User, *, rent_cents: int = 45000) -> int:
    """A single adult of 40 without resources, renting an unfurnished flat."""
    person = people.create(
        actor=agent,
        identity=people.Identity(last_name="Seule", first_name="Marie", birth_date=date(1986, 6, 15)),
        confirm_duplicate=True,
    )
    people.add_budget_line(
        actor=agent, person_id=person.id, kind=BudgetKind.CHARGE, category="loyer", label="",
        monthly_amount_cents=rent_cents,
    )  # fmt: skip
    return person.id


def _amount_on_page(page: str, label: str) -> str:
    found = re.search(re.escape(label) + r"</th>\s*<td>([^<]+)</td>", page)
    assert found, f"{label} absent de la page"
    return found.group(1).strip()


def test_the_situation_sent_holds_the_household_and_only_the_rights_worth_asking() -> None:
    facts = situation.Facts(
        month=date(2026, 11, 1),
        birth_date=date(1986, 6, 15),
        members=[
            situation.Member(date(1988, 2, 1), Relationship.CONJOINT),
            situation.Member(date(2019, 5, 4), Relationship.ENFANT),
            situation.Member(date(1950, 1, 1), Relationship.PARENT),
        ],
        resources_cents={"salaire": 120000, "rsa": 20000},
        rent_cents=60000,
        housing=Housing.LOCATAIRE_VIDE,
        disability=False,
        depcom="69123",
    )
    body = situation.build(facts)
    family = body["familles"]["famille"]
    assert family["parents"] == ["demandeur", "membre_1"]
    assert family["enfants"] == ["membre_2"]
    assert body["menages"]["menage"]["autres"] == ["membre_3"]
    assert body["menages"]["menage"]["loyer"] == {"2026-11": 600.0}
    salary = body["individus"]["demandeur"]["salaire_net"]
    assert len(salary) == situation.LOOK_BACK_MONTHS + 1
    assert salary["2025-11"] == 1200.0
    assert (
        "rsa" not in body["individus"]["demandeur"]
    )  # a benefit received is what is estimated, not an input
    asked = {name for name, value in family.items() if value == {"2026-11": None}}
    assert asked == {
        "rsa",
        "ppa",
        "aide_logement",
        "cmu_c",
        "css_participation_forfaitaire",
    }  # no AAH, no ASPA
    hosted = situation.build(facts.__class__(**{**facts.__dict__, "housing": Housing.HEBERGE}))
    assert "loyer" not in hosted["menages"]["menage"]
    assert situation.fingerprint(body) != situation.fingerprint(hosted)


@pytest.mark.openfisca
def test_a_single_adult_without_resources_renting_gets_the_rsa_and_a_housing_aid(
    client: FlaskClient, agent: User
) -> None:
    person_id = _alone_renting(agent)
    as_user(client, "ines")
    page = f"/personnes/{person_id}/droits"
    assert "Aucune estimation" in text_of(client.get(page))

    response = post_form(client, page, {"housing": "locataire_vide"}, action=f"{page}/estimer")
    assert response.status_code == 302
    waiting = client.get(page).get_data(as_text=True)
    assert "Estimation en cours" in waiting
    assert "<progress" in waiting
    assert 'http-equiv="refresh"' in waiting  # the page follows the background work by itself

    report = rights.estimate_pending()
    assert report.computed == 1

    estimate = db.session.scalars(select(RightsEstimate).where(RightsEstimate.person_id == person_id)).one()
    assert estimate.status is EstimateStatus.CALCULEE
    assert estimate.amounts["rsa"] == RSA_ALONE_WITH_HOUSING_AID_CENTS
    assert estimate.amounts["aide_logement"] > 0
    assert "css_gratuite" in estimate.amounts  # no resources: the complémentaire santé solidaire is free
    shown = client.get(page).get_data(as_text=True)
    assert _amount_on_page(shown, "Revenu de solidarité active (RSA)") == "573,49\u00a0€"
    assert _amount_on_page(shown, "Aide au logement (APL, ALF ou ALS)").endswith("€")
    assert "novembre 2026" in shown
    assert "Estimation en cours" not in shown


@pytest.mark.openfisca
def test_an_estimate_is_cached_until_the_budget_changes(
    client: FlaskClient, agent: User, travel: clock.TravellingClock
) -> None:
    person_id = _alone_renting(agent, rent_cents=52000)
    rights.ask(actor=agent, person_id=person_id, housing=Housing.LOCATAIRE_VIDE, disability=False)
    assert rights.estimate_pending().computed == 1
    again = rights.ask(actor=agent, person_id=person_id, housing=Housing.LOCATAIRE_VIDE, disability=False)
    assert again.status is EstimateStatus.CALCULEE  # the same facts: the same estimate, nothing to compute
    assert rights.estimate_pending().computed == 0

    travel.advance(timedelta(minutes=5))
    people.add_budget_line(
        actor=agent, person_id=person_id, kind=BudgetKind.RESSOURCE, category="salaire", label="",
        monthly_amount_cents=90000,
    )  # fmt: skip
    as_user(client, "ines")
    assert "a changé depuis cette estimation" in text_of(client.get(f"/personnes/{person_id}/droits"))
    report = rights.estimate_pending()  # the changed file is estimated again without anyone asking
    assert (report.enqueued, report.computed) == (1, 1)
    latest = rights.read(actor=agent, person_id=person_id)
    assert latest.current
    assert latest.estimate is not None
    assert latest.estimate.amounts.get("prime_activite", 0) > 0  # 900 € of salary: a prime d'activité


def test_when_openfisca_does_not_answer_the_page_says_so_and_the_intake_goes_on(
    client: FlaskClient, agent: User, travel: clock.TravellingClock
) -> None:
    person_id = _alone_renting(agent)
    as_user(client, "ines")
    page = f"/personnes/{person_id}/droits"
    post_form(client, page, {"housing": "locataire_vide", "disability": "y"}, action=f"{page}/estimer")
    rights.estimate_pending()
    first_try = text_of(client.get(page))
    assert "OpenFisca n'a pas répondu au dernier essai" in first_try
    tries = 1
    while tries < 5:  # 1, 2, 4 and 8 minutes apart: OpenFisca may still be starting
        travel.advance(timedelta(minutes=2 ** (tries - 1), seconds=1))
        rights.estimate_pending()
        tries += 1
        db.session.expire_all()
        estimate = db.session.scalars(select(RightsEstimate)).one()
        assert estimate.attempts == tries
    assert estimate.status is EstimateStatus.INDISPONIBLE
    assert "L'estimation est indisponible" in text_of(client.get(page))
    assert client.get(f"/personnes/{person_id}").status_code == 200
    opened = post_form(
        client, f"/personnes/{person_id}", {"aid_type": "secours_urgence", "reason": "Facture d'énergie"},
        action=f"/personnes/{person_id}/demandes",
    )  # fmt: skip
    assert opened.status_code == 302


def test_an_estimate_needs_the_facts_it_is_made_from(client: FlaskClient, agent: User) -> None:
    person = people.create(
        actor=agent, identity=people.Identity(last_name="Sans", first_name="Budget"), confirm_duplicate=True
    )
    as_user(client, "ines")
    page = f"/personnes/{person.id}/droits"
    assert "renseignez la date de naissance" in text_of(client.get(page))
    refused = post_form(client, page, {"housing": "locataire_vide"}, action=f"{page}/estimer")
    assert refused.status_code == 422
    assert db.session.scalars(select(RightsEstimate)).all() == []


def test_the_follow_up_of_a_right_is_recorded_and_shown(client: FlaskClient, agent: User) -> None:
    person_id = _alone_renting(agent)
    as_user(client, "ines")
    page = f"/personnes/{person_id}/droits"
    tomorrow = (date(2026, 11, 24)).isoformat()
    refused = post_form(
        client, page, {"right": "rsa", "status": "demande_faite", "on_date": tomorrow}, action=f"{page}/suite"
    )
    assert refused.status_code == 422
    assert "dans le futur" in text_of(refused)
    done = post_form(
        client,
        page,
        {"right": "rsa", "status": "demande_faite", "on_date": "2026-11-20"},
        action=f"{page}/suite",
    )
    assert done.status_code == 302
    shown = text_of(client.get(page))
    assert "Demande faite le 20/11/2026" in shown


def test_a_role_without_the_budget_cannot_read_the_estimate(
    client: FlaskClient, agent: User, make_user: Callable[..., User]
) -> None:
    person_id = _alone_renting(agent)
    make_user("admin-si", Role.ADMIN)
    as_user(client, "admin-si")
    assert client.get(f"/personnes/{person_id}/droits").status_code in (403, 404)


def _centre_aid_row(page: str, label: str) -> list[str]:
    found = re.search(re.escape(label) + r"</th>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", page)
    assert found, f"{label} absent des aides facultatives"
    return [" ".join(cell.split()) for cell in found.groups()]


def test_the_centre_s_own_aids_are_shown_as_their_barèmes_answer(client: FlaskClient, agent: User) -> None:
    without_resources = _alone_renting(agent)
    as_user(client, "ines")
    page = text_of(client.get(f"/personnes/{without_resources}/droits"))
    assert "Aides facultatives du centre, selon ses barèmes" in page
    relief, left = _centre_aid_row(page, "Secours d'urgence")
    assert relief.startswith("Droit potentiel — Reste à vivre inférieur à 10 € par jour et par part")
    assert left.startswith("800,00")  # the household received nothing of it this year
    parcels, _ = _centre_aid_row(page, "Colis alimentaires")
    assert parcels == (
        "Droit potentiel — Reste à vivre inférieur à 5 € par jour et par part : 8 colis sur 8 semaines"
    )

    earning = _alone_renting(agent)
    people.add_budget_line(
        actor=agent, person_id=earning, kind=BudgetKind.RESSOURCE, category="salaire", label="",
        monthly_amount_cents=300000,
    )  # fmt: skip
    page = text_of(client.get(f"/personnes/{earning}/droits"))
    relief, _ = _centre_aid_row(page, "Secours d'urgence")
    assert relief == "Non, en l'état — Reste à vivre égal ou supérieur à 10 € par jour et par part"
    parcels, _ = _centre_aid_row(page, "Colis alimentaires")
    assert parcels.startswith("Non, en l'état — Reste à vivre égal ou supérieur à 8 €")
    assert "Aide sociale légale" not in page  # forwarded to the authority that decides: not the centre's aid
