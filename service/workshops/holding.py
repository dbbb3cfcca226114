"""The organiser's steps, done from the session page: maintain or cancel, attendance, evaluation."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from service import clock, processes
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.engine import worklist
from service.errors import InvalidInputError
from service.extensions import db
from service.models import (
    Document,
    HumanTask,
    ProcessInstance,
    RegistrationStatus,
    User,
    WorkshopSession,
    WorkshopStatus,
)
from service.unit_of_work import reading_use_case, use_case
from service.workshops import papers
from service.workshops.access import readable_session, require_organiser
from service.workshops.planning import PROCESS_KEY

CANCELLATION = "annulation_atelier"  # the message that interrupts everything before the session


def open_step(session: WorkshopSession) -> HumanTask | None:
    """The step of the session's process waiting for the organiser, if any."""
    return worklist.open_task(session.instance_id)


@use_case
def decide(*, actor: User, session_id: int, maintain: bool, reason: str = "") -> WorkshopSession:
    """Below the minimum three days before: hold the session anyway, or cancel it and tell everyone."""
    if not maintain:
        return cancel(actor=actor, session_id=session_id, reason=reason)
    session = _organised(actor, session_id)
    _complete(
        actor, session, "decider_maintien", {}, refusal="La séance n'attend pas de décision de maintien."
    )
    session.status = WorkshopStatus.CONFIRMEE
    audit.record(
        action=AuditAction.ATELIER_MAINTIEN, subject_type="atelier", subject_id=session.id, actor=actor
    )
    return session


@dataclass(frozen=True)
class CancellationPreview:
    """Who cancelling the session would reach: by mail, or to be called."""

    session: WorkshopSession
    by_mail: int
    to_call: list[str]  # the people registered without an e-mail address


@reading_use_case
def cancellation_preview(*, actor: User, session_id: int) -> CancellationPreview:
    """What `cancel` would do, changing nothing: its confirmation page states it."""
    session = _organised(actor, session_id)
    _cancellable(session)
    active = [
        r
        for r in session.registrations
        if r.status in (RegistrationStatus.CONFIRMEE, RegistrationStatus.ATTENTE)
    ]
    return CancellationPreview(
        session=session,
        by_mail=sum(1 for r in active if r.person.email),
        to_call=sorted(f"{r.person.first_name} {r.person.last_name}" for r in active if not r.person.email),
    )


def _cancellable(session: WorkshopSession) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, session.instance_id)
    if instance is None or instance.awaiting_message is None or CANCELLATION not in instance.awaiting_message:
        raise InvalidInputError("Une séance commencée, close ou déjà annulée ne peut plus être annulée.")
    return instance


@use_case
def cancel(*, actor: User, session_id: int, reason: str) -> WorkshopSession:
    """Cancel the session before it starts, whatever step it is at: everyone registered is told why."""
    session = _organised(actor, session_id)
    if not reason.strip():
        raise InvalidInputError("Indiquez le motif de l'annulation : il est écrit aux personnes inscrites.")
    instance = _cancellable(session)
    processes.deliver(instance, message=CANCELLATION, payload={"motif": reason.strip()})
    audit.record(
        action=AuditAction.ATELIER_ANNULATION_DECIDEE,
        subject_type="atelier", subject_id=session.id, actor=actor,
        details={"motif": reason.strip()},
    )  # fmt: skip
    return session


