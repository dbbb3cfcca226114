"""Registrations: a seat while there is one, the waiting list after; a freed seat goes to the first waiting.

Seats are counted on the session row (seats_taken) and taken by a conditional update, `seats_taken <
capacity`: on PostgreSQL concurrent updates of one row queue behind each other and each re-reads the
condition, so the last seat goes to exactly one registration and the others are waitlisted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select, update

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    Referral,
    RegistrationStatus,
    User,
    WorkshopRegistration,
    WorkshopSession,
)
from service.models.tenancy import get_in_centre
from service.models.workshop import REGISTRABLE
from service.people import service as people
from service.unit_of_work import reading_use_case, use_case
from service.workshops import messages
from service.workshops.access import readable_session, require_registrar

ACTIVE = (RegistrationStatus.CONFIRMEE, RegistrationStatus.ATTENTE)


@use_case
def register(
    *, actor: User, session_id: int, person_id: int, referral: Referral, referral_detail: str = ""
) -> WorkshopRegistration:
    """Register a person: confirmed if a seat is left, else waitlisted; the person is told by mail."""
    require_registrar(actor)
    session = readable_session(actor, session_id)
    person = people.get(actor=actor, person_id=person_id)
    if session.status not in REGISTRABLE or session.starts_at <= clock.now():
        raise InvalidInputError("Les inscriptions à cette séance sont closes.")
    if referral is Referral.PARTENAIRE and not referral_detail.strip():
        raise InvalidInputError("Indiquez le partenaire qui oriente la personne.")
    registration = db.session.scalars(
        select(WorkshopRegistration).where(
            WorkshopRegistration.session_id == session.id, WorkshopRegistration.person_id == person.id
        )
    ).one_or_none()
    if registration is not None and registration.status in ACTIVE:
        raise InvalidInputError(
            f"{person.display_name} est déjà inscrit·e ({registration.status.label.lower()})."
        )
    seated = take_seat(session)
    if registration is None:  # a person who cancelled and comes back keeps the same row, at the back
        registration = WorkshopRegistration(centre_id=actor.centre_id, session_id=session.id, person=person)
        db.session.add(registration)
    registration.status = RegistrationStatus.CONFIRMEE if seated else RegistrationStatus.ATTENTE
    registration.referral = referral
    registration.referral_detail = referral_detail.strip()
    registration.registered_by_id = actor.id
    registration.registered_at = clock.now()
    registration.cancelled_at = registration.promoted_at = None
    db.session.flush()  # the same person registered by someone else at the same instant: the constraint tells
    messages.registered(session, registration)
    audit.record(
        action=AuditAction.ATELIER_INSCRIPTION, subject_type="atelier", subject_id=session.id, actor=actor,
        details={"personne": person.id, "statut": registration.status.value, "orientation": referral.value},
    )  # fmt: skip
    return registration


@dataclass(frozen=True)
class CancellationPreview:
    """What cancelling a registration would do: the seat it frees, and who would get it."""

    registration: WorkshopRegistration
    session: WorkshopSession
    successor: WorkshopRegistration | None  # the first person waiting, who would get the seat


@reading_use_case
def cancellation_preview(*, actor: User, registration_id: int) -> CancellationPreview:
    """What `cancel` would do, changing nothing: its confirmation page states it."""
    registration = _active_registration(actor, registration_id)
    session = readable_session(actor, registration.session_id)
    successor = None
    if registration.status is RegistrationStatus.CONFIRMEE and _promotes(session):
        successor = db.session.scalars(_waiting(session).limit(1)).first()
    return CancellationPreview(registration=registration, session=session, successor=successor)


def _active_registration(actor: User, registration_id: int) -> WorkshopRegistration:
    require_registrar(actor)
    registration = get_in_centre(db.session(), WorkshopRegistration, registration_id, actor.centre_id)
    if registration is None:
        raise NotFoundError("Cette inscription n'existe pas dans votre centre.")
    if registration.status not in ACTIVE:
        raise InvalidInputError("Cette inscription est déjà annulée.")
    return registration


def _promotes(session: WorkshopSession) -> bool:
    """A freed seat goes to the waiting list while registrations are open."""
    return session.status in REGISTRABLE and session.starts_at > clock.now()


def _waiting(session: WorkshopSession) -> Select[tuple[WorkshopRegistration]]:
    return (
        select(WorkshopRegistration)
        .where(
            WorkshopRegistration.session_id == session.id,
            WorkshopRegistration.status == RegistrationStatus.ATTENTE,
        )
        .order_by(WorkshopRegistration.registered_at, WorkshopRegistration.id)
    )


@use_case
def cancel(*, actor: User, registration_id: int) -> WorkshopRegistration | None:
    """Cancel a registration; a freed seat promotes the first person waiting, who is told by mail.

    Returns the promoted registration, if any.
    """
    registration = _active_registration(actor, registration_id)
    session = readable_session(actor, registration.session_id)
    was_seated = registration.status is RegistrationStatus.CONFIRMEE
    registration.status = RegistrationStatus.ANNULEE
    registration.cancelled_at = clock.now()
    promoted = None
    if was_seated:
        free_seat(session)
        if _promotes(session):
            promoted = promote_next(session)
    audit.record(
        action=AuditAction.ATELIER_DESINSCRIPTION, subject_type="atelier", subject_id=session.id, actor=actor,
        details={"personne": registration.person_id,
                 "promu": promoted.person_id if promoted is not None else None},
    )  # fmt: skip
    return promoted


def promote_next(session: WorkshopSession) -> WorkshopRegistration | None:
    """Give a free seat to the first person on the waiting list, in order of registration."""
    waiting = db.session.scalars(_waiting(session).limit(1).with_for_update()).first()
    if waiting is None or not take_seat(session):
        return None
    waiting.status = RegistrationStatus.CONFIRMEE
    waiting.promoted_at = clock.now()
    messages.promoted(session, waiting)
    audit.record(
        action=AuditAction.ATELIER_PROMOTION, subject_type="atelier", subject_id=session.id,
        centre_id=session.centre_id, details={"personne": waiting.person_id},
    )  # fmt: skip
    return waiting


def take_seat(session: WorkshopSession) -> bool:
    """One seat more if one is left, decided by the database row itself; False when it is full."""
    taken = db.session.execute(
        update(WorkshopSession)
        .where(
            WorkshopSession.id == session.id,
            WorkshopSession.centre_id == session.centre_id,
            WorkshopSession.seats_taken < WorkshopSession.capacity,
        )
        .values(seats_taken=WorkshopSession.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, ["seats_taken"])
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def free_seat(session: WorkshopSession) -> None:
    db.session.execute(
        update(WorkshopSession)
        .where(
            WorkshopSession.id == session.id,
            WorkshopSession.centre_id == session.centre_id,
            WorkshopSession.seats_taken > 0,
        )
        .values(seats_taken=WorkshopSession.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, ["seats_taken"])
