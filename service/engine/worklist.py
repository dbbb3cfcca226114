"""The human-task projection: one row per ready user task, written with the instance in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import inspect, select, update

from service import clock
from service.engine.durations import parse_duration
from service.errors import ConflictError, PermissionDeniedError
from service.extensions import db
from service.models import HumanTask, ProcessInstance, Role, User


def ready_user_tasks(workflow: BpmnWorkflow) -> dict[str, Task]:
    return {str(task.id): task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}


def project(
    instance: ProcessInstance, ready_before: Iterable[str], ready_now: dict[str, Task], *, now: datetime
) -> list[HumanTask]:
    """Add rows for newly ready tasks and close those the process left behind; return the new rows."""
    gone = set(ready_before) - set(ready_now)
    if gone:
        with db.session.no_autoflush:  # one UPDATE; the rows need not be loaded
            db.session.execute(
                update(HumanTask)
                .where(
                    HumanTask.instance_id == instance.id,
                    HumanTask.task_id.in_(gone),
                    HumanTask.completed_at.is_(None),
                )
                .values(completed_at=now, cancelled=True)
                .execution_options(synchronize_session=False)  # those rows are not loaded here
            )
    already_known = set(ready_before)
    new_rows = [
        _row_for(instance, task, now) for task_id, task in ready_now.items() if task_id not in already_known
    ]
    db.session.add_all(new_rows)
    return new_rows


def open_task(instance_id: int | None) -> HumanTask | None:
    """The human task an instance waits on, if any: a session's step to do from its page."""
    if instance_id is None:
        return None
    return db.session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.completed_at.is_(None))
    ).first()


def _row_for(instance: ProcessInstance, task: Task, now: datetime) -> HumanTask:
    spec = task.task_spec
    properties = spec.extensions.get("properties", {})
    due_in = properties.get("due_in", "")
    if due_in and not due_in.startswith("P"):
        due_in = str(task.data.get(due_in, ""))  # the name of a variable holding a duration or an instant
    row = HumanTask(
        centre_id=instance.centre_id,
        instance_id=instance.id,
        dossier_id=instance.dossier_id,
        process_key=instance.definition.process_key,
        task_id=str(task.id),
        task_name=spec.bpmn_id,
        title=spec.bpmn_name or spec.bpmn_id,
        role=spec.lane,
        form_key=properties.get("form", ""),
        due_at=_due_at(due_in, now),
        mail_role=properties.get("mail_role") == "true",
        created_at=now,
    )
    if "dossier" not in inspect(instance).unloaded and instance.dossier is not None:
        row.dossier = instance.dossier  # already read with the instance: its mail needs no other query
    return row


def _due_at(due_in: str, now: datetime) -> datetime | None:
    """A task's due instant: a duration from now ("P2D"), or an instant the process computed (ISO 8601)."""
    if not due_in:
        return None
    if due_in.startswith("P"):
        return parse_duration(due_in).after(now)
    return datetime.fromisoformat(due_in)


def check_can_work_on(task: HumanTask, actor: User) -> None:
    """Only holders of the lane's role see and complete a task; an assigned task belongs to its assignee."""
    if task.centre_id != actor.centre_id or not actor.has_role(Role(task.role)):
        raise PermissionDeniedError(f"Cette tâche est réservée au rôle « {Role(task.role).label} ».")
    if task.completed_at is not None:
        raise ConflictError("Cette tâche a déjà été traitée : la liste des tâches a été mise à jour.")
    if task.assignee_id is not None and task.assignee_id != actor.id:
        raise ConflictError("Cette tâche a été prise par un·e collègue entre-temps.")


def claim(task: HumanTask, actor: User) -> None:
    check_can_work_on(task, actor)
    task.assignee_id = actor.id
    task.claimed_at = clock.now()


def unclaim(task: HumanTask, actor: User) -> None:
    check_can_work_on(task, actor)
    task.assignee_id = None
    task.claimed_at = None


def reassign(task: HumanTask, assignee: User, actor: User) -> None:
    """A head of service gives a task to a holder of its role."""
    if not actor.has_role(Role.RESPONSABLE) or task.centre_id != actor.centre_id:
        raise PermissionDeniedError("Seul·e un·e responsable peut réattribuer une tâche.")
    if task.completed_at is not None:
        raise ConflictError("Cette tâche a déjà été traitée.")
    if assignee.centre_id != task.centre_id or not assignee.has_role(Role(task.role)):
        raise PermissionDeniedError(f"{assignee.full_name} n'a pas le rôle « {Role(task.role).label} ».")
    task.assignee_id = assignee.id
    task.claimed_at = clock.now()
