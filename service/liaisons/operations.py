"""The service tasks of premier_accueil.bpmn: record what the call led to; tell the head of service when the
call is late. Each runs in the transaction of whoever moved the process (an agent, the scheduler)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from service import clock, processes
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.engine import services
from service.extensions import db
from service.models import HumanTask, Liaison, LiaisonOutcome, Role, User, UserRole
from service.notifications import outbox
from service.notifications import service as notifications


def _liaison(parameters: dict[str, Any]) -> Liaison:
    liaison = db.session.get(Liaison, int(parameters["liaison_id"]))
    if liaison is None:
        raise LookupError(f"fiche de liaison introuvable : {parameters['liaison_id']}")
    return liaison


def record_outcome(parameters: dict[str, Any]) -> dict[str, Any]:
    liaison = _liaison(parameters)
    liaison.outcome = LiaisonOutcome(str(parameters["issue"]))
    liaison.outcome_note = str(parameters["note"])
    liaison.outcome_at = clock.now()
    audit.record(
        action=AuditAction.LIAISON_ISSUE, subject_type="liaison", subject_id=liaison.id,
        centre_id=liaison.centre_id, details={"suite": liaison.outcome.value},
    )  # fmt: skip
    return {"issue": liaison.outcome.value}


def report_late(parameters: dict[str, Any]) -> dict[str, Any]:
    """The call is late: the heads of service are mailed (once), the liaison marked escalated."""
    liaison = _liaison(parameters)
    if liaison.outcome is not None:
        return {"signale": False}
    liaison.escalated_at = clock.now()
    task_id = db.session.scalar(
        select(HumanTask.id).where(
            HumanTask.instance_id == liaison.instance_id, HumanTask.completed_at.is_(None)
        )
    )
    page = f"/liaisons/{liaison.id}" if task_id is None else f"/taches/{task_id}"
    outbox.queue(
        centre_id=liaison.centre_id, kind="liaison_retard", recipients=_heads_of_service(liaison.centre_id),
        template="liaison_en_retard", dedupe_key=f"liaison-retard-{liaison.id}",
        context={"liaison": liaison, "url": notifications.public_url(page)},
    )  # fmt: skip
    audit.record(
        action=AuditAction.LIAISON_RETARD, subject_type="liaison", subject_id=liaison.id,
        centre_id=liaison.centre_id, details={"échéance": liaison.due_at.isoformat()},
    )  # fmt: skip
    return {"signale": True}


def _heads_of_service(centre_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.centre_id == centre_id,
                User.active.is_(True),
                UserRole.role == Role.RESPONSABLE,
                User.email != "",
            )
        )
    )


OPERATIONS = {
    "liaison.enregistrer_issue": record_outcome,
    "liaison.signaler_retard": report_late,
}


def _liaison_of(task: HumanTask) -> int | None:
    return db.session.scalar(select(Liaison.id).where(Liaison.instance_id == task.instance_id))


LIAISON = processes.SubjectKind(name="liaison", label="Fiche de liaison", subject_of=_liaison_of)


def register() -> None:
    """Make the operations callable from the diagram and say what its processes run for."""
    for name, operation in OPERATIONS.items():
        services.register(name, operation)
    processes.register("premier_accueil", LIAISON)
