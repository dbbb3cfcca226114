"""The first line, end to end in Debian's chromium (issue 22's "done when"): a town-hall agent sends a
liaison; the instructing agent finds it in the worklist, records the call, runs the rights check (the real
OpenFisca Web API on loopback), books an appointment in the town hall and orients the person to the CAF; the
town hall sees the outcome and cannot open the person's file; the person's timeline shows all of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from service import clock
from service.rights import service as rights
from tests.conftest import START
from tests.live_server import serve_demo_app
from tests.test_liaisons_browser import _sign_in, _sign_out, browser
from tools.openfisca.local import openfisca_server

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture: one chromium for the module, as the liaison's walk has it

QUESTION = "Séparée depuis peu, ne sait pas à quoi elle a droit ; souhaite voir une assistante sociale."
SUBJECT = "Suite de la fiche de liaison de la mairie"


@pytest.fixture(scope="module")
def openfisca_url() -> Iterator[str]:
    with openfisca_server() as url:
        yield url


def _send_the_liaison(page: Page, base_url: str) -> None:
    _sign_in(page, base_url, "mairie")
    page.get_by_role("link", name="Nouvelle fiche de liaison").click()
    page.get_by_label("Nom et prénom").fill("Martin Fatou")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_label("MARTIN Fatou, née ou né en 1987").check()
    page.get_by_label("Téléphone").fill("06 12 12 12 12")
    page.get_by_label("Question posée par la personne").fill(QUESTION)
    page.get_by_label("La personne accepte").check()
    page.get_by_role("button", name="Envoyer la fiche au centre").click()
    expect(page.get_by_text("La fiche de liaison est envoyée au centre.")).to_be_visible()
    _sign_out(page)


def _record_the_call(page: Page, base_url: str) -> None:
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tâches").click()
    rows = page.get_by_role("row").filter(has_text="Évaluer par téléphone la fiche de liaison")
    links = [str(rows.nth(i).get_by_role("link", name="Ouvrir").get_attribute("href")) for i in range(3)]
    for link in links:
        page.goto(base_url + link)
        if page.get_by_text(QUESTION).count():
            break
    expect(page.get_by_text(QUESTION)).to_be_visible()
    page.get_by_label("Rendez-vous avec un·e travailleur·se social·e").check()
    page.get_by_label("Note de l'échange téléphonique").fill(
        "Rappelée : droits à vérifier, rendez-vous en mairie."
    )
    page.get_by_role("button", name="Enregistrer la suite donnée").click()
    expect(page.get_by_text("La suite donnée à la fiche de liaison est enregistrée.")).to_be_visible()
    expect(page.get_by_role("link", name="Prendre le rendez-vous")).to_be_visible()  # what comes next
    assert page.title().startswith("Fiche de liaison — MARTIN Fatou")
    assert "<" not in page.title()


def _check_the_rights(page: Page, base_url: str, person_url: str, app: object) -> None:
    page.goto(person_url)
    page.get_by_role("link", name=re.compile("Droits potentiels du foyer")).click()
    page.get_by_role("button", name="Demander l'estimation").click()
    expect(page.get_by_text("Estimation en cours")).to_be_visible()  # the page never waits for OpenFisca
    table = page.get_by_role("table", name="Droits potentiels et suites données")
    for _ in range(10):  # the scheduler's job, run as it would be (it estimates ten households a run)
        with app.app_context():  # type: ignore[attr-defined]
            rights.estimate_pending()
        try:
            page.reload()
        except PlaywrightError:  # the page's own refresh (« Estimation en cours ») navigated at that moment
            page.wait_for_load_state()
        if table.count():
            break
    expect(table).to_be_visible()


def _book_in_the_town_hall(page: Page, person_url: str) -> None:
    page.goto(person_url)
    page.get_by_role("link", name="Rendez-vous avec un travailleur social").click()
    expect(page).to_have_url(re.compile(r"/rendez-vous/nouveau$"))
    page.get_by_label(re.compile("Mairie de Villiers-sur-Loire")).first.check()
    page.get_by_label("Objet").fill(SUBJECT)
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_text(re.compile("Rendez-vous pris, la personne est"))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=SUBJECT)).to_contain_text("Mairie de Villiers-sur-Loire")


def _orient_to_the_caf(page: Page, person_url: str) -> None:
    page.goto(person_url)
    page.get_by_role("link", name=re.compile("Orienter vers un partenaire")).click()
    page.get_by_label("Domaine", exact=True).select_option(label="Accès aux droits")
    page.get_by_label("Partenaire", exact=True).select_option(label="CAF du Loiret — accueil de Saint-Aubin")
    page.get_by_label("Motif de l'orientation").fill("Séparation récente : prestations familiales à revoir.")
    page.get_by_label("La personne accepte").check()
    page.get_by_role("button", name="Orienter").click()
    expect(page.get_by_text(re.compile("est enregistrée"))).to_be_visible()


def test_the_first_line_from_the_town_hall_to_the_timeline(
    browser: Browser, openfisca_url: str, tmp_path: Path
) -> None:
    with serve_demo_app(tmp_path, time=clock.TravellingClock(START), OPENFISCA_URL=openfisca_url) as (
        base_url,
        app,
    ):
        page = browser.new_context(locale="fr-FR").new_page()
        _send_the_liaison(page, base_url)

        _sign_in(page, base_url, "instructeur")
        _record_the_call(page, base_url)
        page.goto(base_url + "/personnes/?q=Martin+Fatou")
        page.get_by_role("link", name="MARTIN Fatou").first.click()
        person_url = page.url
        person_id = int(re.findall(r"/personnes/(\d+)", person_url)[0])
        _check_the_rights(page, base_url, person_url, app)
        _book_in_the_town_hall(page, person_url)
        _orient_to_the_caf(page, person_url)

        page.goto(f"{base_url}/personnes/{person_id}/suivi")
        timeline = page.get_by_role("main")
        expect(timeline).to_contain_text("Fiche de liaison de la mairie de Villiers-sur-Loire")
        expect(timeline).to_contain_text("rendez-vous avec un·e travailleur·se social·e")
        expect(timeline).to_contain_text(re.compile(r"Rendez-vous avec .* — Mairie de Villiers-sur-Loire"))
        expect(timeline).to_contain_text("Orientée vers CAF du Loiret — accueil de Saint-Aubin")
        expect(timeline.get_by_role("cell", name="Droits", exact=True).first).to_be_visible()
        page.screenshot(path=str(tmp_path / "suivi.png"), full_page=True)
        _sign_out(page)

        _sign_in(page, base_url, "mairie")
        page.get_by_role("link", name="Mes fiches de liaison").first.click()
        mine = page.get_by_role("row").filter(has_text="MARTIN Fatou")
        expect(mine.first).to_contain_text("Rendez-vous avec un·e travailleur·se social·e")
        for forbidden in ("", "/suivi", "/droits", "/orientations", "/rendez-vous/nouveau"):
            response = page.goto(f"{base_url}/personnes/{person_id}{forbidden}")
            assert response is not None
            assert response.status == 403, forbidden
