"""Helpers to walk a dossier through its tasks with the web client, as agents would."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from scenarios.factories import open_task
from service.extensions import db
from service.models import Dossier, Person
from tests.conftest import csrf_token, login


def as_user(client: FlaskClient, username: str) -> FlaskClient:
    """Sign the client out, then in as another user."""
    client.get("/")  # a page with a token only when signed in
    if client.get("/tableau-de-bord").status_code == 200:
        client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/tableau-de-bord")})
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post_form(
    client: FlaskClient, page: str, data: dict[str, str], action: str | None = None
) -> TestResponse:
    """Post a form the way a browser does: with the CSRF token of the page it sits on."""
    return client.post(action or page, data={**data, "csrf_token": csrf_token(client, page)})


def complete(client: FlaskClient, dossier: Dossier, task_name: str, data: dict[str, str]) -> TestResponse:
    page = f"/taches/{open_task(dossier, task_name).id}"
    return post_form(client, page, data)


def create_person_with_budget(client: FlaskClient, last_name: str, first_name: str) -> Person:
    """Through the pages: create the person, add a child, RSA 600 € and rent 450 €."""
    response = post_form(client, "/personnes/nouvelle", {"last_name": last_name, "first_name": first_name})
    assert response.status_code == 302, response.get_data(as_text=True)
    person_page = response.headers["Location"]
    person = db.session.get(Person, int(person_page.rsplit("/", 1)[1]))
    assert person is not None
    for data in (
        {"first_name": "Inès", "last_name": last_name, "birth_date": "2018-05-02", "relationship": "enfant"},
    ):
        assert post_form(client, person_page, data, f"{person_page}/foyer").status_code == 302
    for kind, category, amount in (("ressource", "rsa", "600,00"), ("charge", "loyer", "450,00")):
        data = {"kind": kind, "category": category, "label": "", "amount": amount}
        assert post_form(client, person_page, data, f"{person_page}/budget").status_code == 302
    return person


def open_secours(client: FlaskClient, person: Person, reason: str = "Facture d'énergie impayée") -> Dossier:
    page = f"/personnes/{person.id}"
    response = post_form(client, page, {"aid_type": "secours_urgence", "reason": reason}, f"{page}/demandes")
    assert response.status_code == 302, response.get_data(as_text=True)
    dossier = db.session.get(Dossier, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert dossier is not None
    return dossier
