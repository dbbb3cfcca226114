"""Two agents complete the same task at once: one wins, the other gets a 409, the instance is intact."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from scenarios.factories import make_centre
from service.accounts import service as accounts
from service.dossiers import service as dossiers
from service.engine import registry
from service.extensions import db
from service.models import AidType, AuditEvent, Dossier, HumanTask, ProcessInstance, Role
from service.people import service as people
from tests.conftest import PASSWORD, login, migrated_app
from tests.databases import fresh_database, on_postgresql
from tests.workflow_helpers import post_form

EVALUATION = {
    "situation": "Facture d'énergie de 180 €.",
    "nature_besoin": "energie",
    "montant_cents": "180",
    "mode_paiement": "bon",
    "budget_declare": "on",  # the person declared no resources nor charges
}


@pytest.fixture
def committing_app(tmp_path: Path) -> Iterator[Flask]:
    """An application whose transactions really commit, on a database of its own."""
    with fresh_database(tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance")
        with app.app_context():
            make_centre("ccas-course", "CCAS de Course")
            for username in ("anne", "bruno"):
                accounts.create_user(
                    centre_code="ccas-course",
                    username=username,
                    full_name=username.title(),
                    password=PASSWORD,
                    roles=[Role.INSTRUCTEUR, Role.ACCUEIL],
                )
        yield app
        with app.app_context():
            db.engine.dispose()


def _open_dossier(app: Flask) -> int:
    with app.app_context():
        anne = accounts.authenticate(username="anne", password=PASSWORD, address="127.0.0.1")
        accounts.scope_session_to(anne)
        person = people.create(actor=anne, identity=people.Identity(last_name="Course", first_name="Lou"))
        dossier = dossiers.open_request(
            actor=anne, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Énergie"
        )
        task_id = db.session.scalars(select(HumanTask.id).where(HumanTask.dossier_id == dossier.id)).one()
        return int(task_id)


def test_same_task_completed_twice_at_once(committing_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = _open_dossier(committing_app)
    clients = {}
    for username in ("anne", "bruno"):
        client = committing_app.test_client()
        assert login(client, username).status_code == 302
        clients[username] = client
    page = f"/taches/{task_id}"
    tokens = {name: post_token(client, page) for name, client in clients.items()}
    if on_postgresql():
        # Hold both requests once they have read the task and its instance, before either writes:
        # both then believe the task is theirs, and only the revision check can tell them apart.
        barrier = threading.Barrier(2, timeout=20)
        task_form = registry.task_form

        def task_form_once_both_have_read(*args: Any) -> Any:
            barrier.wait()
            return task_form(*args)

        monkeypatch.setattr(registry, "task_form", task_form_once_both_have_read)
    # On SQLite, BEGIN IMMEDIATE queues the second writer behind the first: it then finds the task done.

    statuses: dict[str, int] = {}
    bodies: dict[str, str] = {}

    def submit(name: str) -> None:
        response = clients[name].post(page, data={**EVALUATION, "csrf_token": tokens[name]})
        statuses[name] = response.status_code
        bodies[name] = response.get_data(as_text=True)

    threads = [threading.Thread(target=submit, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses.values()) == [302, 409], statuses
    loser = next(name for name, status in statuses.items() if status == 409)
    expected = "en même temps que vous" if on_postgresql() else "Cette tâche a déjà été traitée"
    assert expected in bodies[loser]
    with committing_app.app_context():
        instance = db.session.scalars(select(ProcessInstance)).one()
        assert instance.revision == 2  # created at 1, saved once
        task = db.session.get(HumanTask, task_id)
        assert task is not None
        assert task.completed_at is not None
        open_tasks = db.session.scalars(
            select(HumanTask.task_name).where(HumanTask.completed_at.is_(None))
        ).all()
        assert open_tasks == ["decider_delegation"]
        completions = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "tâche.terminée")
        )
        assert completions == 1
        dossier = db.session.scalars(select(Dossier)).one()
        assert dossier.amount_requested_cents == 18000


def post_token(client: Any, page: str) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, page)


def test_the_loser_sees_a_french_explanation(committing_app: Flask) -> None:
    task_id = _open_dossier(committing_app)
    anne, bruno = committing_app.test_client(), committing_app.test_client()
    login(anne, "anne")
    login(bruno, "bruno")
    page = f"/taches/{task_id}"
    late_token = post_token(bruno, page)  # Bruno opened the page first...
    assert post_form(anne, page, EVALUATION).status_code == 302  # ...Anne submitted first
    response = bruno.post(page, data={**EVALUATION, "csrf_token": late_token})
    assert response.status_code == 409
    assert "Cette tâche a déjà été traitée" in response.get_data(as_text=True)
