"""One unit of work: nested use cases make one transaction; what the database refuses comes back in French;
input is checked at the edge (ids in range, no control characters); error pages always answer in French."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from service import unit_of_work
from service.access import routes
from service.errors import ConflictError, InvalidInputError, UnavailableError
from service.extensions import db
from service.models import Person, Role, User, WorkshopTheme
from service.people import service as people
from service.unit_of_work import transaction
from service.workshops import themes
from tests.conftest import text_of
from tests.workflow_helpers import as_user, post_form


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user("julie", Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)


def _people() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Person)) or 0)


def test_use_cases_called_inside_one_unit_are_one_transaction(agent: User) -> None:
    def two_people_then_a_failure() -> None:
        with transaction():
            people.create(actor=agent, identity=people.Identity(last_name="Un", first_name="Camille"))
            people.create(actor=agent, identity=people.Identity(last_name="Deux", first_name="Camille"))
            raise RuntimeError("la suite a échoué")

    with pytest.raises(RuntimeError):
        two_people_then_a_failure()
    assert _people() == 0  # neither the first nor the second person was kept

    with transaction():
        people.create(actor=agent, identity=people.Identity(last_name="Un", first_name="Camille"))
        people.create(actor=agent, identity=people.Identity(last_name="Deux", first_name="Camille"))
    assert _people() == 2


def test_what_the_database_says_is_translated() -> None:
    lost = unit_of_work.translate(StaleDataError("revision"), lost_race="Perdu.")
    assert isinstance(lost, ConflictError)
    assert lost.message == "Perdu."
    refused = unit_of_work.translate(DataError("INSERT", {}, Exception("value out of range")))
    assert isinstance(refused, InvalidInputError)
    assert "rien n'a été enregistré" in refused.message
    busy = unit_of_work.translate(OperationalError("BEGIN", {}, Exception("database is locked")))
    assert isinstance(busy, ConflictError)
    gone = OperationalError(
        "SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True
    )
    assert isinstance(unit_of_work.translate(gone), UnavailableError)
    assert unit_of_work.translate(ValueError("pas une erreur de base")) is None


def test_a_known_constraint_explains_itself_on_its_field(agent: User) -> None:
    """Two agents naming a theme at the same instant: each checked first, the constraint settles it."""
    themes.save_theme(actor=agent, name="Budget", description="")

    def the_same_name_again() -> None:
        with transaction():
            db.session.add(WorkshopTheme(centre_id=agent.centre_id, name="Budget", description=""))

    with pytest.raises(InvalidInputError) as refused:
        the_same_name_again()
    assert refused.value.field == "name"
    assert refused.value.message == "Un thème porte déjà ce nom dans votre centre."


def test_a_constraint_without_its_words_is_still_a_french_error() -> None:
    error = IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: inconnue.colonne"))
    translated = unit_of_work.translate(error)
    assert isinstance(translated, ConflictError)
    assert "existe déjà" in translated.message


def test_a_duplicate_theme_is_refused_on_the_page_and_nothing_is_kept(
    client: FlaskClient, agent: User
) -> None:
    themes.save_theme(actor=agent, name="Budget", description="")
    as_user(client, "julie")
    response = post_form(
        client, "/ateliers/themes", {"name": "Budget", "description": "Doublon", "active": "y"}
    )
    assert response.status_code == 422
    assert "Le thème « Budget » existe déjà." in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(WorkshopTheme)) == 1


@pytest.mark.parametrize(
    "path", ["/dossiers/99999999999999999999", "/dossiers/2147483648", "/taches/2147483647", "/personnes/0"]
)
def test_an_id_beyond_the_database_is_a_page_that_does_not_exist(
    client: FlaskClient, agent: User, path: str
) -> None:
    as_user(client, "julie")
    response = client.get(path)
    assert response.status_code == 404
    assert "Cette page n'existe pas, ou plus." in text_of(response) or "n'existe pas" in text_of(response)


def test_control_characters_are_dropped_from_what_is_typed(client: FlaskClient, agent: User) -> None:
    as_user(client, "julie")
    response = post_form(
        client,
        "/personnes/nouvelle",
        {"last_name": "Mar\x00tin\x1b", "first_name": "Fa\x07tou\u202e", "city": "Saint-\x00Aubin\r\n"},
    )
    assert response.status_code == 302, text_of(response)
    person = db.session.scalars(select(Person)).one()
    # Control characters go; a right-to-left mark is text some names need, and stays.
    assert (person.last_name, person.first_name, person.city) == ("Martin", "Fatou\u202e", "Saint-Aubin")
    assert client.get("/personnes/?q=Mar%00tin").status_code == 200


def test_an_unknown_choice_is_refused_in_french(client: FlaskClient, agent: User) -> None:
    person = people.create(actor=agent, identity=people.Identity(last_name="Diallo", first_name="Awa"))
    as_user(client, "julie")
    page = f"/personnes/{person.id}"
    response = post_form(
        client, page, {"kind": "abc", "category": "rsa", "amount": "100"}, action=f"{page}/budget"
    )
    assert response.status_code == 422
    assert "Choisissez une ressource ou une charge." in text_of(response)


def test_a_database_failure_outside_a_use_case_shows_the_french_page_and_the_next_request_works(
    app: Flask, client: FlaskClient, agent: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> str:
        db.session.execute(text("SELECT colonne FROM table_qui_n_existe_pas"))
        return "jamais"

    app.add_url_rule("/essai-panne", view_func=broken)
    monkeypatch.setitem(routes.ROUTES, ("broken", "GET"), routes.Line(routes.Rule.SIGNED_IN))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not the traceback
    as_user(client, "julie")
    response = client.get("/essai-panne")
    assert response.status_code == 500
    page = text_of(response)
    assert "Erreur interne" in page
    assert "Rien n'a été enregistré" in page
    assert "Traceback" not in page
    assert "table_qui_n_existe_pas" not in page
    assert client.get("/personnes/").status_code == 200  # the session was rolled back, not left broken


def test_an_unexpected_error_shows_the_french_page(
    app: Flask, client: FlaskClient, agent: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing() -> str:
        raise RuntimeError("bogue")

    app.add_url_rule("/essai-bogue", view_func=failing)
    monkeypatch.setitem(routes.ROUTES, ("failing", "GET"), routes.Line(routes.Rule.SIGNED_IN))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    as_user(client, "julie")
    response = client.get("/essai-bogue")
    assert response.status_code == 500
    assert "Une erreur inattendue s'est produite" in text_of(response)
    assert "bogue" not in text_of(response)
