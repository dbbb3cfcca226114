"""Wake the instances whose timers are due: each in its own transaction, holding its row."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from service import clock, deployment, processes
from service.config import current_settings
from service.engine import runtime
from service.extensions import db
from service.models import InstanceStatus, ProcessInstance
from service.models.tenancy import ALL_CENTRES
from service.notifications import service as notifications
from service.unit_of_work import use_case

log = logging.getLogger(__name__)
BATCH = 20


def wake_due_instances(*, batch_size: int = BATCH, limit: int | None = None) -> int:
    """Fire the instances due now, batch after batch, up to a limit per run; return how many were woken."""
    limit = current_settings().WAKE_MAX_PER_RUN if limit is None else limit
    directory: notifications.Directory = {}  # role addresses, read once per run
    seen: set[int] = set()  # an instance is woken at most once per run, whatever its timers say
    while len(seen) < limit:
        ids = [i for i in _due_ids(min(batch_size, limit - len(seen))) if i not in seen]
        if not ids:
            break
        progressed = False
        for instance_id in ids:
            if _wake_one(instance_id, directory):
                seen.add(instance_id)
                progressed = True
        if not progressed:
            break  # every due instance is held by another worker: the next run takes what is left
    return len(seen)


@use_case
def _due_ids(batch_size: int) -> list[int]:
    ids = db.session.scalars(
        select(ProcessInstance.id)
        # Strictly before now, as SpiffWorkflow fires a timer only once its instant has passed.
        .where(ProcessInstance.next_due_at < clock.now(), ProcessInstance.status == InstanceStatus.RUNNING)
        .order_by(ProcessInstance.next_due_at, ProcessInstance.id)
        .limit(batch_size)
        .execution_options(**{ALL_CENTRES: True})
    ).all()
    return list(ids)


def _wake_one(instance_id: int, directory: notifications.Directory) -> bool:
    """Fire one instance if it is still due and no other worker holds it; True when it was handled."""
    try:
        return _fire(instance_id, directory)
    except Exception as exc:  # one failing instance must never stop the others; it is kept as it was
        log.warning("instance %s en erreur : %s", instance_id, exc)
        incident = exc.incident if isinstance(exc, runtime.IncidentError) else None
        reason = incident.message if incident else f"{type(exc).__name__} : {exc}"
        _record_failure(instance_id, reason, incident)
        return True


@use_case
def _fire(instance_id: int, directory: notifications.Directory) -> bool:
    statement = (
        select(ProcessInstance)
        .options(joinedload(ProcessInstance.dossier))  # what its mail says, in the same read
        .where(ProcessInstance.id == instance_id, ProcessInstance.next_due_at < clock.now())
        .execution_options(**{ALL_CENTRES: True})
    )
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=ProcessInstance)
    instance = db.session.scalars(statement).one_or_none()
    if instance is None:
        return False
    processes.wake(instance, directory=directory)
    return True


@use_case
def _record_failure(instance_id: int, reason: str, incident: runtime.Incident | None) -> None:
    instance = db.session.get(ProcessInstance, instance_id, execution_options={ALL_CENTRES: True})
    if instance is not None:
        runtime.record_failure(instance, reason)
        if incident is not None:
            deployment.note_incident(incident, actor_name="réveil planifié")
