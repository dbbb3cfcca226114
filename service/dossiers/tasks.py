"""Use cases of the worklist: list, claim, hand over and complete tasks; each owns its transaction."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from service import aids, clock, processes
from service.access import service as access
from service.access.policy import Action, Part
from service.aids import ceilings, pieces
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.documents import batches
from service.dossiers.reading import DossierSummary, summary_of
from service.engine import registry, runtime, worklist, worklist_query
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import Dossier, HumanTask, Person, Role, User
from service.models.dossier import aid_label
from service.people import service as people
from service.people.budget import BudgetSummary
from service.permissions import require_role
from service.unit_of_work import read_use_case, reading_use_case, use_case


class FormInvalidError(InvalidInputError):
    """The task form has errors; nothing was changed."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("Le formulaire contient des erreurs : corrigez les champs signalés.")
        self.errors = dict(errors)


# The worklist's filters and cursors, as the pages name them.
Due = worklist_query.Due
Filters = worklist_query.Filters
Cursor = worklist_query.Cursor
UNASSIGNED = worklist_query.UNASSIGNED


class WorklistView(enum.StrEnum):
    MINE = "mes-taches"
    TEAM = "equipe"
    OVERDUE = "en-retard"


@dataclass(frozen=True)
class WorklistRow:
    line: worklist_query.Line
    overdue: bool
    person_name: str | None = None  # shown to those the policy lets read the dossier's identity
    readable: bool = False  # the reader may open the dossier

    @property
    def aid_label(self) -> str:
        if self.line.aid_type is not None:
            return aid_label(self.line.aid_type)
        try:  # what the process runs for: a committee or workshop sitting, a fiche de liaison
            return processes.kind_of(self.line.process_key).label
        except LookupError:
            return self.line.process_key


@dataclass(frozen=True)
class WorklistPage:
    view: WorklistView
    rows: Sequence[WorklistRow]
    counts: worklist_query.Counts
    next_cursor: worklist_query.Cursor | None
    previous_cursor: worklist_query.Cursor | None
    loads: Sequence[worklist_query.Load]  # per agent, for a head of service
    every_lane: bool  # a head of service sees every lane


def worklist_scope(actor: User, filters: worklist_query.Filters | None = None) -> worklist_query.Scope:
    """The open tasks an agent sees: their roles' lanes; every lane for a head of service."""
    lanes = None if actor.has_role(Role.RESPONSABLE) else {role.value for role in actor.roles}
    return worklist_query.Scope(
        actor.centre_id, lanes, actor.id, clock.now(), filters or worklist_query.Filters()
    )


@read_use_case
def worklist_page(
    *,
    actor: User,
    view: WorklistView = WorklistView.TEAM,
    filters: worklist_query.Filters | None = None,
    after: worklist_query.Cursor | None = None,
    before: worklist_query.Cursor | None = None,
) -> WorklistPage:
    """One page (50 rows) of a view of the worklist, its counts per view, and the load per agent for a head
    of service: a fixed number of statements whatever the backlog."""
    scope = worklist_scope(actor, filters)
    if view is WorklistView.OVERDUE:
        scope = replace(scope, filters=replace(scope.filters, due=worklist_query.Due.OVERDUE))
    found = worklist_query.page(scope, mine=view is WorklistView.MINE, after=after, before=before)
    counts = worklist_query.counts(worklist_scope(actor, filters))
    grants = access.grants_of(actor, {line.dossier_id for line in found.lines if line.dossier_id is not None})
    rows = []
    for line in found.lines:
        grant = grants.get(line.dossier_id) if line.dossier_id is not None else None
        name = (
            f"{(line.person_last_name or '').upper()} {line.person_first_name or ''}".strip()
            if grant and grant.reads(Part.IDENTITE) and line.person_last_name is not None
            else None
        )
        overdue = line.due_at is not None and line.due_at < scope.now
        rows.append(WorklistRow(line, overdue, name, bool(grant)))
    every_lane = scope.lanes is None
    loads = worklist_query.loads(worklist_scope(actor, filters)) if every_lane else []
    return WorklistPage(view, rows, counts, found.next_cursor, found.previous_cursor, loads, every_lane)


def worklist_steps(*, actor: User) -> list[tuple[str, str]]:
    """The steps the actor's open tasks are at, for the step filter."""
    return worklist_query.steps(worklist_scope(actor))


_ACTIVE_AGENTS = select(User.id, User.full_name).where(User.active.is_(True)).order_by(User.full_name)


@dataclass(frozen=True)
class Assignee:
    id: int
    full_name: str


def worklist_assignees(*, actor: User) -> list[Assignee]:
    """The centre's active agents, for the assignee filter: what the list shows, not the accounts."""
    return [Assignee(user_id, name) for user_id, name in db.session.execute(_ACTIVE_AGENTS).all()]


@read_use_case
def worklist_counts(*, actor: User) -> worklist_query.Counts:
    """The counts of the actor's views (mine, team, overdue, due today): one statement."""
    return worklist_query.counts(worklist_scope(actor))


