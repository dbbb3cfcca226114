"""Use cases of dossiers: open a request, list and work tasks, read a dossier; each owns its transaction."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from service import clock
from service.audit import service as audit
from service.config import current_settings
from service.dossiers import secours_urgence
from service.dossiers.numbering import next_number
from service.engine import registry, runtime, worklist
from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    AidType,
    AuditEvent,
    Dossier,
    DossierStatus,
    HumanTask,
    InstanceStatus,
    Person,
    ProcessInstance,
    Role,
    User,
)
from service.notifications import service as notifications
from service.people import service as people
from service.permissions import require_role

OPENING_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)
# Everyone who takes part in a dossier's life; the IT administrator does not read social files.
READING_ROLES = tuple(role for role in Role if role is not Role.ADMIN)
_AIDS = {AidType.SECOURS_URGENCE: secours_urgence}
_LOST_RACE = (
    "Un·e collègue a traité ce dossier en même temps que vous : rien n'a été enregistré. "
    "Rechargez la page pour voir où il en est."
)


class FormInvalidError(InvalidInputError):
    """The task form has errors; nothing was changed."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("Le formulaire contient des erreurs : corrigez les champs signalés.")
        self.errors = dict(errors)


def open_request(*, actor: User, person_id: int, aid_type: AidType, reason: str) -> Dossier:
    """Open a dossier for a person and start its process, in one transaction."""
    require_role(actor, *OPENING_ROLES)
    person = people.get(actor=actor, person_id=person_id)
    if not reason.strip():
        raise InvalidInputError("Indiquez l'objet de la demande.")
    now = clock.now()
    year = now.astimezone(ZoneInfo(current_settings().TIMEZONE)).year
    dossier = Dossier(
        centre_id=actor.centre_id,
        number=next_number(centre_id=actor.centre_id, year=year),
        aid_type=aid_type,
        status=DossierStatus.EN_INSTRUCTION,
        person=person,
        opened_by_id=actor.id,
        opened_at=now,
        reason=reason.strip(),
    )
    db.session.add(dossier)
    db.session.flush()
    advance = runtime.start(
        definition=registry.latest(aid_type.value),
        centre_id=actor.centre_id,
        dossier_id=dossier.id,
        data={"dossier_id": dossier.id, **_AIDS[aid_type].start_data(now)},
    )
    notifications.announce(advance.new_tasks)
    audit.record(
        action="dossier.ouverture", subject_type="dossier", subject_id=dossier.id, actor=actor,
        details={"numéro": dossier.number, "aide": aid_type.value},
    )  # fmt: skip
    db.session.commit()
    return dossier


class WorklistView(enum.StrEnum):
    MINE = "mes-taches"
    TEAM = "equipe"
    OVERDUE = "en-retard"


@dataclass(frozen=True)
class WorklistRow:
    task: HumanTask
    dossier: Dossier | None
    assignee_name: str | None
    overdue: bool


def worklist_rows(*, actor: User, view: WorklistView, aid_type: AidType | None = None) -> list[WorklistRow]:
    """Open tasks: assigned to me, or for my roles, or overdue for my roles."""
    now = clock.now()
    roles = [role.value for role in actor.roles]
    query: Select[tuple[HumanTask, Dossier, str]] = (
        select(HumanTask, Dossier, User.full_name)
        .outerjoin(Dossier, Dossier.id == HumanTask.dossier_id)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .where(HumanTask.completed_at.is_(None))
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)
    )
    if view is WorklistView.MINE:
        query = query.where(HumanTask.assignee_id == actor.id)
    else:
        query = query.where(HumanTask.role.in_(roles))
    if view is WorklistView.OVERDUE:
        query = query.where(HumanTask.due_at < now)
    if aid_type is not None:
        query = query.where(HumanTask.process_key == aid_type.value)
    return [
        WorklistRow(task, dossier, assignee, task.due_at is not None and task.due_at < now)
        for task, dossier, assignee in db.session.execute(query).all()
    ]


def get_task(*, actor: User, task_id: int) -> HumanTask:
    task = db.session.scalars(
        select(HumanTask)
        .options(joinedload(HumanTask.instance), joinedload(HumanTask.dossier))  # one statement for all three
        .where(HumanTask.id == task_id)
    ).one_or_none()
    if task is None:
        raise NotFoundError("Cette tâche n'existe pas dans votre centre.")
    if not actor.has_role(Role(task.role), Role.RESPONSABLE):  # heads of service supervise every lane
        worklist.check_can_work_on(task, actor)  # raises the French refusal
    return task


@dataclass(frozen=True)
class TaskPage:
    task: HumanTask
    dossier: Dossier | None
    schema: dict[str, Any]
    process_data: dict[str, Any]
    prefill: dict[str, str]


def task_page(*, actor: User, task_id: int) -> TaskPage:
    """What a task page shows: its form, its dossier and what the earlier steps decided."""
    task = get_task(actor=actor, task_id=task_id)
    dossier = task.dossier
    form = registry.task_form(task.instance.definition, task.form_key)
    data = runtime.task_data(task) if task.is_open else {}
    prefill = _AIDS[dossier.aid_type].prefill(task.task_name, dossier) if dossier else {}
    return TaskPage(task, dossier, form.schema, data, prefill)