@use_case
def record_attendance(*, actor: User, session_id: int, present: Collection[int]) -> WorkshopSession:
    """Who came, among the confirmed registrations; correctable until the evaluation is entered."""
    session = _organised(actor, session_id)
    step = open_step(session)
    if step is None or step.task_name not in ("saisir_presences", "evaluer"):
        raise InvalidInputError(
            "Les présences se saisissent une fois la séance commencée, jusqu'à son évaluation."
        )
    confirmed = session.confirmed
    unknown = set(present) - {registration.id for registration in confirmed}
    if unknown:
        raise InvalidInputError("Une personne cochée n'est pas inscrite à cette séance : rechargez la page.")
    for registration in confirmed:
        registration.attended = registration.id in present
    session.attendance_recorded_at = clock.now()
    if step.task_name == "saisir_presences":
        _complete(actor, session, "saisir_presences", {"presents": len(present)}, refusal="")
        session.status = WorkshopStatus.TENUE
    audit.record(
        action=AuditAction.ATELIER_PRESENCES, subject_type="atelier", subject_id=session.id, actor=actor,
        details={"présents": len(present), "inscrits": len(confirmed)},
    )  # fmt: skip
    return session


@use_case
def record_evaluation(
    *, actor: User, session_id: int, answers: int, satisfied: int, notes: str
) -> WorkshopSession:
    """The satisfaction questionnaires collected at the end, and what came of the session; then it closes."""
    session = _organised(actor, session_id)
    _check_evaluation(session, answers=answers, satisfied=satisfied)
    session.evaluation_answers, session.evaluation_satisfied = answers, satisfied
    session.evaluation_notes = notes.strip()
    _complete(actor, session, "evaluer", {"questionnaires": answers, "satisfaits": satisfied},
              refusal="L'évaluation se saisit après les présences, une seule fois.")  # fmt: skip
    audit.record(
        action=AuditAction.ATELIER_EVALUATION, subject_type="atelier", subject_id=session.id, actor=actor,
        details={"questionnaires": answers, "satisfaits": satisfied},
    )  # fmt: skip
    return session


@reading_use_case
def evaluation_preview(*, actor: User, session_id: int, answers: int, satisfied: int) -> WorkshopSession:
    """Check what `record_evaluation` would record, changing nothing: its confirmation page states it."""
    session = _organised(actor, session_id)
    step = open_step(session)
    if step is None or step.task_name != "evaluer":
        raise InvalidInputError("L'évaluation se saisit après les présences, une seule fois.")
    _check_evaluation(session, answers=answers, satisfied=satisfied)
    return session


def _check_evaluation(session: WorkshopSession, *, answers: int, satisfied: int) -> None:
    present = sum(1 for registration in session.registrations if registration.attended)
    if not 0 <= answers <= present:
        raise InvalidInputError(f"Le nombre de questionnaires va de 0 au nombre de présents ({present}).")
    if not 0 <= satisfied <= answers:
        raise InvalidInputError(
            "Le nombre de personnes satisfaites ne peut dépasser celui des questionnaires."
        )


@use_case
def attendance_sheet(*, actor: User, session_id: int) -> Document:
    """Print the sheet the people present sign: every confirmed registration, and a few blank lines."""
    session = _organised(actor, session_id)
    if session.status is WorkshopStatus.ANNULEE:
        raise InvalidInputError("Cette séance est annulée : elle n'a pas de feuille de présence.")
    confirmed = session.confirmed
    sheet = papers.issue_attendance_sheet(session=session, author=actor, registrations=confirmed)
    return sheet


def _organised(actor: User, session_id: int) -> WorkshopSession:
    require_organiser(actor)
    return readable_session(actor, session_id)


def _complete(
    actor: User, session: WorkshopSession, name: str, data: dict[str, Any], *, refusal: str
) -> None:
    step = open_step(session)
    if step is None or step.task_name != name:
        raise InvalidInputError(refusal)
    processes.complete(task=step, actor=actor, data=data)


def _session_id_of(task: HumanTask) -> int | None:
    return db.session.scalar(
        select(WorkshopSession.id).where(WorkshopSession.instance_id == task.instance_id)
    )


SITTING = processes.SubjectKind(name="seance_atelier", label="Séance d'atelier", subject_of=_session_id_of)


def register_processes() -> None:
    """A workshop sitting's steps are done from its page."""
    processes.register(PROCESS_KEY, SITTING)
