"""The cost of the sandbox: one engine step with and without it, measured alternately in the same run.

The step is the instructor's evaluation of an urgent-relief request: restore the stored state, complete the
task, run the engine (the barème eligibilite_secours.dmn, the delegation gateway, the decision's timer),
store the state. It runs with SpiffWorkflow's plain Python engine (eval, no sandbox), with the service's
sandbox as shipped (expressions that provably stay small are evaluated in process, the rest in a worker),
and with every evaluation sent to a worker. Prints RATIO sandboxed_step_vs_plain (as shipped / plain) and
BENCH lines: the timings, the evaluations per step, one worker round trip, the step all in workers.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import flask_migrate
from flask import Flask
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from sqlalchemy import make_url, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.kit import BENCH_URL, server_database
from service import clock, create_app, deployment
from service.accounts import service as accounts
from service.dossiers import service as dossiers
from service.engine import registry, scripting
from service.extensions import db
from service.models import AidType, CentreKind, HumanTask, ProcessInstance, Role
from service.organisation import service as organisation
from service.people import service as people

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
PASSWORD = "mot-de-passe-du-banc"
# What the evaluation hook hands the process (see dossiers/secours_urgence.evaluate).
EVALUATION = {
    "pieces_a_demander": "",
    "montant_cents": 15000,
    "rav_jour_cents": 700,
    "deja_accorde_annee_cents": 20000,
}


class CountingEnvironment(scripting.SandboxedEnvironment):
    """The sandbox, counting what it evaluates (for the BENCH line, not for the timings)."""

    calls = 0

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        CountingEnvironment.calls += 1
        return super().evaluate(expression, context, external_context)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        CountingEnvironment.calls += 1
        return super().execute(script, context, external_context)


def build(tmp: Path) -> Flask:
    url = (
        server_database(BENCH_URL, f"{make_url(BENCH_URL).database}_sandbox", fresh=True)[0]
        if BENCH_URL
        else f"sqlite:///{tmp / 'bench.db'}"
    )
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "clé-du-banc",
            "DATABASE_URL": url,
            "INSTANCE_PATH": tmp / "instance",
            "PASSWORD_HASH_TIME_COST": 1,
            "PASSWORD_HASH_MEMORY_KIB": 64,
        }
    )
    clock.install(app, clock.TravellingClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC)))
    with app.app_context():
        flask_migrate.upgrade()
        deployment.deploy_folder(deployed_by="banc")
        organisation.create_centre(
            code="banc", name="CCAS du Banc", kind=CentreKind.CCAS, communes={("99999", "Banc"): ["Centre"]}
        )
        accounts.create_user(
            centre_code="banc",
            username="agent",
            full_name="Agent",
            password=PASSWORD,
            roles=[Role.ACCUEIL, Role.INSTRUCTEUR],
        )
    return app


def waiting_evaluation(app: Flask) -> tuple[str, int, UUID]:
    """A request waiting for its evaluation: its stored state, its definition, the task to complete."""
    with app.app_context():
        agent = accounts.authenticate(username="agent", password=PASSWORD, address="bench")
        accounts.scope_session_to(agent)
        person = people.create(actor=agent, identity=people.Identity(last_name="Banc", first_name="A"))
        dossier = dossiers.open_request(
            actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Énergie"
        )
        task = db.session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier.id)).one()
        instance = db.session.get(ProcessInstance, task.instance_id)
        assert instance is not None
        return instance.state, instance.definition_id, UUID(task.task_id)


def step(state: str, definition_id: int, task_id: UUID, engine: Callable[[], PythonScriptEngine]) -> float:
    """Restore, complete the evaluation, run the engine, store: the seconds it took."""
    from service.models import ProcessDefinition

    definition = db.session.get(ProcessDefinition, definition_id)
    assert definition is not None
    bundle = registry.bundle(definition)  # the spec cache is warm in every variant
    started = time.perf_counter()
    workflow = registry.codec().load_state(state, bundle)
    workflow.script_engine = engine()
    task = workflow.get_task_from_id(task_id)
    task.data.update(EVALUATION)
    task.run()
    workflow.do_engine_steps()
    stored = registry.codec().dump_state(workflow)
    elapsed = time.perf_counter() - started
    assert workflow.data is not None
    assert stored
    assert any(t.task_spec.bpmn_id == "decider_delegation" for t in workflow.get_tasks())  # the same path
    return elapsed


def round_trip_us(limits: scripting.Limits, count: int = 2000) -> float:
    """One evaluation in a worker, there and back: an expression the in-process shortcut does not take."""
    environment = scripting.SandboxedEnvironment(limits)
    environment.evaluate("min(a, b)", {"a": 1, "b": 2})
    started = time.perf_counter()
    for _ in range(count):
        environment.evaluate("min(a, b)", {"a": 1, "b": 2})
    return (time.perf_counter() - started) / count * 1e6


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        state, definition_id, task_id = waiting_evaluation(app)
        with app.app_context():
            limits = scripting.current_limits()
            scripting.warm_up()
            variants: dict[str, Callable[[], PythonScriptEngine]] = {
                "plain": PythonScriptEngine,
                "sandboxed": lambda: scripting.make_script_engine(limits),
                "all_in_workers": lambda: scripting.SandboxedScriptEngine(
                    environment=scripting.SandboxedEnvironment(limits, bounded_in_process=False)
                ),
            }
            times: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(20):  # warm up every path (imports, caches, workers)
                for engine in variants.values():
                    step(state, definition_id, task_id, engine)
            for _ in range(ROUNDS):
                for name, engine in variants.items():
                    times[name].append(step(state, definition_id, task_id, engine))
            counting = scripting.SandboxedScriptEngine(environment=CountingEnvironment(limits))
            step(state, definition_id, task_id, lambda: counting)
            worker_us = round_trip_us(limits)
        medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
        print(f"BENCH plain_step_ms {medians['plain']:.3f}")
        print(f"BENCH sandboxed_step_ms {medians['sandboxed']:.3f}")
        print(f"BENCH sandboxed_step_all_in_workers_ms {medians['all_in_workers']:.3f}")
        print(f"BENCH evaluations_per_step {CountingEnvironment.calls}")
        print(f"BENCH worker_round_trip_us {worker_us:.1f}")
        print(f"RATIO sandboxed_step_vs_plain {medians['sandboxed'] / medians['plain']:.2f}")
        print(
            f"BENCH sandboxed_step_all_in_workers_vs_plain {medians['all_in_workers'] / medians['plain']:.2f}"
        )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
