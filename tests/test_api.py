"""The REST API: tokens (hashed, scoped, revocable, rate-limited, audited), problems in French, cursor paging,
and the same use cases as the pages: register a person, open a request, complete its first step."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from scenarios.factories import make_centre
from scenarios.secours import EVALUATION, awaiting_delegate_decision
from service import clock
from service.api_tokens import service as tokens
from service.extensions import db
from service.models import ApiToken, AuditEvent, Centre, HumanTask, Role, User
from tests.conftest import PASSWORD, csrf_token, login, text_of

PROBLEM = "application/problem+json"


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user("agent", Role.ACCUEIL, Role.INSTRUCTEUR, full_name="Agnès Agent")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin", Role.ADMIN, full_name="Ada Admin")


@pytest.fixture
def secret(agent: User, admin: User) -> str:
    return tokens.create_token(actor=admin, user_id=agent.id, name="GED", scopes=["read", "write"])[1]


def call(client: FlaskClient, method: str, path: str, secret: str, body: Any = None) -> Any:
    return client.open(
        path, method=method, json=body, headers={"Authorization": f"Bearer {secret}"} if secret else {}
    )


def test_the_openapi_document_is_generated_and_documented(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert {"/api/v1/personnes", "/api/v1/taches/{task_id}/achevement", "/api/v1/ateliers/seances"} <= set(
        document["paths"]
    )
    assert document["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
    problem = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert PROBLEM in problem
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/api/v1/taches/{task_id}/achevement" in text_of(page)
    assert "swagger-ui-bundle.js" in text_of(page)


def test_a_call_without_a_valid_token_is_a_french_problem(
    client: FlaskClient, secret: str, admin: User
) -> None:
    for given in ("", "entraide_inconnu"):
        response = call(client, "GET", "/api/v1/taches", given)
        assert response.status_code == 401
        assert response.mimetype == PROBLEM
        assert response.get_json()["title"] == "Authentification requise"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    signed_in = client  # a browser's session cookie opens nothing in the API
    login(signed_in, "agent")
    assert signed_in.get("/api/v1/taches").status_code == 401
    token = db.session.scalars(select(ApiToken)).one()
    tokens.revoke_token(actor=admin, token_id=token.id)
    assert call(client, "GET", "/api/v1/taches", secret).status_code == 401


def test_the_secret_is_kept_only_as_its_sha256(secret: str) -> None:
    token = db.session.scalars(select(ApiToken)).one()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert len(secret) > 40
    row = db.session.execute(select(ApiToken.__table__)).one()
    assert secret not in " ".join(str(value) for value in row)


def test_a_read_token_cannot_write(client: FlaskClient, agent: User, admin: User) -> None:
    _, reader = tokens.create_token(actor=admin, user_id=agent.id, name="Tableau de bord", scopes=["read"])
    assert call(client, "GET", "/api/v1/personnes?q=Durand", reader).status_code == 200
    response = call(client, "POST", "/api/v1/personnes", reader, {"nom": "Durand", "prenom": "Léa"})
    assert response.status_code == 403
    assert "écriture" in response.get_json()["detail"]


def test_people_are_registered_searched_and_paged(client: FlaskClient, secret: str) -> None:
    created = call(client, "POST", "/api/v1/personnes", secret, {"nom": "Durand", "prenom": "Léa"})
    assert created.status_code == 201, created.get_json()
    again = call(client, "POST", "/api/v1/personnes", secret, {"nom": "DURAND", "prenom": "Lea"})
    assert again.status_code == 422
    assert again.get_json()["candidats"] == [created.get_json()["id"]]
    for first_name in ("Léa", "Marc", "Zoé"):
        body = {"nom": "Durand", "prenom": first_name, "confirmer_doublon": True}
        assert call(client, "POST", "/api/v1/personnes", secret, body).status_code == 201
    seen: list[str] = []
    path = "/api/v1/personnes?q=durand&limite=2"
    while path:
        page = call(client, "GET", path, secret).get_json()
        assert "elements" in page, page
        seen += [person["prenom"] for person in page["elements"]]
        path = f"/api/v1/personnes?q=durand&limite=2&curseur={page['suivant']}" if page["suivant"] else ""
    assert sorted(seen) == ["Léa", "Léa", "Marc", "Zoé"]
    refused = call(client, "POST", "/api/v1/personnes", secret, {"nom": "", "prenom": "x", "age": 3})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"age": "Champ inconnu."}
    bad_cursor = call(client, "GET", "/api/v1/personnes?q=durand&curseur=@@", secret)
    assert bad_cursor.status_code == 422
    assert bad_cursor.mimetype == PROBLEM


def test_a_request_is_opened_and_its_step_completed_once(client: FlaskClient, secret: str) -> None:
    person = call(
        client, "POST", "/api/v1/personnes", secret, {"nom": "Martin", "prenom": "Fatou"}
    ).get_json()
    household = {"nom": "Martin", "prenom": "Awa", "date_naissance": "2015-04-02", "lien": "enfant"}
    added = call(client, "POST", f"/api/v1/personnes/{person['id']}/foyer", secret, household)
    assert added.status_code == 201
    assert [member["prenom"] for member in added.get_json()["membres"]] == ["Awa"]
    opened = call(
        client, "POST", f"/api/v1/personnes/{person['id']}/dossiers", secret,
        {"aide": "secours_urgence", "motif": "Facture d'énergie"},
    )  # fmt: skip
    assert opened.status_code == 201, opened.get_json()
    dossier = call(client, "GET", f"/api/v1/dossiers/{opened.get_json()['id']}", secret).get_json()
    assert dossier["personne"] == "MARTIN Fatou" or "Martin" in dossier["personne"]
    step = dossier["etapes_en_cours"][0]
    listed = call(client, "GET", "/api/v1/taches?vue=equipe", secret).get_json()
    assert step["id"] in [task["id"] for task in listed["elements"]]
    detail = call(client, "GET", f"/api/v1/taches/{step['id']}", secret).get_json()
    assert "montant_cents" in detail["formulaire"]["properties"]
    assert call(client, "POST", f"/api/v1/taches/{step['id']}/prise", secret).status_code == 200
    mine = call(client, "GET", "/api/v1/taches?vue=mes-taches", secret).get_json()
    assert [task["id"] for task in mine["elements"]] == [step["id"]]
    invalid = call(client, "POST", f"/api/v1/taches/{step['id']}/achevement", secret, {"valeurs": {}})
    assert invalid.status_code == 422
    assert invalid.get_json()["errors"]  # the form's own messages, per field
    done = call(client, "POST", f"/api/v1/taches/{step['id']}/achevement", secret, {"valeurs": EVALUATION})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["dossier_id"] == dossier["id"]
    late = call(client, "POST", f"/api/v1/taches/{step['id']}/achevement", secret, {"valeurs": EVALUATION})
    assert late.status_code == 409
    assert late.get_json()["title"] == "Conflit de modification"
    completed = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "tâche.terminée")
    )
    assert completed == 1


def test_documents_are_listed_and_downloaded_as_issued(client: FlaskClient, secret: str, agent: User) -> None:
    dossier = awaiting_delegate_decision(agent)
    listing = call(client, "GET", f"/api/v1/dossiers/{dossier.id}/documents", secret)
    assert listing.status_code == 200
    issued = [document["titre"] for document in listing.get_json()["documents"]]
    assert len(issued) == 1  # the acknowledgement of receipt only, before the decision
    assert issued[0].startswith("Accusé de réception")
    assert call(client, "GET", "/api/v1/documents/999999", secret).status_code == 404


def test_another_centre_is_out_of_reach(client: FlaskClient, app: Flask, admin: User) -> None:
    other = make_centre("ccas-ailleurs", "CCAS d'Ailleurs")
    from service.accounts import service as accounts

    stranger = accounts.create_user(
        centre_code=other.code, username="ailleurs", full_name="Éli Ailleurs", password=PASSWORD,
        roles=[Role.ACCUEIL, Role.INSTRUCTEUR],
    )  # fmt: skip
    theirs = awaiting_delegate_decision(stranger, "Lointain")
    ours = tokens.create_token(actor=admin, user_id=admin.id, name="Admin", scopes=["read"])[1]
    _, foreign = tokens.create_token_from_console(
        centre_code=other.code, username="ailleurs", name="GED", scopes=["read"]
    )
    assert call(client, "GET", f"/api/v1/dossiers/{theirs.id}", foreign).status_code == 200
    assert call(client, "GET", f"/api/v1/dossiers/{theirs.id}", ours).status_code == 404


def test_every_call_is_audited_and_the_rate_is_limited(
    client: FlaskClient, app: Flask, secret: str, travel: clock.TravellingClock
) -> None:
    settings = app.extensions["entraide.settings"]
    app.extensions["entraide.settings"] = dataclasses.replace(settings, API_RATE_LIMIT_PER_MINUTE=3)
    try:
        statuses = [call(client, "GET", "/api/v1/taches", secret).status_code for _ in range(4)]
        refused = call(client, "GET", "/api/v1/taches", secret)  # the same minute: still refused
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        travel.advance(timedelta(minutes=1))
        assert call(client, "GET", "/api/v1/taches", secret).status_code == 200  # a new window
    finally:
        app.extensions["entraide.settings"] = settings
    assert statuses == [200, 200, 200, 429]
    calls = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.appel")).all()
    assert len(calls) == 4
    assert calls[0].actor_name == "Agnès Agent"
    assert calls[0].details == {"méthode": "GET", "chemin": "/api/v1/taches"}


def test_workshop_sessions_are_listed(client: FlaskClient, secret: str) -> None:
    response = call(client, "GET", "/api/v1/ateliers/seances?limite=5", secret)
    assert response.status_code == 200
    assert response.get_json() == {"elements": [], "suivant": None}


def test_administrators_create_and_revoke_tokens_on_their_page(
    client: FlaskClient, admin: User, agent: User, centre: Centre
) -> None:
    login(client, "admin")
    page = "/administration/jetons-api"
    token = csrf_token(client, page)
    created = client.post(page, data={"name": "Portail", "user_id": str(agent.id), "csrf_token": token})
    assert created.status_code == 200
    shown = text_of(created)
    secret = shown.split('class="api-secret">')[1].split("<")[0]
    assert secret.startswith("entraide_")
    assert secret not in text_of(client.get(page))  # shown once
    row = db.session.scalars(select(ApiToken).where(ApiToken.name == "Portail")).one()
    assert row.scopes == "read"
    revoked = client.post(f"{page}/{row.id}/revoquer", data={"csrf_token": csrf_token(client, page)})
    assert revoked.status_code == 302
    assert call(client, "GET", "/api/v1/taches", secret).status_code == 401
    refused = client.post(page, data={"name": "", "user_id": "", "csrf_token": csrf_token(client, page)})
    assert refused.status_code == 422


def test_the_command_line_creates_and_revokes(app: Flask, agent: User, centre: Centre) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["api", "token", "create", "--centre", centre.code, "--username", "agent", "--name", "GED",
              "--scope", "write"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    client = app.test_client()
    assert call(client, "GET", "/api/v1/taches", secret).status_code == 200
    token = db.session.scalars(select(ApiToken)).one()
    assert token.scopes == "read write"
    assert runner.invoke(args=["api", "token", "revoke", str(token.id)]).exit_code == 0
    assert call(client, "GET", "/api/v1/taches", secret).status_code == 401
    unknown = runner.invoke(args=["api", "token", "create", "--centre", "nulle-part", "--username", "x",
                                  "--name", "y"])  # fmt: skip
    assert unknown.exit_code != 0
    assert "Aucun centre" in unknown.output
    assert db.session.scalar(select(func.count()).select_from(HumanTask)) == 0


def test_unreadable_bodies_are_french_problems_not_crashes(client: FlaskClient, secret: str) -> None:
    """Found by a hostile walk: a body nested 5,000 deep crashed the JSON reader, and a completion whose
    « valeurs » was not an object crashed the message that says so (both answered 500)."""
    for path in ("/api/v1/personnes", "/api/v1/taches/1/achevement"):
        nested = client.post(
            path,
            data="[" * 5000 + "]" * 5000,
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        )
        assert nested.status_code == 400, path
        assert nested.content_type == PROBLEM
    for wrong in ([], "x", -1, True):
        answered = call(client, "POST", "/api/v1/taches/1/achevement", secret, {"valeurs": wrong})
        assert answered.status_code == 422, wrong
        assert answered.get_json()["errors"]["valeurs"] == "Un objet { champ: texte } est attendu."
