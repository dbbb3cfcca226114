"""Each demo role's main path, walked as a newcomer would on a first morning: signed in, then only clicking
what the pages show (no address typed), with axe-core run on every page visited: zero violations of any
impact. Irreversible actions stop on a page stating their consequence; only its button does them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from service.demo import DEMO_PASSWORD
from tests import axe
from tests.live_server import serve_demo
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


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


class Newcomer:
    """A demo user in the browser: signs in once by address, then only clicks; every page is audited."""

    def __init__(self, browser: Browser, base_url: str, username: str) -> None:
        self.context = browser.new_context(locale="fr-FR")
        axe.install(self.context)
        self.page = self.context.new_page()
        self.audit = axe.Audit()
        self.page.goto(base_url + "/")
        self.check()
        self.page.get_by_label("Identifiant").fill(username)
        self.page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        self.click(self.page.get_by_role("button", name="Se connecter"))

    def check(self) -> None:
        self.audit.check(self.page)

    def click(self, target: object) -> None:
        """Click what the page shows, then audit the page it leads to."""
        target.click()  # type: ignore[attr-defined]
        self.check()

    def menu(self, label: str) -> None:
        navigation = self.page.get_by_role("navigation", name="Navigation principale")
        self.click(navigation.get_by_role("link", name=label, exact=True))

    def done(self) -> None:
        self.context.close()
        assert self.audit.visited
        assert not self.audit.violations, "axe-core :\n" + self.audit.report()


@pytest.fixture
def walk(browser: Browser, base_url: str) -> Iterator[type[Newcomer]]:
    started: list[Newcomer] = []

    def start(username: str) -> Newcomer:
        newcomer = Newcomer(browser, base_url, username)
        started.append(newcomer)
        return newcomer

    yield start  # type: ignore[misc]
    for newcomer in started:
        newcomer.done()


def test_accueil_finds_nobody_registers_the_person_and_opens_a_request(walk: type[Newcomer]) -> None:
    me = walk("accueil")
    page = me.page
    expect(page.get_by_text("Bienvenue, Nadia Benali.")).to_be_visible()
    me.menu("Personnes")
    expect(
        page.get_by_role("link", name="Enregistrer une nouvelle personne")
    ).to_be_visible()  # before a search
    page.get_by_label(re.compile("Rechercher une personne")).fill("Nouvelle-Venue")
    me.click(page.get_by_role("button", name="Rechercher"))
    expect(page.get_by_role("heading", name="0 résultat(s) pour « Nouvelle-Venue »")).to_be_visible()
    me.click(page.get_by_role("link", name="Enregistrer une nouvelle personne"))
    expect(page.get_by_label("Nom", exact=True)).to_have_value("Nouvelle-Venue")  # what was typed
    page.get_by_label("Prénom").fill("Awa")
    me.click(page.get_by_role("button", name="Enregistrer", exact=True))
    expect(page.get_by_text("NOUVELLE-VENUE Awa a été enregistré·e.")).to_be_visible()
    page.get_by_label("Aide demandée").select_option(label="Colis alimentaires")
    page.get_by_label("Objet de la demande").fill("Plus rien à manger jusqu'au versement du RSA.")
    me.click(page.get_by_role("button", name="Ouvrir la demande"))
    steps = page.get_by_role("region", name="Étape en cours et suivante")
    expect(steps).to_contain_text("à faire par : Travailleur·se social·e / instructeur·rice")
    expect(steps).to_contain_text("Ensuite :")

    me.menu("Ateliers")
    me.click(page.get_by_role("row").filter(has_text="Numérique").first.get_by_role("link"))
    me.click(page.get_by_role("link", name="Annuler l'inscription de Fatou Martin"))
    expect(page.get_by_role("heading", name="Annuler l'inscription de Fatou Martin ?")).to_be_visible()
    expect(page.get_by_text("Cette action ne peut pas être annulée.")).to_be_visible()
    me.click(page.get_by_role("link", name="Revenir sans rien changer"))
    expect(page.get_by_role("heading", name="Inscrit·es (2)")).to_be_visible()  # nothing changed


def test_instructeur_evaluates_then_sees_who_decides_next(walk: type[Newcomer]) -> None:
    me = walk("instructeur")
    page = me.page
    me.menu("Tâches")
    me.click(page.get_by_role("row", name="MARTIN Fatou").get_by_role("link", name="Ouvrir"))
    page.get_by_label("Situation et besoin").fill("Coupure annoncée ; facture de 212 € vue, pas d'épargne.")
    page.get_by_label("Nature du besoin").select_option("energie")
    page.get_by_label("Montant demandé").fill("212,00")
    page.get_by_label("Bon d'achat").check()
    me.click(page.get_by_role("button", name="Valider"))
    steps = page.get_by_role("region", name="Étape en cours et suivante")
    expect(steps).to_contain_text("Décider sous délégation — à faire par : Président·e / vice-président·e")

    me.menu("Ateliers")
    me.click(page.get_by_role("row").filter(has_text="Budget").first.get_by_role("link"))
    page.get_by_label("Motif de l'annulation").fill("Animatrice absente.")
    me.click(page.get_by_role("button", name="Annuler la séance"))
    expect(page.get_by_text("Cette action ne peut pas être annulée.")).to_be_visible()
    expect(page.get_by_label(re.compile("Motif de l'annulation"))).to_have_value("Animatrice absente.")
    me.click(page.get_by_role("link", name="Revenir sans rien changer"))
    expect(page.get_by_role("heading", name="Annuler la séance")).to_be_visible()  # still to be decided


def test_secretariat_settles_the_agenda_and_convenes_with_the_state_following(walk: type[Newcomer]) -> None:
    me = walk("secretariat")
    page = me.page
    me.menu("Commission")
    me.click(page.get_by_role("table").get_by_role("link").first)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Ordre du jour en préparation")
    me.click(page.get_by_role("button", name="Arrêter l'ordre du jour"))
    expect(page.get_by_text("L'ordre du jour sera arrêté avec 0 point(s)")).to_be_visible()
    me.click(page.get_by_role("button", name="Arrêter l'ordre du jour"))
    expect(page.get_by_role("heading", name="Étape en cours : Convoquer les membres")).to_be_visible()
    expect(facts).to_contain_text("Ordre du jour arrêté, membres à convoquer")
    me.click(page.get_by_role("button", name="Envoyer les convocations"))
    expect(page.get_by_text("un courriel envoyé ne se reprend pas", exact=False)).to_be_visible()
    me.click(page.get_by_role("button", name="Envoyer les convocations"))
    expect(page.get_by_role("heading", name=re.compile("Étape en cours : Tenir la séance"))).to_be_visible()
    expect(facts).to_contain_text("Membres convoqués, séance à tenir")
    # The demo's session is a few days ahead: it is held (and closed) only from its start.
    me.click(page.get_by_role("button", name="Enregistrer les présences"))
    expect(page.get_by_text("La séance n'a pas encore commencé", exact=False).first).to_be_visible()
    me.menu("Chèques")
    me.menu("Autorités")
    me.menu("Tâches")


def test_responsable_reads_every_page_of_the_menu(walk: type[Newcomer]) -> None:
    me = walk("responsable")
    for label in ("Tâches", "Personnes", "Chèques", "Commission", "Ateliers", "Rendez-vous", "Partenaires",
                  "Autorités", "Le centre",
                  "Utilisateurs", "Journal d'audit", "Mon compte"):  # fmt: skip
        me.menu(label)
    me.menu("Ateliers")
    me.click(me.page.get_by_role("link", name="Chiffres par thème"))


def test_delegataire_and_elu_read_the_session_they_sit_in(walk: type[Newcomer]) -> None:
    for username in ("delegataire", "elu"):
        me = walk(username)
        me.menu("Tâches")
        me.menu("Commission")
        me.click(me.page.get_by_role("table").get_by_role("link").first)
        expect(me.page.locator("dl.facts")).to_contain_text("Ordre du jour en préparation")
        me.menu("Mon compte")


def test_regisseur_finds_the_cheque_stock(walk: type[Newcomer]) -> None:
    me = walk("regisseur")
    me.menu("Tâches")
    me.menu("Chèques")
    expect(me.page.get_by_role("heading", name="Entrer un carnet en stock")).to_be_visible()


def test_admin_reads_every_page_of_the_menu(walk: type[Newcomer]) -> None:
    me = walk("admin")
    for label in (
        "Partenaires",
        "Le centre",
        "Utilisateurs",
        "Journal d'audit",
        "Courriels",
        "Processus",
        "Barèmes",
        "Mon compte",
    ):
        me.menu(label)
    me.menu("Utilisateurs")
    me.click(me.page.get_by_role("link", name="Créer un compte"))


def test_the_audit_fails_a_page_axe_core_finds_fault_with(browser: Browser, base_url: str) -> None:
    context = browser.new_context(locale="fr-FR")
    axe.install(context)
    page = context.new_page()
    page.goto(base_url + "/connexion")
    audit = axe.Audit()
    audit.check(page)
    assert audit.violations == {}
    page.evaluate("() => document.querySelector('label[for=username]').remove()")  # a field without its label
    audit.check(page)
    context.close()
    assert len(audit.visited) == 2
    assert any(found.startswith("label (critical)") for found in next(iter(audit.violations.values())))
