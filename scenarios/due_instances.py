"""Many secours instances whose decision deadline has already passed by the system clock, made fast.

One dossier goes through the use cases; the others are copies of its rows (same state, new dossier
numbers), which is what thousands of real dossiers waiting for the same step look like to the scheduler.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Table, insert, select, update

from scenarios.factories import PASSWORD, delegate_power, make_centre
from scenarios.secours import awaiting_delegate_decision, open_task_of
from service import clock
from service.accounts import service as accounts
from service.extensions import db
from service.models import Counter, Dossier, HumanTask, ProcessInstance, Role

CHUNK = 500


def prepare_due_instances(app: Flask, count: int, *, days_ago: int = 3) -> None:
    """count instances due now, each waiting for the delegate since days_ago (no due timer fired yet)."""
    with app.app_context():
        clock.install(app, clock.TravellingClock(datetime.now(UTC) - timedelta(days=days_ago)))
        try:
            make_centre("ccas-echeances", "CCAS des Échéances")
            accounts.create_user(
                centre_code="ccas-echeances",
                username="claire",
                full_name="Claire Dumont",
                email="claire@ccas.invalid",
                password=PASSWORD,
                roles=[Role.RESPONSABLE],
            )
            agent = accounts.create_user(
                centre_code="ccas-echeances",
                username="agent",
                full_name="Agent",
                password=PASSWORD,
                roles=[Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE],
            )
            db.session.flush()
            delegate_power(agent)
            accounts.scope_session_to(agent)
            dossier = awaiting_delegate_decision(agent)
            _copy(dossier.id, count - 1)
            db.session.commit()
        finally:
            clock.install(app)


def _row(table: Table, where: Any) -> dict[str, Any]:
    row = dict(db.session.execute(select(table).where(where)).mappings().one())
    row.pop("id")
    return row


def _insert(table: Table, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        result = db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows[start : start + CHUNK]
        )
        ids.extend(result.scalars().all())
    return ids


def _copy(dossier_id: int, copies: int) -> None:
    dossier_table: Table = Dossier.__table__  # type: ignore[assignment]
    instance_table: Table = ProcessInstance.__table__  # type: ignore[assignment]
    task_table: Table = HumanTask.__table__  # type: ignore[assignment]
    task = open_task_of(dossier_id, "decider_delegation")
    dossier = _row(dossier_table, dossier_table.c.id == dossier_id)
    instance = _row(instance_table, instance_table.c.id == task.instance_id)
    human_task = _row(task_table, task_table.c.id == task.id)
    year = dossier["number"].split("-")[0]
    dossier_ids = _insert(
        dossier_table, [{**dossier, "number": f"{year}-{n:06d}"} for n in range(2, copies + 2)]
    )
    instance_ids = _insert(instance_table, [{**instance, "dossier_id": d} for d in dossier_ids])
    _insert(
        task_table,
        [
            {**human_task, "dossier_id": d, "instance_id": i}
            for d, i in zip(dossier_ids, instance_ids, strict=True)
        ],
    )
    # The copies took their numbers as the use case would: the centre's counter says so.
    db.session.execute(
        update(Counter)
        .where(
            Counter.centre_id == dossier["centre_id"], Counter.series == "dossier", Counter.year == int(year)
        )
        .values(last_value=copies + 1)
    )
