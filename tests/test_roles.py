"""Each role sees its own navigation; protected pages refuse the others, in the use case and the view."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from service.accounts import service as accounts
from service.errors import PermissionDeniedError
from service.models import Role, User
from service.web.navigation import entries_for
from tests.conftest import login, text_of


def test_instructeur_cannot_open_the_users_page(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("julien", Role.INSTRUCTEUR)
    login(client, "julien")
    response = client.get("/administration/utilisateurs")
    assert response.status_code == 403
    assert "Cette action est réservée aux rôles" in text_of(response)


def test_admin_sees_the_users_of_the_centre(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("lea", Role.ADMIN, full_name="Léa Fontaine")
    make_user("julien", Role.INSTRUCTEUR, full_name="Julien Marchand")
    login(client, "lea")
    page = text_of(client.get("/administration/utilisateurs"))
    assert "Julien Marchand" in page
    assert "Travailleur·se social·e / instructeur·rice" in page


def test_use_case_refuses_whatever_the_view(make_user: Callable[..., User]) -> None:
    elu = make_user("aicha", Role.ELU)
    with pytest.raises(PermissionDeniedError):
        accounts.list_users(actor=elu)
    with pytest.raises(PermissionDeniedError):
        accounts.create_user(
            centre_code="ccas-test",
            username="intrus",
            full_name="Intrus",
            password="mot-de-passe-long",
            roles=[Role.ADMIN],
            actor=elu,
        )


def test_navigation_follows_the_roles(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("julien", Role.INSTRUCTEUR)
    make_user("claire", Role.RESPONSABLE)
    login(client, "julien")
    page = text_of(client.get("/tableau-de-bord"))
    assert 'aria-label="Navigation principale"' in page
    assert "Mon compte" in page
    assert "Utilisateurs" not in page

    client.post("/deconnexion", data={"csrf_token": _token(page)})
    login(client, "claire")
    page = text_of(client.get("/tableau-de-bord"))
    assert "Utilisateurs" in page
    assert "Journal d'audit" in page


def test_every_role_gets_the_common_entries() -> None:
    for role in Role:
        labels = [entry.label for entry in entries_for(frozenset({role}))]
        assert labels[0] == "Tableau de bord"
        assert "Mon compte" in labels


def test_a_user_may_hold_several_roles(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("paul", Role.REGISSEUR, Role.ADMIN)
    login(client, "paul")
    page = text_of(client.get("/tableau-de-bord"))
    assert "Régisseur / comptabilité" in page
    assert "Administrateur·rice" in page
    assert client.get("/administration/utilisateurs").status_code == 200


def _token(page: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_admin_creates_an_account_from_the_web(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("lea", Role.ADMIN)
    login(client, "lea")
    page = "/administration/utilisateurs/nouveau"
    form = {
        "username": "sophie",
        "full_name": "Sophie Lambert",
        "title": "Secrétaire",
        "email": "",
        "roles": ["secretariat", "elu"],
        "password": "un-mot-de-passe-solide",
    }
    response = client.post(page, data={**form, "csrf_token": _token(text_of(client.get(page)))})
    assert response.status_code == 302
    assert "Sophie Lambert" in text_of(client.get("/administration/utilisateurs"))
    client.post("/deconnexion", data={"csrf_token": _token(text_of(client.get("/tableau-de-bord")))})
    assert login(client, "sophie", "un-mot-de-passe-solide").status_code == 302


def test_account_form_explains_and_keeps_what_was_typed(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("lea", Role.ADMIN)
    login(client, "lea")
    page = "/administration/utilisateurs/nouveau"
    form = {
        "username": "lea",
        "full_name": "Homonyme",
        "roles": ["elu"],
        "password": "un-mot-de-passe-solide",
    }
    taken = client.post(page, data={**form, "csrf_token": _token(text_of(client.get(page)))})
    assert taken.status_code == 422
    assert "L'identifiant « lea » est déjà utilisé." in text_of(taken)
    assert 'value="Homonyme"' in taken.get_data(as_text=True)
    no_role = client.post(
        page, data={**form, "username": "autre", "roles": [], "csrf_token": _token(text_of(taken))}
    )
    assert "Choisissez au moins un rôle." in text_of(no_role)


def test_only_admins_create_accounts(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("claire", Role.RESPONSABLE)
    login(client, "claire")
    assert client.get("/administration/utilisateurs/nouveau").status_code == 403
    assert "Créer un compte" not in text_of(client.get("/administration/utilisateurs"))


def test_a_closed_account_signs_out_and_cannot_sign_in(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    lea = make_user("lea", Role.ADMIN)
    former = make_user("ancien", Role.INSTRUCTEUR)
    other = client.application.test_client()
    assert login(other, "ancien").status_code == 302
    assert login(client, "lea").status_code == 302
    listing = client.get("/administration/utilisateurs")
    assert listing.status_code == 200, listing.status_code
    page = text_of(listing)
    response = client.post(
        f"/administration/utilisateurs/{former.id}/etat", data={"actif": "non", "csrf_token": _token(page)}
    )
    assert response.status_code == 302
    assert other.get("/tableau-de-bord").status_code == 302  # their open session ends
    assert login(other, "ancien").status_code == 401
    own = client.post(
        f"/administration/utilisateurs/{lea.id}/etat", data={"actif": "non", "csrf_token": _token(page)}
    )
    assert own.status_code == 422
    assert "Vous ne pouvez pas désactiver votre propre compte." in text_of(own)
