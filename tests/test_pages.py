"""The base layout: the centre's name, landmarks, skip link, labelled fields, French error pages."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from service.models import User
from tests.conftest import login, text_of


def test_layout_landmarks_and_skip_link(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    login(client, "amina")
    page = text_of(client.get("/tableau-de-bord"))
    assert page.index('class="skip-link" href="#contenu"') < page.index('<main id="contenu"')
    assert 'role="banner"' in page
    assert 'role="contentinfo"' in page
    assert '<span class="centre-name">CCAS de Test-sur-Mer</span>' in page
    assert 'aria-current="page">Tableau de bord</a>' in page


def test_flash_messages_are_announced(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina")
    page = text_of(client.get(login(client, "amina").headers["Location"]))
    assert 'role="status" aria-live="polite"' in page


def test_unknown_page_is_explained_in_french(client: FlaskClient) -> None:
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Cette page n'existe pas, ou plus." in text_of(response)


def test_programs_get_problem_json(client: FlaskClient) -> None:
    response = client.get("/nulle-part", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Page introuvable"


def test_user_text_is_escaped(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("amina", full_name="<script>alert(1)</script>")
    login(client, "amina")
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
