"""Use cases of dossiers: open a request, read it, follow its process; each owns its transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from service import aids, clock, processes
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.documents import batches, corrections
from service.documents import service as documents
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    AuditEvent,
    Document,
    Dossier,
    DossierStatus,
    HumanTask,
    InstanceStatus,
    Person,
    ProcessInstance,
    Role,
    User,
)
from service.models.tenancy import get_in_centre
from service.numbering import dossier_number
from service.people import service as people
from service.permissions import require_role
from service.unit_of_work import use_case

OPENING_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)
# Everyone who takes part in a dossier's life; the IT administrator does not read social files.
READING_ROLES = tuple(role for role in Role if role is not Role.ADMIN)


@use_case
def open_request(*, actor: User, person_id: int, aid_type: str, reason: str) -> Dossier:
    """Open a dossier for a person and start its process, in one transaction."""
    require_role(actor, *OPENING_ROLES)
    if not aids.is_aid(aid_type):
        raise InvalidInputError("Choisissez une des aides proposées.")
    person = people.get(actor=actor, person_id=person_id)
    if not reason.strip():
        raise InvalidInputError("Indiquez l'objet de la demande.")
    now = clock.now()
    year = now.astimezone(local_zone()).year
    dossier = Dossier(
        centre_id=actor.centre_id,
        number=dossier_number(centre_id=actor.centre_id, year=year),
        aid_type=aid_type,
        status=DossierStatus.EN_INSTRUCTION,
        person=person,
        opened_by_id=actor.id,
        opened_at=now,
        reason=reason.strip(),
    )
    db.session.add(dossier)
    db.session.flush()
    processes.start(
        process_key=aid_type,
        centre_id=actor.centre_id,
        dossier_id=dossier.id,
        data={"dossier_id": dossier.id, **aids.get(aid_type).start_data(now)},
    )
    audit.record(
        action=AuditAction.DOSSIER_OUVERTURE, subject_type="dossier", subject_id=dossier.id, actor=actor,
        details={"numéro": dossier.number, "aide": aid_type},
    )  # fmt: skip
    return dossier


def _follow(advance: processes.Advance) -> None:
    """A dossier whose process ended closes: classed without follow-up if nothing was decided."""
    instance = advance.instance
    if instance.status is not InstanceStatus.COMPLETED or instance.dossier_id is None:
        return
    dossier = db.session.get(Dossier, instance.dossier_id)
    if dossier is not None:
        dossier.closed_at = instance.completed_at
        # Ended before any decision of the centre: the documents never came. A legal-aid file has no decision
        # of the centre (the authority decides) and closes once forwarded and the person informed.
        if not dossier.decision and dossier.status is not DossierStatus.CLOS:
            dossier.status = DossierStatus.CLASSE_SANS_SUITE


DOSSIER = processes.SubjectKind(
    name="dossier", label="Dossier", subject_of=lambda task: task.dossier_id, follow=_follow
)


def register_processes() -> None:
    """Every aid's process runs for a dossier, an aid declared after the start included."""
    processes.register_family(aids.is_aid, DOSSIER)


@dataclass(frozen=True)
class DossierPage:
    dossier: Dossier
    open_tasks: Sequence[HumanTask]
    history: Sequence[AuditEvent]
    instance: ProcessInstance | None
    documents: Sequence[Document]
    execution: Mapping[str, Any]  # what the aid became (its declaration's `execution`), for its section
    corrected_by: Mapping[int, Document] = field(default_factory=dict)  # a document → its rectificatif
    correctable: frozenset[int] = frozenset()  # the documents the reader may issue a rectificatif of
    unprinted: Sequence[batches.UnprintedLetter] = ()  # letters decided, not printed yet


@use_case
def read_dossier(*, actor: User, dossier_id: int) -> DossierPage:
    """A dossier with its current steps and history; every read is audited."""
    require_role(actor, *READING_ROLES)
    dossier = get_in_centre(db.session(), Dossier, dossier_id, actor.centre_id)
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
    audit.record(
        action=AuditAction.DOSSIER_CONSULTATION, subject_type="dossier", subject_id=dossier.id, actor=actor
    )
    actions = [event for event in history if event.action != AuditAction.DOSSIER_CONSULTATION]
    issued = documents.documents_of(actor=actor, dossier=dossier)
    corrected_by = corrections.corrected_by(issued)
    may_correct = actor.has_role(*corrections.CORRECTING_ROLES)
    return DossierPage(
        dossier,
        open_tasks,
        actions,
        instance,
        issued,
        aids.get(dossier.aid_type).execution(dossier),
        corrected_by=corrected_by,
        correctable=frozenset(
            document.id
            for document in issued
            if may_correct and document.id not in corrected_by and corrections.may_be_corrected(document)
        ),
        unprinted=batches.unprinted_of(dossier),
    )


def dossiers_of(*, actor: User, person: Person) -> Sequence[Dossier]:
    require_role(actor, *READING_ROLES)
    return db.session.scalars(
        select(Dossier).where(Dossier.person_id == person.id).order_by(Dossier.opened_at.desc())
    ).all()
