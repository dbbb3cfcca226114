"""Signing in and out: French pages, CSRF on every form, throttled guessing, hardened cookies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from service.clock import TravellingClock
from service.extensions import db
from service.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, csrf_token, login, text_of


def test_login_page_is_in_french(client: FlaskClient) -> None:
    page = text_of(client.get("/connexion"))
    assert '<html lang="fr">' in page
    assert '<h1 id="titre-connexion">Connexion</h1>' in page
    assert '<label for="username">Identifiant</label>' in page
    assert '<label for="password">Mot de passe</label>' in page
    assert "Se connecter" in page


def test_anonymous_visitor_is_sent_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/tableau-de-bord")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")


def test_login_then_logout(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina", Role.ACCUEIL, full_name="Amina Haddad")
    response = login(client, "amina")
    assert response.status_code == 302
    assert response.headers["Location"] == "/tableau-de-bord"

    dashboard = text_of(client.get("/tableau-de-bord"))
    assert "Bienvenue, Amina Haddad." in dashboard
    assert "Chargé·e d'accueil" in dashboard

    token = csrf_token(client, "/tableau-de-bord")
    response = client.post("/deconnexion", data={"csrf_token": token})
    assert response.headers["Location"] == "/connexion"
    assert client.get("/tableau-de-bord").status_code == 302


def test_logout_is_not_a_link_anyone_can_trigger(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    login(client, "amina")
    assert client.get("/deconnexion").status_code == 405
    assert client.get("/tableau-de-bord").status_code == 200


def test_username_is_case_insensitive(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    assert login(client, "  Amina ").status_code == 302


def test_wrong_password_is_refused_in_french_without_saying_which_part(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("amina")
    wrong_password = login(client, "amina", "pas-le-bon-mot-de-passe")
    unknown_user = login(client, "personne", PASSWORD)
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert "Identifiant ou mot de passe incorrect." in text_of(response)
    assert client.get("/tableau-de-bord").status_code == 302


def test_empty_fields_get_inline_errors(client: FlaskClient) -> None:
    token = csrf_token(client, "/connexion")
    page = text_of(client.post("/connexion", data={"username": "", "password": "", "csrf_token": token}))
    assert page.count("Ce champ est obligatoire.") == 2
    assert 'aria-invalid="true"' in page


def test_disabled_account_cannot_sign_in(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user("ancien")
    user.active = False
    db.session.commit()
    assert login(client, "ancien").status_code == 401


def test_form_without_csrf_token_is_refused(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    response = client.post("/connexion", data={"username": "amina", "password": PASSWORD})
    assert response.status_code == 400
    assert "Le formulaire a expiré ou n'a pas été reconnu." in text_of(response)
    assert client.get("/tableau-de-bord").status_code == 302


def test_forged_csrf_token_is_refused(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    response = client.post(
        "/connexion", data={"username": "amina", "password": PASSWORD, "csrf_token": "forgé"}
    )
    assert response.status_code == 400


def test_repeated_failures_lock_the_username_until_time_passes(
    client: FlaskClient, make_user: Callable[..., User], travel: TravellingClock
) -> None:
    make_user("amina")
    for _ in range(5):
        assert login(client, "amina", "mauvais-mot-de-passe").status_code == 401

    locked = login(client, "amina")  # even the right password waits
    assert locked.status_code == 429
    assert "Trop de tentatives de connexion échouées. Réessayez dans 15 minute(s)." in text_of(locked)

    travel.advance(timedelta(minutes=10))
    assert "Réessayez dans 5 minute(s)." in text_of(login(client, "amina"))

    travel.advance(timedelta(minutes=5, seconds=1))
    assert login(client, "amina").status_code == 302


def test_a_success_clears_earlier_failures(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    for _ in range(4):
        login(client, "amina", "mauvais-mot-de-passe")
    assert login(client, "amina").status_code == 302
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/tableau-de-bord")})
    for _ in range(4):
        assert login(client, "amina", "mauvais-mot-de-passe").status_code == 401
    assert login(client, "amina").status_code == 302


def test_one_address_guessing_many_usernames_is_throttled(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("amina")
    for index in range(30):
        login(client, f"inconnu{index}", "mauvais-mot-de-passe")
    assert login(client, "amina").status_code == 429


def test_login_and_failures_are_audited(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user("amina")
    login(client, "amina", "mauvais-mot-de-passe")
    login(client, "amina")
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.centre_id == user.centre_id).order_by(AuditEvent.id)
    ).all()
    assert actions[-2:] == ["connexion.refusée", "connexion"]


def test_session_cookie_is_hardened(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    response = login(client, "amina")
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if "entraide_session=" in value)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_next_parameter_never_leaves_the_site(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    token = csrf_token(client, "/connexion")
    response = client.post(
        "/connexion?next=//evil.example/x",
        data={"username": "amina", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/tableau-de-bord"


def test_next_parameter_returns_to_the_page_asked_for(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("amina")
    token = csrf_token(client, "/connexion")
    response = client.post(
        "/connexion?next=/mon-compte/",
        data={"username": "amina", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/mon-compte/"


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    response = client.get("/connexion")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_change_password(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    login(client, "amina")
    token = csrf_token(client, "/mon-compte/")
    form = {
        "csrf_token": token,
        "current_password": PASSWORD,
        "new_password": "court",
        "confirmation": "court",
    }
    refused = client.post("/mon-compte/", data=form)
    assert refused.status_code == 422
    assert "Le mot de passe doit compter au moins 12 caractères." in text_of(refused)

    new = "un-nouveau-mot-de-passe"
    form.update(new_password=new, confirmation=new)
    assert client.post("/mon-compte/", data=form).status_code == 302
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/tableau-de-bord")})
    assert login(client, "amina").status_code == 401
    assert login(client, "amina", new).status_code == 302