# A task comes with its instance, its dossier and the actor's relations to that dossier, in one statement,
# kept for the transaction it was read in: the use case that follows in that transaction finds them loaded,
# with nothing read twice; a later transaction (after a commit or a rollback) reads them again.
_LOADED_TASKS = "entraide.tasks.loaded"


@dataclass(frozen=True)
class _LoadedTask:
    actor_id: int
    task: HumanTask
    flags: tuple[object, ...]


def _load_task(actor: User, task_id: int) -> _LoadedTask | None:
    session = db.session()
    current = session.get_transaction()
    kept: tuple[object, dict[int, _LoadedTask]] | None = session.info.get(_LOADED_TASKS)
    loaded = kept[1] if kept is not None and current is not None and kept[0] is current else {}
    known = loaded.get(task_id)
    if known is not None and known.actor_id == actor.id:
        return known
    row = session.execute(
        _task_statement(access.flags_shape(actor)), {**access.flag_parameters(actor), "task_id": task_id}
    ).first()
    if row is None:
        return None
    found = _LoadedTask(actor.id, row[0], tuple(row[1:]))
    loaded[task_id] = found
    session.info[_LOADED_TASKS] = (session.get_transaction(), loaded)  # what an earlier one kept is dropped
    return found


@functools.cache
def _task_statement(roles_shape: tuple[bool, bool]) -> Select[Any]:
    """The task with its instance, dossier and person, and the flags of the actor's relations to it."""
    # The relations' subqueries read the dossier's tasks: the task read here must not correlate them.
    task = aliased(HumanTask)
    return (
        select(task, *access.flags_for(roles_shape))
        .outerjoin(Dossier, Dossier.id == task.dossier_id)  # a sitting's step has none
        .outerjoin(Person, Person.id == Dossier.person_id)
        .options(joinedload(task.instance), contains_eager(task.dossier).contains_eager(Dossier.person))
        .where(task.id == bindparam("task_id"))
    )


def task_in_centre(*, actor: User, task_id: int) -> HumanTask | None:
    """The task, if it is one of the actor's centre; who may work on it is checked by each use case."""
    found = _load_task(actor, task_id)
    return found.task if found is not None and found.task.centre_id == actor.centre_id else None


def get_task(*, actor: User, task_id: int, working: bool = False) -> HumanTask:
    """The task, for a holder of its lane's role (or a head of service) who may work on its dossier.

    `working`: the actor is about to claim, hand back or complete it: whether it is still open and not a
    colleague's is said first (409), before the dossier's policy is asked.
    """
    return _task_with_access(actor, task_id, working=working)[0]


def _task_with_access(
    actor: User, task_id: int, *, working: bool = False
) -> tuple[HumanTask, access.DossierAccess | None]:
    loaded = _load_task(actor, task_id)  # already loaded by the page in this transaction, if it asked
    if loaded is None or loaded.task.centre_id != actor.centre_id:
        raise NotFoundError("Cette tâche n'existe pas dans votre centre.")
    task = loaded.task
    if working or not actor.has_role(Role(task.role), Role.RESPONSABLE):  # heads of service see every lane
        worklist.check_can_work_on(task, actor)  # raises the French refusal
    # A dossier's step is worked on by those the policy lets work on the dossier (need to know): decided on
    # the relations read with the task.
    dossier = task.dossier
    found = (
        None if dossier is None else access.dossier_loaded(actor, dossier, loaded.flags, needs=Action.TRAITER)
    )
    return task, found


@dataclass(frozen=True)
class TaskPage:
    task: HumanTask
    dossier: DossierSummary | None
    schema: dict[str, Any]
    process_data: dict[str, Any]
    prefill: dict[str, str]
    ceiling: ceilings.CeilingUse | None = None
    unprinted: Sequence[batches.UnprintedLetter] = ()  # the decision letter, while it is being printed
    # The budget an evaluation's barème will run on, shown before it runs (None: not such a step).
    budget: BudgetShown | None = None
    # Fields the service has no choice to offer for (no cheque book in stock…): the form cannot be sent.
    nothing_to_choose: Mapping[str, aids.EmptyChoice] = field(default_factory=dict)


@dataclass(frozen=True)
class BudgetShown:
    """The household's budget as the barème will read it, and whether what it needs is entered."""

    summary: BudgetSummary
    entered: bool


# What a task page shows of its dossier, when the policy grants it.
_TASK_PAGE_PARTS = frozenset({Part.IDENTITE, Part.SITUATION, Part.DECISION, Part.BUDGET, Part.PAIEMENT})
# The barème's facts an earlier step computed from the household's budget.
_BUDGET_FACTS = ("motif_bareme", "eligible", "rav_jour_cents", "deja_accorde_annee_cents")


