"""In Debian's chromium: the session page follows the printing of its letters by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from sqlalchemy import select

from scenarios.committee import accord, all_present, item_of, refus
from service import clock
from service.committee import closing, sessions, sitting
from service.demo import DEMO_PASSWORD
from service.documents import batches
from service.extensions import db
from service.models import AidType, CommitteeSession, User
from tests.aid_steps import do, open_aid, person_with_budget
from tests.conftest import START
from tests.live_server import serve_demo_app
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

RELIEF = {
    "situation": "Facture d'énergie impayée.",
    "nature_besoin": "energie",
    "montant_cents": "450",
    "mode_paiement": "virement",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _close_the_demo_session() -> int:
    """Two reliefs above the ceiling decided by the demo's session, closed; the letters not printed yet."""
    users = {user.username: user for user in db.session.scalars(select(User))}
    secretary, instructor = users["secretariat"], users["instructeur"]
    dossiers = []
    for name in ("Lemoine", "Perrin"):
        dossier = open_aid(users["accueil"], person_with_budget(instructor, name), AidType.SECOURS_URGENCE)
        do(instructor, dossier, "evaluer", RELIEF)
        dossiers.append(dossier)
    session = db.session.scalars(select(CommitteeSession)).one()
    sessions.compose_agenda(actor=secretary, session_id=session.id)
    sessions.settle_agenda(actor=secretary, session_id=session.id)
    sessions.convene(actor=secretary, session_id=session.id)
    all_present(secretary, session)
    for vote, dossier in zip((accord(45000, voters=5), refus(5)), dossiers, strict=True):
        sitting.record_vote(
            actor=secretary, session_id=session.id, item_id=item_of(session, dossier).id, vote=vote
        )
    closing.close_session(actor=secretary, session_id=session.id)
    return session.id


def test_the_session_page_counts_the_letters_then_links_to_them(browser: Browser, tmp_path: Path) -> None:
    with serve_demo_app(tmp_path, clock.TravellingClock(START)) as (base_url, app):
        with app.app_context():
            session_id = _close_the_demo_session()
        page = browser.new_context(locale="fr-FR").new_page()
        page.goto(base_url + "/connexion")
        page.get_by_label("Identifiant").fill("secretariat")
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.goto(f"{base_url}/commission/seances/{session_id}")
        letters = page.locator("#courriers-seance")
        expect(letters).to_contain_text("Courriers de la séance : 0 / 2 imprimés")
        expect(letters.get_by_role("link")).to_have_count(1)  # only "actualisez-la": nothing printed yet

        with app.app_context():
            batches.print_letter_batches()  # the scheduler's job, while the page is open

        expect(letters).to_contain_text("Courriers de la séance : 2 / 2 imprimés", timeout=10_000)
        expect(letters).to_contain_text("Imprimés")
        expect(letters.get_by_role("link", name="Décision DEL2026_001")).to_be_visible()
        expect(letters.get_by_role("link", name="Décision DEL2026_002")).to_be_visible()
        page.screenshot(path=str(tmp_path / "courriers.png"), full_page=True)
        page.context.close()
