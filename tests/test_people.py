"""People: search ignoring accents and case, duplicates confirmed, reste à vivre shown with its inputs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.factories import make_centre
from service.demo import DEMO_CENTRE_CODE
from service.extensions import db
from service.models import BudgetKind, Centre, Relationship, Role, User
from service.people import service as people
from tests.conftest import text_of
from tests.workflow_helpers import as_user, post_form


@pytest.fixture
def nadia(make_user: Callable[..., User]) -> User:
    return make_user("nadia", Role.ACCUEIL)


def test_normalise_ignores_accents_case_and_punctuation() -> None:
    assert people.normalise("  Élodie D'Arc-MÜLLER ") == "elodie d arc muller"


def test_search_finds_whatever_the_spelling(nadia: User) -> None:
    people.create(actor=nadia, identity=people.Identity(last_name="Lefèvre", first_name="Élodie"))
    people.create(actor=nadia, identity=people.Identity(last_name="Lefort", first_name="Jean"))
    for query in ("lefevre", "LEFÈVRE elodie", "elodie", "Lefèvre  Élodie"):
        assert [p.first_name for p in people.search(actor=nadia, query=query)] == ["Élodie"]
    assert len(people.search(actor=nadia, query="lef")) == 2
    assert people.search(actor=nadia, query="%") == []


def test_creating_a_probable_duplicate_asks_for_confirmation(client: FlaskClient, nadia: User) -> None:
    people.create(actor=nadia, identity=people.Identity(last_name="Lefèvre", first_name="Élodie"))
    as_user(client, "nadia")
    first = post_form(client, "/personnes/nouvelle", {"last_name": "LEFEVRE", "first_name": "elodie"})
    assert first.status_code == 422
    page = text_of(first)
    assert "Des personnes au nom proche sont déjà connues" in page
    assert "LEFÈVRE Élodie" in page
    assert 'value="LEFEVRE"' in first.get_data(as_text=True)  # the typed values are kept

    confirmed = post_form(
        client,
        "/personnes/nouvelle",
        {"last_name": "LEFEVRE", "first_name": "elodie", "confirm_duplicate": "y"},
    )
    assert confirmed.status_code == 302
    assert len(people.search(actor=nadia, query="lefevre elodie")) == 2


def test_reste_a_vivre_with_its_inputs(client: FlaskClient, nadia: User) -> None:
    person = people.create(actor=nadia, identity=people.Identity(last_name="Diallo", first_name="Awa"))
    people.add_member(
        actor=nadia,
        person_id=person.id,
        first_name="Moussa",
        last_name="Diallo",
        birth_date=date(1980, 1, 1),
        relationship=Relationship.CONJOINT,
    )
    for birth in (date(2015, 6, 1), date(2010, 11, 24)):  # 11 and 15 years old on 23/11/2026
        people.add_member(
            actor=nadia,
            person_id=person.id,
            first_name="Enfant",
            last_name="Diallo",
            birth_date=birth,
            relationship=Relationship.ENFANT,
        )
    for kind, category, cents in (
        (BudgetKind.RESSOURCE, "salaire", 150000),
        (BudgetKind.RESSOURCE, "aide_logement", 25000),
        (BudgetKind.CHARGE, "loyer", 70000),
        (BudgetKind.CHARGE, "energie", 12345),
    ):
        people.add_budget_line(
            actor=nadia,
            person_id=person.id,
            kind=kind,
            category=category,
            label="",
            monthly_amount_cents=cents,
        )
    summary = people.budget(person)
    assert (summary.resources_cents, summary.charges_cents) == (175000, 82345)
    assert (summary.adults, summary.children, summary.parts_label) == (2, 2, "3")
    assert summary.rav_per_day_cents == 1029  # (1750 − 823,45) / 3 / 30 = 10,2950 €

    as_user(client, "nadia")
    page = text_of(client.get(f"/personnes/{person.id}"))
    assert "Reste à vivre : 10,29\u00a0€ par jour et par part" in page
    assert "1\u202f750,00\u00a0€ de ressources − 823,45\u00a0€ de charges" in page
    assert "÷ 3 part(s) (2 adulte(s) × 1 + 2 enfant(s) × 0,5)" in page


def test_a_negative_reste_a_vivre_is_shown_as_such(nadia: User) -> None:
    person = people.create(actor=nadia, identity=people.Identity(last_name="Roy", first_name="Lina"))
    people.add_budget_line(
        actor=nadia,
        person_id=person.id,
        kind=BudgetKind.CHARGE,
        category="loyer",
        label="",
        monthly_amount_cents=30000,
    )
    assert people.budget(person).rav_per_day_cents == -1000


def test_budget_amount_typed_badly_is_refused_and_kept(client: FlaskClient, nadia: User) -> None:
    person = people.create(actor=nadia, identity=people.Identity(last_name="Roy", first_name="Lina"))
    as_user(client, "nadia")
    page = f"/personnes/{person.id}"
    data = {"kind": "charge", "category": "loyer", "label": "", "amount": "quatre cents"}
    response = post_form(client, page, data, f"{page}/budget")
    assert response.status_code == 422
    assert "Saisissez un montant en euros, par exemple 120,50." in text_of(response)
    assert 'value="quatre cents"' in response.get_data(as_text=True)
    assert people.get(actor=nadia, person_id=person.id).budget_lines == []


def test_admin_cannot_read_people(make_user: Callable[..., User], nadia: User) -> None:
    admin = make_user("lea", Role.ADMIN)
    from service.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        people.search(actor=admin, query="x")


@pytest.fixture
def registered(nadia: User) -> dict[str, int]:
    def add(last: str, first: str, **fields: object) -> int:
        identity = people.Identity(last_name=last, first_name=first, **fields)  # type: ignore[arg-type]
        return people.create(actor=nadia, identity=identity, confirm_duplicate=True).id

    return {
        "martin": add("Martin", "Jean", birth_date=date(1980, 3, 12), phone="06 12 34 56 78"),
        "diallo": add("Diallo", "Fatou", phone="07.98.76.54.32"),
        "lefebvre": add("Lefebvre", "Hélène"),
        "nguyen": add("Nguyen", "Marc", birth_date=date(1980, 3, 12)),
    }


def _found(nadia: User, query: str) -> list[int]:
    return [person.id for person in people.search(actor=nadia, query=query)]


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("martn", "martin"),  # a letter missing
        ("marten jean", "martin"),  # a letter wrong
        ("mbrtim", "martin"),  # two letters wrong
        ("jean martin", "martin"),  # first and last names swapped
        ("fatoo diallo", "diallo"),
        ("fatou dialo", "diallo"),
        ("LEFEBVRE helene", "lefebvre"),
        ("léfèbvre", "lefebvre"),
    ],
)
def test_a_name_with_a_typo_finds_the_person_first(
    nadia: User, registered: dict[str, int], query: str, who: str
) -> None:
    found = _found(nadia, query)
    assert found, query
    assert found[0] == registered[who]
    assert registered["nguyen"] not in found


def test_search_by_date_of_birth_and_phone(nadia: User, registered: dict[str, int]) -> None:
    assert sorted(_found(nadia, "12/03/1980")) == sorted([registered["martin"], registered["nguyen"]])
    assert _found(nadia, "1980-03-12 nguyen") == [registered["nguyen"]]
    assert _found(nadia, "0612345678") == [registered["martin"]]
    assert _found(nadia, "+33 7 98 76 54 32") == [registered["diallo"]]
    assert _found(nadia, "01/01/1990") == []


def test_search_stays_within_the_centre(
    nadia: User, registered: dict[str, int], make_user: Callable[..., User]
) -> None:
    elsewhere = make_centre("ccas-ailleurs", "CCAS d'Ailleurs")
    other = make_user("odile", Role.ACCUEIL, centre_code=elsewhere.code)
    assert _found(other, "martin") == []
    assert _found(other, "12/03/1980") == []
    assert _found(nadia, "martin")[0] == registered["martin"]


def test_the_search_page_finds_a_typo(client: FlaskClient, registered: dict[str, int]) -> None:
    as_user(client, "nadia")
    page = text_of(client.get("/personnes/?q=martn"))
    assert "MARTIN Jean" in page
    assert "1 résultat(s)" in page


def test_a_typo_finds_a_person_of_the_demo(app: Flask) -> None:
    assert "Données de démonstration créées" in app.test_cli_runner().invoke(args=["demo", "seed"]).output
    staff = db.session.scalars(select(User).join(Centre).where(Centre.code == DEMO_CENTRE_CODE)).all()
    front_desk = next(user for user in staff if user.has_role(Role.ACCUEIL))
    for query, last_name in [
        ("lefevr elodie", "Lefèvre"),
        ("elodie lefebvre", "Lefèvre"),
        ("fatoo martn", "Martin"),
    ]:
        found = people.search(actor=front_desk, query=query)
        assert found, query
        assert found[0].last_name == last_name
