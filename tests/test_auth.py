"""Signing in and out: French pages, CSRF on every form, throttled guessing, hardened cookies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service.access import routes
from service.clock import TravellingClock
from service.extensions import db
from service.models import AuditEvent, Role, User
from service.web import security
from tests.conftest import PASSWORD, build_app, csrf_token, login, text_of


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


def _login_from(client: FlaskClient, address: str, username: str, password: str = PASSWORD) -> int:
    token = csrf_token(client, "/connexion")
    response = client.post(
        "/connexion",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_failures_slow_down_one_address_and_never_lock_the_account(
    client: FlaskClient, make_user: Callable[..., User], travel: TravellingClock
) -> None:
    make_user("amina")
    for _ in range(5):
        assert login(client, "amina", "mauvais-mot-de-passe").status_code == 401

    slowed = login(client, "amina")  # from the address that failed: a short wait first
    assert slowed.status_code == 429
    assert "Réessayez dans 1 minute(s)." in text_of(slowed)
    # The right password from another address works at once: nobody can lock a colleague out.
    other = app_client(client)
    assert _login_from(other, "10.1.2.3", "amina") == 302

    travel.advance(timedelta(minutes=1, seconds=1))
    assert login(client, "amina", "mauvais-mot-de-passe").status_code == 401  # the sixth failure
    assert "Réessayez dans 2 minute(s)." in text_of(login(client, "amina"))  # waits grow: 1, 2, 4…
    travel.advance(timedelta(minutes=2, seconds=1))
    assert login(client, "amina").status_code == 302


def test_waits_stop_growing_at_the_lockout_setting(
    client: FlaskClient, make_user: Callable[..., User], travel: TravellingClock
) -> None:
    make_user("amina")
    for _ in range(12):
        login(client, "amina", "mauvais-mot-de-passe")
        travel.advance(timedelta(minutes=20))
    assert login(client, "amina", "mauvais-mot-de-passe").status_code == 401
    assert "Réessayez dans 15 minute(s)." in text_of(login(client, "amina"))


def test_a_success_clears_earlier_failures(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    for _ in range(4):
        login(client, "amina", "mauvais-mot-de-passe")
    assert login(client, "amina").status_code == 302
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/tableau-de-bord")})
    for _ in range(4):
        assert login(client, "amina", "mauvais-mot-de-passe").status_code == 401
    assert login(client, "amina").status_code == 302


def test_one_address_guessing_many_usernames_is_slowed_but_not_for_those_who_signed_in_there(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("amina")
    make_user("bruno")
    assert login(client, "bruno").status_code == 302  # a colleague behind the same NAT, known here
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/tableau-de-bord")})
    for index in range(30):
        login(client, f"inconnu{index}", "mauvais-mot-de-passe")
    assert login(client, "amina").status_code == 429  # never signed in from this address
    assert login(client, "bruno").status_code == 302
    assert _login_from(app_client(client), "10.1.2.3", "amina") == 302


def app_client(client: FlaskClient) -> FlaskClient:
    """Another browser."""
    return client.application.test_client()


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


def test_a_cookie_copied_before_signing_out_opens_nothing_after(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("amina")
    login(client, "amina")
    copied = client.get_cookie("entraide_session")
    assert copied is not None
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/tableau-de-bord")})
    thief = app_client(client)
    thief.set_cookie("entraide_session", copied.value)
    response = thief.get("/taches/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("amina")
    elsewhere = app_client(client)
    login(elsewhere, "amina")
    login(client, "amina")
    new = "un-nouveau-mot-de-passe"
    form = {"current_password": PASSWORD, "new_password": new, "confirmation": new}
    assert (
        client.post(
            "/mon-compte/", data={**form, "csrf_token": csrf_token(client, "/mon-compte/")}
        ).status_code
        == 302
    )
    assert client.get("/tableau-de-bord").status_code == 200
    assert elsewhere.get("/tableau-de-bord").status_code == 302


def test_closing_an_account_ends_its_sessions(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("lea", Role.ADMIN)
    amina = make_user("amina")
    login(client, "amina")
    admin = app_client(client)
    login(admin, "lea")
    page = f"/administration/utilisateurs/{amina.id}/etat"
    token = csrf_token(admin, "/administration/utilisateurs")
    assert admin.post(page, data={"actif": "non", "csrf_token": token}).status_code == 302
    assert client.get("/tableau-de-bord").status_code == 302


def test_an_idle_session_ends(
    client: FlaskClient, make_user: Callable[..., User], travel: TravellingClock
) -> None:
    make_user("amina")
    login(client, "amina")
    travel.advance(timedelta(minutes=29))
    assert client.get("/tableau-de-bord").status_code == 200  # used: the idle time starts again
    travel.advance(timedelta(minutes=29))
    assert client.get("/tableau-de-bord").status_code == 200
    travel.advance(timedelta(minutes=31))
    response = client.get("/tableau-de-bord")
    assert response.status_code == 302
    assert "une période sans activité" in text_of(client.get(response.headers["Location"]))


def test_the_session_cookie_is_sent_again_only_when_its_last_use_is_a_minute_old(
    client: FlaskClient, make_user: Callable[..., User], travel: TravellingClock
) -> None:
    make_user("amina")
    login(client, "amina")
    client.get("/tableau-de-bord")  # the welcome message is shown, and leaves the session
    travel.advance(timedelta(seconds=30))
    assert "Set-Cookie" not in client.get("/tableau-de-bord").headers  # nothing to sign again
    travel.advance(timedelta(seconds=40))
    assert "entraide_session=" in client.get("/tableau-de-bord").headers.get("Set-Cookie", "")
    travel.advance(timedelta(minutes=29, seconds=50))  # 30 min 30 s after sign-in, 29 min 50 s after last use
    assert client.get("/tableau-de-bord").status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaaaa", "trop facile à deviner"),
        ("azertyuiop12", "trop facile à deviner"),
        ("motdepasse123", "trop facile à deviner"),
        ("amina-haddad-2026", "ni l'identifiant, ni le nom"),
    ],
)
def test_guessable_passwords_are_refused(
    client: FlaskClient, make_user: Callable[..., User], password: str, message: str
) -> None:
    make_user("amina", full_name="Amina Haddad")
    login(client, "amina")
    form = {"current_password": PASSWORD, "new_password": password, "confirmation": password}
    refused = client.post("/mon-compte/", data={**form, "csrf_token": csrf_token(client, "/mon-compte/")})
    assert refused.status_code == 422
    assert message in text_of(refused)


def test_behind_a_proxy_the_client_address_comes_from_the_forwarded_header(
    tmp_path: Path, migrated_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setitem(routes.ROUTES, ("address", "GET"), routes.Line(routes.Rule.PUBLIC))

    def address() -> str:
        seen.append(security.client_address())
        return "ok"

    for proxies, expected in ((1, "203.0.113.7"), (0, "127.0.0.1")):
        application = build_app(migrated_database, tmp_path / str(proxies), TRUSTED_PROXIES=proxies)
        application.add_url_rule("/adresse", view_func=address)
        with application.app_context():
            application.test_client().get(
                "/adresse",
                environ_base={"REMOTE_ADDR": "127.0.0.1"},
                headers={"X-Forwarded-For": "203.0.113.7"},
            )
        assert seen.pop() == expected
