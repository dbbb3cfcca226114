"""Read a dossier as the policy lets the actor see it: the page holds only the parts granted, and every read
is traced with those parts in the one commit of the read, in a bounded number of statements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, bindparam, exists, select

from service import aids
from service.access import service as access
from service.access.policy import Action, Part, Relation, person_grant
from service.audit.actions import READS, AuditAction
from service.documents import batches, corrections
from service.dossiers import diagram
from service.engine.lookahead import NextStep, next_steps
from service.extensions import db
from service.models import (
    AuditEvent,
    Document,
    Dossier,
    HumanTask,
    PendingLetter,
    ProcessDefinition,
    ProcessInstance,
    User,
)
from service.unit_of_work import reading_use_case


@dataclass(frozen=True)
class Decision:
    amount_requested_cents: int | None
    decision: str  # "accord", "refus" or ""
    amount_granted_cents: int | None
    decided_at: datetime | None
    reasons: str


@dataclass(frozen=True)
class Payment:
    amount_granted_cents: int | None
    payment_mode: str
    amount_paid_cents: int | None
    reference: str
    paid_at: datetime | None


@dataclass(frozen=True)
class DossierSummary:
    """What a page shows of a dossier: its number and state always, each part only if granted (else None)."""

    id: int
    number: str
    aid_type: str  # the aid's key: its section of the page is aids/<key>/dossier.html
    aid_label: str
    status_label: str
    opened_at: datetime
    closed_at: datetime | None
    person_id: int | None  # set when the reader may open the person's file
    person_name: str | None
    contact: str | None
    reason: str | None
    situation: str | None
    decision: Decision | None
    payment: Payment | None


def summary_of(found: access.DossierAccess, actor: User) -> DossierSummary:
    """The dossier in the parts the actor's grant reads, nothing more."""
    dossier, grant = found.dossier, found.grant
    person = dossier.person
    contact = ", ".join(
        part
        for part in (
            " ".join(p for p in (person.address_line, person.postal_code, person.city) if p),
            person.phone,
            person.email,
        )
        if part
    )
    return DossierSummary(
        id=dossier.id,
        number=dossier.number,
        aid_type=dossier.aid_type,
        aid_label=dossier.aid_label,
        status_label=dossier.status.label,
        opened_at=dossier.opened_at,
        closed_at=dossier.closed_at,
        person_id=person.id if _may_open_person(actor, found.relations) else None,
        person_name=person.display_name if grant.reads(Part.IDENTITE) else None,
        contact=(contact or "—") if grant.reads(Part.COORDONNEES) else None,
        reason=dossier.reason if grant.reads(Part.SITUATION) else None,
        situation=dossier.situation if grant.reads(Part.SITUATION) else None,
        decision=Decision(
            dossier.amount_requested_cents,
            dossier.decision,
            dossier.amount_granted_cents,
            dossier.decided_at,
            dossier.decision_reason,
        )
        if grant.reads(Part.DECISION)
        else None,
        payment=Payment(
            dossier.amount_granted_cents,
            dossier.payment_mode,
            dossier.amount_paid_cents,
            dossier.payment_reference,
            dossier.paid_at,
        )
        if grant.reads(Part.PAIEMENT)
        else None,
    )


def _may_open_person(actor: User, relations: frozenset[Relation]) -> bool:
    """Following a dossier is following its person; heading the service reads every file."""
    person_relations = {Relation.AUCUNE} | (relations & {Relation.SUIT, Relation.DIRIGE})
    return person_grant(actor.roles, person_relations).reads(Part.IDENTITE)


@dataclass(frozen=True)
class StepAhead:
    """A step to do now, who holds it, and what the process may ask for after it."""

    task: HumanTask
    assignee: str | None  # the agent who took it; None: anyone holding its role
    then: Sequence[NextStep]


@dataclass(frozen=True)
class DossierPage:
    summary: DossierSummary
    grant: access.Grant
    open_tasks: Sequence[HumanTask]
    history: Sequence[HistoryLine]
    process: str | None
    documents: Sequence[Document]
    execution: Mapping[str, Any]  # what the aid became (its declaration's `execution`), for its section
    corrected_by: Mapping[int, Document] = field(default_factory=dict)  # a document → its rectificatif
    correctable: frozenset[int] = frozenset()  # the documents the reader may issue a rectificatif of
    unprinted: Sequence[batches.UnprintedLetter] = ()  # letters decided, not printed yet
    steps: Sequence[StepAhead] = ()  # the open steps, each with who does it and what follows
    awaiting: str | None = None  # the message the process waits for, when no one has a step to do
    stands: diagram.Standing | None = None  # where its process stands, in words

    def reads(self, part: Part) -> bool:
        return self.grant.reads(part)


def _has_unprinted() -> ColumnElement[bool]:
    """Whether a decided letter of the dossier waits to be printed (then, and only then, they are listed)."""
    return exists().where(and_(PendingLetter.dossier_id == Dossier.id, PendingLetter.document_id.is_(None)))


