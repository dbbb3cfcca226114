"""The diagram on every dossier page: a loan waiting for the committee shows its receive task highlighted in
the SVG bpmn-js draws, the path taken, and says in words what it waits for; the same viewer per version on
Administration › Processus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from markupsafe import escape
from playwright.sync_api import Browser, expect, sync_playwright
from sqlalchemy import select

from service.accounts import service as accounts
from service.committee import sessions as committee_sessions
from service.demo import DEMO_PASSWORD
from service.engine import progress
from service.extensions import db
from service.models import CommitteeSession, Dossier, ProcessInstance, User
from service.web import formatting
from tests import aid_steps
from tests.hostile_world import LOAN_STUDY
from tests.live_server import serve_demo_app
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

RECEIVE_TASK = "decider_commission"


def _loan_waiting_for_the_committee(app: Flask) -> int:
    with app.app_context():
        instructeur = db.session.scalars(select(User).where(User.username == "instructeur")).one()
        accounts.scope_session_to(instructeur)
        person = aid_steps.person_with_budget(instructeur, "Diagramme")
        dossier = aid_steps.open_aid(instructeur, person, "pret_sans_interet")
        aid_steps.do(instructeur, dossier, "etudier_budget", LOAN_STUDY)
        return dossier.id


def _put_on_the_agenda(app: Flask) -> None:
    with app.app_context():
        secretariat = db.session.scalars(select(User).where(User.username == "secretariat")).one()
        accounts.scope_session_to(secretariat)
        preparing = db.session.scalars(select(CommitteeSession).order_by(CommitteeSession.id)).first()
        assert preparing is not None
        committee_sessions.compose_agenda(actor=secretariat, session_id=preparing.id)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Flask]]:
    with serve_demo_app(tmp_path_factory.mktemp("diagramme")) as served:
        yield served


def _signed_in(app: Flask, username: str) -> object:
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/connexion", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    return client


def test_the_dossier_page_says_what_the_loan_waits_for(served: tuple[str, Flask]) -> None:
    _, app = served
    dossier_id = _loan_waiting_for_the_committee(app)
    client = _signed_in(app, "instructeur")
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)  # type: ignore[attr-defined]
    assert "En attente de la commission : pas encore inscrit à une séance." in page
    assert "Aucune étape en cours" not in page
    data = client.get(f"/dossiers/{dossier_id}/diagramme.json").get_json()  # type: ignore[attr-defined]
    assert data["current"] == [RECEIVE_TASK]
    assert "etudier_budget" in data["done"]
    assert f'id="{RECEIVE_TASK}"' in data["source"]
    _put_on_the_agenda(app)
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)  # type: ignore[attr-defined]
    assert "En attente de la séance de la commission du " in page
    assert "pas encore inscrit" not in page


def test_pending_timers_are_listed_with_their_dates(served: tuple[str, Flask]) -> None:
    _, app = served
    client = _signed_in(app, "instructeur")
    with app.app_context():
        relief = db.session.scalars(select(Dossier).order_by(Dossier.id)).first()  # the demo's urgent relief
        assert relief is not None
        relief_id = relief.id
    data = client.get(f"/dossiers/{relief_id}/diagramme.json").get_json()  # type: ignore[attr-defined]
    assert data["current"]
    for timer in data["timers"]:
        assert " : " in timer["label"]  # its name, then its date in French


@pytest.mark.browser
def test_the_viewer_highlights_the_receive_task_in_the_svg(served: tuple[str, Flask]) -> None:
    url, app = served
    dossier_id = _loan_waiting_for_the_committee(app)
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_context(locale="fr-FR").new_page()
            errors: list[str] = []
            page.on(
                "console", lambda message: errors.append(message.text) if message.type == "error" else None
            )
            page.goto(url + "/connexion")
            page.get_by_label("Identifiant").fill("instructeur")
            page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.goto(f"{url}/dossiers/{dossier_id}")
            highlighted = page.locator("svg g.djs-element.etape-en-cours")
            expect(highlighted).to_have_count(1, timeout=20_000)
            assert highlighted.get_attribute("data-element-id") == RECEIVE_TASK
            done = page.locator('svg g.djs-element.etape-faite[data-element-id="etudier_budget"]')
            expect(done).to_have_count(1)
            assert not [error for error in errors if "Content Security Policy" in error], errors
            page.goto(url + "/")
            page.get_by_role("button", name="Se déconnecter").click()
            page.goto(url + "/connexion")
            page.get_by_label("Identifiant").fill("admin")
            page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.goto(f"{url}/administration/processus")
            page.get_by_text("Diagramme de pret_sans_interet, version 1").click()
            expect(page.locator(f'svg g.djs-element[data-element-id="{RECEIVE_TASK}"]')).to_have_count(
                1, timeout=20_000
            )
        finally:
            browser.close()


def test_the_dossier_page_lists_the_timers_only_of_a_process_waiting_for_one(
    served: tuple[str, Flask],
) -> None:
    _, app = served
    client = _signed_in(app, "instructeur")
    with app.app_context():
        instances = db.session.scalars(
            select(ProcessInstance)
            .where(ProcessInstance.dossier_id.is_not(None))
            .order_by(ProcessInstance.id)
        ).all()
        timed = next(instance for instance in instances if instance.next_due_at is not None)
        untimed = next(instance for instance in instances if instance.next_due_at is None)
        pending = progress.progress(timed, sources=None).timers
        assert all(timer.due_at is not None for timer in pending)
        lines = [str(escape(f"{timer.name} : {formatting.datetime_fr(timer.due_at)}")) for timer in pending]  # type: ignore[arg-type]
        timed_id, untimed_id = timed.dossier_id, untimed.dossier_id
    assert lines, "a process with a next due instant waits for a timer"
    response = client.get(f"/dossiers/{timed_id}")  # type: ignore[attr-defined]
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Échéances en attente" in page
    for line in lines:
        assert line in page
    response = client.get(f"/dossiers/{untimed_id}")  # type: ignore[attr-defined]
    assert response.status_code == 200  # the page is shown, without a list of timers
    assert "Échéances en attente" not in response.get_data(as_text=True)