@reading_use_case
def task_page(*, actor: User, task_id: int) -> TaskPage:
    """What a task page shows: its form, its dossier in the parts granted, what the earlier steps decided;
    showing a dossier is a read of it, traced with its parts."""
    task, found = _task_with_access(actor, task_id)
    form = registry.task_form(task.instance.definition, task.form_key)
    data = runtime.task_data(task) if task.is_open else {}
    schema = form.schema
    if found is None:
        return TaskPage(task, None, schema, data, {})
    dossier, grant = found.dossier, found.grant
    if not grant.reads(Part.BUDGET):
        data = {key: value for key, value in data.items() if key not in _BUDGET_FACTS}
    aid = aids.get(dossier.aid_type)
    prefill = aid.prefill(task.task_name, dossier, data)
    schema = _with_choices(schema, aid.choices(task.task_name, dossier))
    unprinted = batches.unprinted_of(dossier) if grant.reads(Part.DOCUMENTS) else []
    ceiling = ceilings.use_of(dossier) if grant.reads(Part.DECISION) else None
    budget = None
    if pieces.BUDGET_DECLARED in schema.get("properties", {}) and grant.reads(Part.BUDGET):
        person = dossier.person
        budget = BudgetShown(people.budget(person), pieces.budget_entered(person))
    access.record_read(
        actor=actor, action=AuditAction.DOSSIER_CONSULTATION, subject_type="dossier", subject_id=dossier.id,
        parts=grant.read & _TASK_PAGE_PARTS, details={"tâche": task.title},
    )  # fmt: skip
    empty = aid.nothing_to_choose(task.task_name, dossier) if task.is_open else {}
    return TaskPage(task, summary_of(found, actor), schema, data, prefill, ceiling, unprinted, budget, empty)


def _with_choices(schema: dict[str, Any], choices: Mapping[str, Sequence[tuple[str, str]]]) -> dict[str, Any]:
    """The schema with the choices only the service knows (stock, directory) offered as a list."""
    if not choices:
        return schema
    properties = dict(schema["properties"])
    for name, options in choices.items():
        properties[name] = {**properties[name], "oneOf": [{"const": v, "title": t} for v, t in options]}
    return {**schema, "properties": properties}


@use_case
def claim_task(*, actor: User, task_id: int) -> HumanTask:
    task = get_task(actor=actor, task_id=task_id, working=True)
    worklist.claim(task, actor)
    _record_task_event(AuditAction.TACHE_PRISE, task, actor)
    return task


@use_case
def unclaim_task(*, actor: User, task_id: int) -> HumanTask:
    task = get_task(actor=actor, task_id=task_id, working=True)
    worklist.unclaim(task, actor)
    _record_task_event(AuditAction.TACHE_RENDUE, task, actor)
    return task


@use_case
def reassign_task(*, actor: User, task_id: int, assignee_id: int) -> HumanTask:
    require_role(actor, Role.RESPONSABLE)
    task = get_task(actor=actor, task_id=task_id)
    assignee = db.session.get(User, assignee_id)
    if assignee is None:
        raise NotFoundError("Cet agent n'existe pas dans votre centre.")
    worklist.reassign(task, assignee, actor)
    _record_task_event(AuditAction.TACHE_REATTRIBUEE, task, actor, {"à": assignee.full_name})
    return task


def candidates_for(*, actor: User, task: HumanTask) -> Sequence[User]:
    """The agents a head of service may give a task to: holders of its role."""
    require_role(actor, Role.RESPONSABLE)
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)).all()
    return [user for user in users if user.has_role(Role(task.role))]


@dataclass(frozen=True)
class CompletedTask:
    title: str
    dossier_id: int | None


@use_case
def complete_task(*, actor: User, task_id: int, form: Mapping[str, str]) -> CompletedTask:
    """Validate the form, apply it to the dossier, move the process: all saved together, or nothing."""
    task = get_task(actor=actor, task_id=task_id, working=True)
    dossier = task.dossier
    if dossier is not None:  # nothing to choose from (no cheque book in stock…): nothing can be done yet
        empty = aids.get(dossier.aid_type).nothing_to_choose(task.task_name, dossier)
        if empty:
            raise InvalidInputError(" ".join(choice.why for choice in empty.values()))
    values, errors = registry.task_form(task.instance.definition, task.form_key).read(form)
    if errors:
        raise FormInvalidError(errors)
    if dossier is None:
        processes.complete(task=task, data=dict(values), actor=actor)
    else:
        hook = aids.get(dossier.aid_type).hook(task.task_name)
        processes.complete(
            task=task, actor=actor, apply=lambda process: hook(dossier, values, actor, process)
        )
    _record_task_event(AuditAction.TACHE_TERMINEE, task, actor, _summary(values))
    return CompletedTask(task.title, task.dossier_id)  # read before the commit expires the row


def _summary(values: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit keeps of a form: decisions and amounts, not free text about the person."""
    return {key: value for key, value in values.items() if not isinstance(value, str) or len(value) <= 40}


def _record_task_event(
    action: AuditAction, task: HumanTask, actor: User, details: dict[str, Any] | None = None
) -> None:
    audit.record(
        action=action,
        subject_type="dossier" if task.dossier_id else "instance",
        subject_id=task.dossier_id or task.instance_id,
        actor=actor,
        details={"tâche": task.title, **(details or {})},
    )