# The dossier page's process, read with the dossier (not its files: the page's viewer asks for the diagram).
_WITH_PROCESS = access.LoadedWith(
    columns=(
        ProcessDefinition.name,
        ProcessDefinition.version,
        _has_unprinted(),
        ProcessDefinition.id,
        ProcessInstance,
    ),
    outer_joins=(
        (ProcessInstance, ProcessInstance.dossier_id == Dossier.id),
        (ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id),
    ),
)


@reading_use_case
def read_dossier(*, actor: User, dossier_id: int) -> DossierPage:
    """A dossier in the parts the actor may read, with its current steps; the read is traced with its parts.

    Outside the actor's relations: refused, naming nobody. The history leaves the reads out in the query
    itself, so the page costs the same whatever the number of past views.
    """
    found = access.dossier(actor, dossier_id, loaded_with=_WITH_PROCESS)
    dossier, grant = found.dossier, found.grant
    process_name, process_version, has_unprinted, definition_id, instance = found.extra
    awaiting = instance.awaiting_message if instance is not None else None
    open_tasks = db.session.scalars(_OPEN_TASKS, {"dossier_id": dossier.id}).all()
    steps = _steps_ahead(open_tasks, definition_id)
    history = _history(actor, dossier) if grant.reads(Part.HISTORIQUE) else []
    issued: Sequence[Document] = []
    unprinted: list[batches.UnprintedLetter] = []
    if grant.reads(Part.DOCUMENTS):
        issued = _documents(dossier)
        unprinted = batches.unprinted_of(dossier) if has_unprinted else []
    execution = aids.get(dossier.aid_type).execution(dossier) if grant.reads(Part.PAIEMENT) else {}
    corrected_by = corrections.corrected_by(issued)
    may_correct = grant.may(Action.RECTIFIER) and actor.has_role(*corrections.CORRECTING_ROLES)
    access.record_read(
        actor=actor, action=AuditAction.DOSSIER_CONSULTATION, subject_type="dossier", subject_id=dossier.id,
        parts=grant.read,
    )  # fmt: skip
    return DossierPage(
        summary=summary_of(found, actor),
        grant=grant,
        open_tasks=open_tasks,
        history=history,
        process=f"{process_name}, version {process_version}" if process_name else None,
        documents=issued,
        execution=execution,
        corrected_by=corrected_by,
        correctable=frozenset(
            document.id
            for document in issued
            if may_correct and document.id not in corrected_by and corrections.may_be_corrected(document)
        ),
        unprinted=unprinted,
        steps=steps,
        awaiting=awaiting,
        stands=diagram.standing_of(instance),
    )


def _steps_ahead(open_tasks: Sequence[HumanTask], definition_id: int | None) -> list[StepAhead]:
    """Each open step with its holder and the steps after it, in two statements whatever their number."""
    if not open_tasks or definition_id is None:
        return []
    definition = db.session.get(ProcessDefinition, definition_id)
    assigned = {task.assignee_id for task in open_tasks if task.assignee_id is not None}
    names = (
        dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(assigned))).tuples().all())
        if assigned
        else {}
    )
    return [
        StepAhead(
            task=task,
            assignee=names.get(task.assignee_id) if task.assignee_id is not None else None,
            then=next_steps(definition, task.task_name) if definition is not None else [],
        )
        for task in open_tasks
    ]


class HistoryLine(NamedTuple):
    """One thing done on the dossier, as its history shows it."""

    at: datetime
    actor_name: str
    action: str
    details: dict[str, Any]


def _history(actor: User, dossier: Dossier) -> list[HistoryLine]:
    """What was done on the dossier, oldest first; the reads are the person's page's business."""
    rows = db.session.execute(_HISTORY, {"centre_id": actor.centre_id, "subject_id": str(dossier.id)})
    return [HistoryLine(*row) for row in rows]


def _documents(dossier: Dossier) -> Sequence[Document]:
    return db.session.scalars(_DOCUMENTS, {"subject_id": dossier.id, "centre_id": dossier.centre_id}).all()


# The page's other statements, built once and run with the dossier's values.
_OPEN_TASKS = (
    select(HumanTask)
    .where(HumanTask.dossier_id == bindparam("dossier_id"), HumanTask.completed_at.is_(None))
    .order_by(HumanTask.created_at)
)
_HISTORY = (
    select(AuditEvent.at, AuditEvent.actor_name, AuditEvent.action, AuditEvent.details)
    .where(
        AuditEvent.centre_id == bindparam("centre_id"),
        AuditEvent.subject_type == "dossier",
        AuditEvent.subject_id == bindparam("subject_id"),
        AuditEvent.action.not_in(sorted(READS)),
    )
    .order_by(AuditEvent.at, AuditEvent.id)
)
_DOCUMENTS = (
    select(Document)
    .where(
        Document.subject_type == "dossier",
        Document.subject_id == bindparam("subject_id"),
        Document.centre_id == bindparam("centre_id"),
    )
    .order_by(Document.created_at, Document.id)
)
