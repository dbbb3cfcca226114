"""In Debian's chromium: the French login page; a demo user signs in and sees their roles' navigation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from service import clock
from service.demo import DEMO_PASSWORD
from service.scheduling.wake import wake_due_instances
from tests.conftest import START
from tests.live_server import serve_demo, serve_demo_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# The machine has no network: keep chromium from reaching out at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_demo(tmp_path) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR")
    yield context.new_page()
    context.close()


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(base_url + "/connexion")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_demo_instructeur_signs_in_and_sees_their_navigation(
    page: Page, base_url: str, tmp_path: Path
) -> None:
    page.goto(base_url + "/")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"

    _sign_in(page, base_url, "instructeur")
    expect(page).to_have_url(base_url + "/tableau-de-bord")
    expect(page.get_by_text("Bienvenue, Julien Marchand.")).to_be_visible()
    expect(page.get_by_text("CIAS du Val d'Aubin")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link")).to_have_text(
        [
            "Tableau de bord",
            "Tâches",
            "Personnes",
            "Ateliers",
            "Rendez-vous",
            "Domiciliation",
            "Partenaires",
            "Autorités",
            "Mon compte",
        ]
    )
    page.screenshot(path=str(tmp_path / "tableau-de-bord.png"), full_page=True)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté·e.")).to_be_visible()


def test_demo_instructeur_evaluates_the_waiting_request(page: Page, base_url: str, tmp_path: Path) -> None:
    _sign_in(page, base_url, "instructeur")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tâches").click()
    row = page.get_by_role("row", name="MARTIN Fatou")
    expect(row).to_contain_text("Évaluer la situation")
    row.get_by_role("link", name="Ouvrir").click()
    expect(page.get_by_role("heading", name="Évaluer la situation", level=1)).to_be_visible()

    page.get_by_role("button", name="Valider").click()  # empty: refused, nothing moves
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    page.get_by_label("Situation et besoin").fill("Coupure annoncée ; facture de 212 € vue, pas d'épargne.")
    page.get_by_label("Nature du besoin").select_option("energie")
    page.get_by_label("Montant demandé").fill("212,00")
    page.get_by_label("Bon d'achat").check()
    page.screenshot(path=str(tmp_path / "tache.png"), full_page=True)
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_text("« Évaluer la situation » est enregistré.")).to_be_visible()
    expect(page.get_by_text("En attente de décision")).to_be_visible()
    expect(page.get_by_role("link", name="Décider sous délégation")).to_be_visible()


def test_demo_admin_reaches_the_users_page(page: Page, base_url: str) -> None:
    _sign_in(page, base_url, "admin")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link")).to_have_text(
        [
            "Tableau de bord",
            "Partenaires",
            "Le centre",
            "Utilisateurs",
            "Journal d'audit",
            "Courriels",
            "Processus",
            "Barèmes",
            "Jetons d'API",
            "Mon compte",
        ]
    )
    navigation.get_by_role("link", name="Utilisateurs").click()
    expect(page.get_by_role("heading", name="Utilisateurs du centre")).to_be_visible()
    expect(page.get_by_role("cell", name="Régisseur / comptabilité")).to_be_visible()


def test_wrong_password_is_explained_on_the_page(page: Page, base_url: str) -> None:
    page.goto(base_url + "/connexion")
    page.get_by_label("Identifiant").fill("accueil")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    expect(page.get_by_label("Identifiant")).to_have_value("accueil")


def test_the_organiser_registers_a_person_then_ticks_attendance_on_a_tablet(
    browser: Browser, tmp_path: Path
) -> None:
    time = clock.TravellingClock(START)
    with serve_demo_app(tmp_path, time) as (base_url, app):
        context = browser.new_context(locale="fr-FR", viewport={"width": 800, "height": 1280}, has_touch=True)
        page = context.new_page()
        _sign_in(page, base_url, "instructeur")
        navigation = page.get_by_role("navigation", name="Navigation principale")
        navigation.get_by_role("link", name="Ateliers").click()
        expect(page.get_by_role("heading", name="Ateliers collectifs")).to_be_visible()

        page.get_by_role("link", name="03/12/2026 à 09:30").click()  # the budget workshop, still empty
        page.get_by_label("Nom de la personne").fill("lefevre")
        page.get_by_role("button", name="Chercher").click()
        # The search forgives typos: other close names are listed too; Élodie's line is the one to use.
        line = page.locator("form", has_text="Élodie")
        line.get_by_label("orienté·e par").select_option(label="Un partenaire")
        line.get_by_label("précision (partenaire)").fill("Mission locale")
        line.get_by_role("button", name="Inscrire", exact=True).click()
        expect(page.get_by_text("LEFÈVRE Élodie : confirmée.")).to_be_visible()
        expect(page.get_by_role("heading", name="Inscrit·es (1)")).to_be_visible()
        expect(page.get_by_role("cell", name="Un partenaire (Mission locale)")).to_be_visible()

        with app.app_context():  # the digital workshop of 30 November has begun: attendance is due
            time.advance(timedelta(days=7, hours=6))
            assert wake_due_instances() >= 1
        _sign_in(page, base_url, "instructeur")  # a week later: the idle session has ended
        page.goto(base_url + "/ateliers/")
        page.get_by_role("link", name="Numérique — 30/11/2026 à 14:00").click()
        page.get_by_role("link", name="Saisir les présences").tap()
        expect(page.get_by_text("Touchez le nom de chaque personne présente")).to_be_visible()
        page.get_by_text("Martin Fatou").tap()
        expect(page.get_by_role("checkbox", name="Martin Fatou")).to_be_checked()
        page.get_by_role("button", name="Enregistrer les présences").tap()
        expect(page.get_by_text("Présences enregistrées : 1 personne(s) présente(s).")).to_be_visible()
        expect(page.get_by_role("heading", name="À faire : Saisir l'évaluation de la séance")).to_be_visible()
        page.screenshot(path=str(tmp_path / "atelier.png"), full_page=True)
        context.close()


def test_the_instructing_agent_orients_a_person_to_the_caf_with_consent(
    page: Page, base_url: str, tmp_path: Path
) -> None:
    _sign_in(page, base_url, "instructeur")
    page.goto(base_url + "/personnes/?q=Martin+Fatou")
    page.get_by_role("link", name="MARTIN Fatou").first.click()
    page.get_by_role("link", name=re.compile("Orienter vers un partenaire")).click()
    expect(page.get_by_role("heading", name="Orientations de MARTIN Fatou")).to_be_visible()
    page.get_by_label("Partenaires du domaine").select_option(label="Accès aux droits")
    page.get_by_role("button", name="Filtrer les partenaires").click()
    partner = page.get_by_label("Partenaire", exact=True)
    expect(partner.locator("option", has_text="Épicerie solidaire")).to_have_count(0)
    page.get_by_label("Domaine", exact=True).select_option(label="Accès aux droits")
    partner.select_option(label="CAF du Loiret — accueil de Saint-Aubin")
    reason = "Séparation récente : droits aux prestations familiales à revoir."
    page.get_by_label("Motif de l'orientation").fill(reason)
    page.get_by_label("Envoyer la fiche de liaison").check()  # without consent: refused, nothing lost
    page.get_by_role("button", name="Orienter").click()
    expect(page.get_by_text("Sans l'accord de la personne, rien n'est envoyé")).to_be_visible()
    expect(page.get_by_label("Motif de l'orientation")).to_have_value(reason)
    page.get_by_label("La personne accepte").check()
    page.get_by_role("button", name="Orienter").click()
    # A mail sent is not taken back: the page says where it goes before anything is done.
    expect(page.get_by_text("Un courriel envoyé ne se reprend pas.")).to_be_visible()
    page.get_by_role("button", name="Orienter et envoyer la fiche de liaison").click()
    expect(
        page.get_by_text("est enregistrée et la fiche de liaison est envoyée au partenaire")
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Imprimer la fiche"))).to_be_visible()
    page.screenshot(path=str(tmp_path / "orientation.png"), full_page=True)
    page.get_by_role("link", name=re.compile("Fiche de MARTIN Fatou")).click()
    page.get_by_role("link", name=re.compile("Accompagnement et suivi")).click()
    expect(
        page.get_by_text("Orientée vers CAF du Loiret — accueil de Saint-Aubin (accès aux droits)")
    ).to_be_visible()
