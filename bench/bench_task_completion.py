"""One task completion: the bare engine path against the same completion through HTTP, in one run.

Prints RATIO lines (b/a, state size) and BENCH lines (statements and commits per completion).
Both paths complete the same task (the notification of a decision: no letter is printed in it) on distinct,
identically prepared dossiers,
alternately, on the embedded database (SQLite file) or on ENTRAIDE_BENCH_DATABASE_URL when set.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from flask import Flask
from sqlalchemy import event, make_url, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.kit import BENCH_URL, migrated_app, server_database
from scenarios.factories import delegate_power
from service.accounts import service as accounts
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.engine import registry, runtime
from service.engine.serialization import default_serialization
from service.extensions import db
from service.models import AidType, BudgetKind, CentreKind, HumanTask, ProcessInstance, Role
from service.organisation import service as organisation
from service.people import service as people

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "150"))
PASSWORD = "mot-de-passe-du-banc"
EVALUATION = {
    "situation": "Facture d'énergie impayée.",
    "nature_besoin": "energie",
    "montant_cents": "150",
    "mode_paiement": "bon",
}
DECISION_FORM = {"decision": "accord", "montant_accorde_cents": "150"}
NOTIFICATION_FORM = {"moyen": "courrier", "date_notification": "2026-11-23"}
NOTIFICATION_DATA = {"notifie_le": "2026-11-23", "moyen_notification": "courrier"}


def build(tmp: Path) -> Flask:
    url = (
        server_database(BENCH_URL, f"{make_url(BENCH_URL).database}_completion", fresh=True)[0]
        if BENCH_URL
        else f"sqlite:///{tmp / 'bench.db'}"
    )
    app = migrated_app(url, tmp / "instance")
    with app.app_context():
        organisation.create_centre(
            code="banc", name="CCAS du Banc", kind=CentreKind.CCAS, communes={("99999", "Banc"): ["Centre"]}
        )
        agent = accounts.create_user(
            centre_code="banc",
            username="agent",
            full_name="Agent",
            password=PASSWORD,
            roles=[Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE],
        )
        delegate_power(agent)  # the president, holding the board's delegation
        db.session.commit()
    return app


def prepare_notifications(app: Flask, count: int) -> list[int]:
    """Dossiers decided, waiting for their notification; return the notification task ids."""
    with app.app_context():
        agent = accounts.authenticate(username="agent", password=PASSWORD, address="bench")
        accounts.scope_session_to(agent)
        task_ids = []
        for index in range(count):
            person = people.create(
                actor=agent,
                identity=people.Identity(last_name=f"Banc{index}", first_name="A"),
                confirm_duplicate=True,
            )
            for kind, category, cents in (
                (BudgetKind.RESSOURCE, "rsa", 60000),
                (BudgetKind.CHARGE, "loyer", 45000),
            ):
                people.add_budget_line(
                    actor=agent, person_id=person.id, kind=kind, category=category, label="",
                    monthly_amount_cents=cents,
                )  # fmt: skip
            dossier = dossiers.open_request(
                actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Énergie"
            )
            tasks.complete_task(actor=agent, task_id=_open_task(dossier.id), form=EVALUATION)
            tasks.complete_task(actor=agent, task_id=_open_task(dossier.id), form=DECISION_FORM)
            task_ids.append(_open_task(dossier.id))
        return task_ids


def _open_task(dossier_id: int) -> int:
    return int(
        db.session.scalars(
            select(HumanTask.id).where(HumanTask.dossier_id == dossier_id, HumanTask.completed_at.is_(None))
        ).one()
    )


def engine_completion(app: Flask, task_id: int) -> float:
    """Read the state row, complete the task, run the engine, save the state, commit one row."""
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None
        instance_id, engine_task_id = task.instance_id, UUID(task.task_id)
        instance = db.session.get(ProcessInstance, instance_id)
        assert instance is not None
        bundle = registry.bundle(instance.definition)  # the spec cache is warm in both paths
        db.session.commit()
        started = time.perf_counter()
        state = db.session.execute(
            select(ProcessInstance.state).where(ProcessInstance.id == instance_id)
        ).scalar_one()
        workflow = registry.codec().load_state(state, bundle)
        workflow.script_engine = runtime.make_script_engine()
        engine_task = workflow.get_task_from_id(engine_task_id)
        engine_task.data.update(NOTIFICATION_DATA)
        engine_task.run()
        workflow.do_engine_steps()
        new_state = registry.codec().dump_state(workflow)
        db.session.execute(
            update(ProcessInstance).where(ProcessInstance.id == instance_id).values(state=new_state)
        )
        db.session.commit()
        return time.perf_counter() - started


def http_completion(client: Any, token: str, task_id: int) -> float:
    started = time.perf_counter()
    response = client.post(f"/taches/{task_id}", data={**NOTIFICATION_FORM, "csrf_token": token})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with client.session_transaction() as session:  # the page it leads to shows the message, and drops it
        session.pop("_flashes", None)
    return elapsed


def signed_in_client(app: Flask, any_task: int) -> tuple[Any, str]:
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/connexion", data={"username": "agent", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    page = client.get(f"/taches/{any_task}").get_data(as_text=True)
    return client, page.split('name="csrf_token" value="')[1].split('"')[0]


def count_statements(app: Flask, client: Any, token: str, task_id: int) -> tuple[int, int]:
    counts = {"statements": 0, "commits": 0}
    with app.app_context():
        engine = db.engine

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            counts["statements"] += 1

    def on_commit(conn: Any) -> None:
        counts["commits"] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        http_completion(client, token, task_id)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
    return counts["statements"], counts["commits"]


def state_sizes(app: Flask, task_id: int) -> tuple[int, int]:
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None
        instance = task.instance
        return len(instance.state), len(default_serialization(runtime.load(instance)))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        task_ids = prepare_notifications(app, 2 * ROUNDS + 6)
        stored, default = state_sizes(app, task_ids[0])
        client, token = signed_in_client(app, task_ids[0])
        warm_up = task_ids[-6:]
        for task_id in warm_up[:2]:
            engine_completion(app, task_id)
        for task_id in warm_up[2:4]:
            http_completion(client, token, task_id)
        statements, commits = count_statements(app, client, token, warm_up[4])
        engine_times, http_times = [], []
        for index in range(ROUNDS):
            engine_times.append(engine_completion(app, task_ids[2 * index]))
            http_times.append(http_completion(client, token, task_ids[2 * index + 1]))
        engine_ms = statistics.median(engine_times) * 1000
        http_ms = statistics.median(http_times) * 1000
        print(f"BENCH engine_completion_ms {engine_ms:.2f}")
        print(f"BENCH http_completion_ms {http_ms:.2f}")
        print(f"RATIO task_completion_http_vs_engine {http_ms / engine_ms:.2f}")
        print(f"BENCH state_bytes {stored}")
        print(f"BENCH default_serialization_bytes {default}")
        print(f"RATIO state_size_vs_default {stored / default:.2f}")
        print(f"BENCH sql_statements_per_completion {statements}")
        print(f"BENCH commits_per_completion {commits}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