def claim_task(*, actor: User, task_id: int) -> HumanTask:
    task = get_task(actor=actor, task_id=task_id)
    worklist.claim(task, actor)
    _record_task_event("tâche.prise", task, actor)
    return _commit(task)


def unclaim_task(*, actor: User, task_id: int) -> HumanTask:
    task = get_task(actor=actor, task_id=task_id)
    worklist.unclaim(task, actor)
    _record_task_event("tâche.rendue", task, actor)
    return _commit(task)


def reassign_task(*, actor: User, task_id: int, assignee_id: int) -> HumanTask:
    require_role(actor, Role.RESPONSABLE)
    task = get_task(actor=actor, task_id=task_id)
    assignee = db.session.get(User, assignee_id)
    if assignee is None:
        raise NotFoundError("Cet agent n'existe pas dans votre centre.")
    worklist.reassign(task, assignee, actor)
    _record_task_event("tâche.réattribuée", task, actor, {"à": assignee.full_name})
    return _commit(task)


def candidates_for(*, actor: User, task: HumanTask) -> Sequence[User]:
    """The agents a head of service may give a task to: holders of its role."""
    require_role(actor, Role.RESPONSABLE)
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)).all()
    return [user for user in users if user.has_role(Role(task.role))]


@dataclass(frozen=True)
class CompletedTask:
    title: str
    dossier_id: int | None


def complete_task(*, actor: User, task_id: int, form: Mapping[str, str]) -> CompletedTask:
    """Validate the form, apply it to the dossier, move the process: all saved together, or nothing."""
    with _lost_race_is_a_conflict():
        return _complete_task(actor, task_id, form)


def _complete_task(actor: User, task_id: int, form: Mapping[str, str]) -> CompletedTask:
    task = get_task(actor=actor, task_id=task_id)
    worklist.check_can_work_on(task, actor)
    values, errors = registry.task_form(task.instance.definition, task.form_key).read(form)
    if errors:
        raise FormInvalidError(errors)
    dossier = task.dossier
    data = dict(values)
    if dossier is not None:
        data = _AIDS[dossier.aid_type].HOOKS[task.task_name](dossier, values, actor)
    advance = runtime.complete(task=task, data=data, actor=actor)
    follow(advance)
    _record_task_event("tâche.terminée", task, actor, _summary(values))
    completed = CompletedTask(task.title, task.dossier_id)  # read before the commit expires the row
    db.session.commit()
    return completed


def follow(advance: runtime.Advance, *, directory: notifications.Directory | None = None) -> None:
    """What the service does after a process moved: announce new tasks, close a finished dossier."""
    notifications.announce(advance.new_tasks, directory=directory)
    instance = advance.instance
    if instance.status is not InstanceStatus.COMPLETED or instance.dossier_id is None:
        return
    dossier = db.session.get(Dossier, instance.dossier_id)
    if dossier is not None:
        dossier.closed_at = instance.completed_at
        if not dossier.decision:  # ended before any decision: the documents never came
            dossier.status = DossierStatus.CLASSE_SANS_SUITE


def _summary(values: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit keeps of a form: decisions and amounts, not free text about the person."""
    return {key: value for key, value in values.items() if not isinstance(value, str) or len(value) <= 40}


def _record_task_event(
    action: str, task: HumanTask, actor: User, details: dict[str, Any] | None = None
) -> None:
    audit.record(
        action=action,
        subject_type="dossier" if task.dossier_id else "instance",
        subject_id=task.dossier_id or task.instance_id,
        actor=actor,
        details={"tâche": task.title, **(details or {})},
    )


def _commit(task: HumanTask) -> HumanTask:
    with _lost_race_is_a_conflict():
        db.session.commit()
    return task


@contextmanager
def _lost_race_is_a_conflict() -> Iterator[None]:
    """Another transaction saved the instance first (its revision moved): undo everything, explain."""
    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise ConflictError(_LOST_RACE) from exc


@dataclass(frozen=True)
class DossierPage:
    dossier: Dossier
    open_tasks: Sequence[HumanTask]
    history: Sequence[AuditEvent]
    instance: ProcessInstance | None


def read_dossier(*, actor: User, dossier_id: int) -> DossierPage:
    """A dossier with its current steps and history; every read is audited."""
    require_role(actor, *READING_ROLES)
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFoundError("Ce dossier n'existe pas dans votre centre.")
    open_tasks = db.session.scalars(
        select(HumanTask)
        .where(HumanTask.dossier_id == dossier.id, HumanTask.completed_at.is_(None))
        .order_by(HumanTask.created_at)
    ).all()
    history = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.centre_id == actor.centre_id,
            AuditEvent.subject_type == "dossier",
            AuditEvent.subject_id == str(dossier.id),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    instance = db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)
    ).first()
    audit.record(action="dossier.consultation", subject_type="dossier", subject_id=dossier.id, actor=actor)
    db.session.commit()
    actions = [event for event in history if event.action != "dossier.consultation"]
    return DossierPage(dossier, open_tasks, actions, instance)


def dossiers_of(*, actor: User, person: Person) -> Sequence[Dossier]:
    require_role(actor, *READING_ROLES)
    return db.session.scalars(
        select(Dossier).where(Dossier.person_id == person.id).order_by(Dossier.opened_at.desc())
    ).all()
