"""In Debian's chromium: a town-hall agent sends a fiche de liaison; the instructing agent finds the phone
evaluation in the worklist and records its outcome; the town hall sees the outcome, never the file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from service import clock
from service.demo import DEMO_PASSWORD
from tests.conftest import START
from tests.live_server import serve_demo_app
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

QUESTION = "Ne peut plus payer la cantine de sa fille ; demande à rencontrer une assistante sociale."


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/connexion")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(base_url + "/tableau-de-bord")


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté·e.")).to_be_visible()


def test_a_liaison_from_the_town_hall_to_the_outcome(browser: Browser, tmp_path: Path) -> None:
    with serve_demo_app(tmp_path, time=clock.TravellingClock(START)) as (base_url, _):
        page = browser.new_context(locale="fr-FR").new_page()
        _sign_in(page, base_url, "mairie")
        navigation = page.get_by_role("navigation", name="Navigation principale")
        expect(navigation.get_by_role("link")).to_have_text(
            ["Tableau de bord", "Mes fiches de liaison", "Mon compte"]
        )
        page.get_by_role("link", name="Nouvelle fiche de liaison").click()
        page.get_by_label("Nom et prénom").fill("Martn Fatou")  # a typo, forgiven
        page.get_by_role("button", name="Chercher").click()
        page.get_by_label("MARTIN Fatou, née ou né en 1987").check()
        expect(page.get_by_text("12 rue des Lilas")).to_have_count(0)  # the file stays at the centre
        page.get_by_label("Téléphone").fill("06 12 12 12 12")
        page.get_by_label("Question posée par la personne").fill(QUESTION)
        page.get_by_label("Urgent : rappel le jour même").check()
        page.get_by_role("button", name="Envoyer la fiche au centre").click()
        expect(page.get_by_text("Sans l'accord de la personne")).to_be_visible()  # consent is required
        expect(page.get_by_label("Question posée par la personne")).to_have_value(QUESTION)  # nothing lost
        page.get_by_label("La personne accepte").check()
        page.get_by_role("button", name="Envoyer la fiche au centre").click()
        expect(page.get_by_text("La fiche de liaison est envoyée au centre.")).to_be_visible()
        mine = page.get_by_role("row").filter(has_text="MARTIN Fatou")
        expect(mine).to_contain_text("En attente de l'évaluation")
        _sign_out(page)

        _sign_in(page, base_url, "instructeur")
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Tâches"
        ).click()
        rows = page.get_by_role("row").filter(has_text="Évaluer par téléphone la fiche de liaison")
        expect(rows).to_have_count(3)  # the demo's two, and this one
        expect(rows.first).to_contain_text("Fiche de liaison")
        links = [rows.nth(i).get_by_role("link", name="Ouvrir").get_attribute("href") for i in range(3)]
        for link in links:
            page.goto(base_url + str(link))
            if page.get_by_text(QUESTION).count():
                break
        expect(page.get_by_role("heading", name=re.compile("Fiche de liaison de la mairie"))).to_be_visible()
        expect(page.get_by_text("MARTIN Fatou")).to_be_visible()
        expect(page.get_by_text("06 12 12 12 12")).to_be_visible()
        expect(page.get_by_text("Urgent : rappel le jour même")).to_be_visible()
        page.get_by_label("Rendez-vous avec un·e travailleur·se social·e").check()
        page.get_by_label("Note de l'échange téléphonique").fill("Rappelée : rendez-vous à la mairie mardi.")
        page.get_by_role("button", name="Enregistrer la suite donnée").click()
        expect(page.get_by_text("La suite donnée à la fiche de liaison est enregistrée.")).to_be_visible()
        expect(page.get_by_role("button", name="Enregistrer la suite donnée")).to_have_count(0)
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Tâches"
        ).click()
        expect(
            page.get_by_role("row").filter(has_text="Évaluer par téléphone la fiche de liaison")
        ).to_have_count(2)
        _sign_out(page)

        _sign_in(page, base_url, "mairie")
        page.get_by_role("link", name="Mes fiches de liaison").first.click()
        mine = page.get_by_role("row").filter(has_text="MARTIN Fatou")
        expect(mine).to_contain_text("Rendez-vous avec un·e travailleur·se social·e")
        expect(mine).to_contain_text("23/11/2026")
        expect(page.get_by_text("mardi")).to_have_count(0)  # the note stays at the centre
        response = page.goto(base_url + "/personnes/1")
        assert response is not None
        assert response.status == 403
        page.screenshot(path=str(tmp_path / "mairie-refusee.png"), full_page=True)
