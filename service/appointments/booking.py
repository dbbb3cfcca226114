"""Book a free slot for a person, and record what became of the appointment.

A slot is booked once: the appointment holds it by a unique column, so of two agents booking it at the
same moment the second gets the house's 409, nothing saved. A person with an e-mail address is mailed the
appointment with its .ics; without one, a convocation is printed to hand over or post.
"""

from __future__ import annotations

from sqlalchemy import select

from service import clock
from service.access import service as access
from service.access.policy import Action
from service.appointments import messages, papers
from service.appointments.access import require_booker
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.extensions import db
from service.models import Appointment, AppointmentSlot, AppointmentStatus, User
from service.models.tenancy import get_in_centre
from service.unit_of_work import use_case

TAKEN = "Ce créneau vient d'être réservé par quelqu'un d'autre : choisissez-en un autre."
MAX_SUBJECT = 300


@use_case
def book(*, actor: User, person_id: int, slot_id: int, subject: str = "") -> Appointment:
    require_booker(actor)
    person = access.person(actor, person_id, needs=Action.OUVRIR).person
    slot = get_in_centre(db.session(), AppointmentSlot, slot_id, actor.centre_id)
    if slot is None:
        raise NotFoundError("Ce créneau n'existe pas dans votre centre.")
    if slot.starts_at <= clock.now():
        raise InvalidInputError("Ce créneau est passé : choisissez-en un autre.", field="slot_id")
    subject = subject.strip()
    if len(subject) > MAX_SUBJECT:
        raise InvalidInputError(f"L'objet tient en {MAX_SUBJECT} caractères.", field="subject")
    if is_held(slot.id):
        raise ConflictError(TAKEN)
    appointment = Appointment(
        centre_id=actor.centre_id,
        slot_id=slot.id,
        holding_slot_id=slot.id,
        person_id=person.id,
        subject=subject,
        status=AppointmentStatus.PREVU,
        booked_by_id=actor.id,
        booked_at=clock.now(),
    )
    db.session.add(appointment)
    db.session.flush()  # a colleague who booked the slot first: the unique column refuses it here (409)
    appointment.slot, appointment.person = slot, person
    mailed = messages.mail(appointment, "confirmation")
    if not mailed:
        appointment.convocation_id = papers.issue_convocation(appointment=appointment, author=actor).id
    audit.record(
        action=AuditAction.RDV_PRISE, subject_type="personne", subject_id=person.id, actor=actor,
        details={"rendez-vous": appointment.id, "le": slot.starts_at.isoformat(),
                 "agent": slot.agent.full_name, "prévenu·e": "courriel" if mailed else "convocation"},
    )  # fmt: skip
    return appointment


def is_held(slot_id: int) -> bool:
    """Whether an appointment holds the slot, as this transaction sees it (a colleague may be saving one)."""
    return db.session.scalar(select(Appointment.id).where(Appointment.holding_slot_id == slot_id)) is not None


@use_case
def record_outcome(*, actor: User, appointment_id: int, status: AppointmentStatus) -> Appointment:
    """Honoured, not honoured (no-show) once its time has come, or cancelled before (the slot is freed)."""
    require_booker(actor)
    appointment = get_in_centre(db.session(), Appointment, appointment_id, actor.centre_id)
    if appointment is None:
        raise NotFoundError("Ce rendez-vous n'existe pas dans votre centre.")
    access.person(actor, appointment.person_id, needs=Action.OUVRIR)
    if appointment.status is not AppointmentStatus.PREVU:
        raise ConflictError(
            f"Ce rendez-vous est déjà noté « {appointment.status.label.lower()} » : rechargez la page."
        )
    now = clock.now()
    if status is AppointmentStatus.PREVU:
        raise InvalidInputError("Choisissez ce qu'il est advenu du rendez-vous.", field="status")
    if status is AppointmentStatus.ANNULE:
        appointment.holding_slot_id = None
    elif appointment.slot.starts_at > now:
        raise InvalidInputError(
            "Le rendez-vous n'a pas encore eu lieu : seule son annulation peut être notée.", field="status"
        )
    appointment.status = status
    appointment.outcome_at = now
    appointment.outcome_by_id = actor.id
    if status is AppointmentStatus.ANNULE and appointment.slot.starts_at > now:
        messages.mail(appointment, "annulation")
    audit.record(
        action=AuditAction.RDV_SUITE, subject_type="personne", subject_id=appointment.person_id, actor=actor,
        details={"rendez-vous": appointment.id, "suite": status.value},
    )  # fmt: skip
    return appointment
