"""What the appointment pages show: the free slots to book, the agent's slots, a place's day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from service import clock
from service.access import service as access
from service.access.policy import Action, Part
from service.appointments import places
from service.appointments.access import require_booker
from service.audit.actions import AuditAction
from service.config import local_zone
from service.errors import NotFoundError
from service.extensions import db
from service.models import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Commune,
    Person,
    Role,
    User,
    UserRole,
)
from service.models.tenancy import get_in_centre
from service.unit_of_work import read_use_case, reading_use_case

FREE_SLOTS_SHOWN = 200
FREE_SLOTS_DAYS = 60
SLOTS_SHOWN = 300


@dataclass(frozen=True)
class BookingPage:
    person: Person
    free: Sequence[AppointmentSlot]
    appointments: Sequence[Appointment]


@reading_use_case
def booking_page(*, actor: User, person_id: int) -> BookingPage:
    require_booker(actor)
    person = access.person(actor, person_id, needs=Action.OUVRIR).person
    now = clock.now()
    held = select(Appointment.holding_slot_id).where(Appointment.holding_slot_id.is_not(None))
    free = db.session.scalars(
        select(AppointmentSlot)
        .where(
            AppointmentSlot.centre_id == actor.centre_id,
            AppointmentSlot.starts_at > now,
            AppointmentSlot.starts_at <= now + timedelta(days=FREE_SLOTS_DAYS),
            AppointmentSlot.id.not_in(held),
        )
        .order_by(AppointmentSlot.starts_at, AppointmentSlot.id)
        .limit(FREE_SLOTS_SHOWN)
    ).all()
    access.record_read(
        actor=actor, action=AuditAction.PERSONNE_CONSULTATION, subject_type="personne", subject_id=person.id,
        parts=[Part.IDENTITE], details={"page": "rendez-vous"},
    )  # fmt: skip
    return BookingPage(person, free, of_person(person.id))


def of_person(person_id: int) -> Sequence[Appointment]:
    return db.session.scalars(
        select(Appointment)
        .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
        .where(Appointment.person_id == person_id)
        .order_by(AppointmentSlot.starts_at.desc())
        .limit(100)
    ).all()


@read_use_case
def appointment(*, actor: User, appointment_id: int) -> Appointment:
    """One appointment, for whoever may book for its person (what a confirmation page names)."""
    require_booker(actor)
    found = get_in_centre(db.session(), Appointment, appointment_id, actor.centre_id)
    if found is None:
        raise NotFoundError("Ce rendez-vous n'existe pas dans votre centre.")
    access.person(actor, found.person_id, needs=Action.OUVRIR)
    return found


@dataclass(frozen=True)
class SlotRow:
    slot: AppointmentSlot
    appointment: Appointment | None


@dataclass(frozen=True)
class SlotsPage:
    rows: Sequence[SlotRow]
    agents: Sequence[User]
    communes: Sequence[Commune]


@reading_use_case
def slots_page(*, actor: User) -> SlotsPage:
    """The centre's coming slots with who booked them; the agents and places a series may name."""
    require_booker(actor)
    today = datetime.combine(clock.now().astimezone(local_zone()).date(), time(), tzinfo=local_zone())
    rows = db.session.execute(
        select(AppointmentSlot, Appointment)
        .outerjoin(Appointment, Appointment.holding_slot_id == AppointmentSlot.id)
        .where(AppointmentSlot.centre_id == actor.centre_id, AppointmentSlot.starts_at >= today)
        .order_by(AppointmentSlot.starts_at, AppointmentSlot.id)
        .limit(SLOTS_SHOWN)
    ).all()
    agents = (
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.centre_id == actor.centre_id, User.active.is_(True), UserRole.role == Role.INSTRUCTEUR
            )
            .order_by(User.full_name)
        )
        .unique()
        .all()
    )
    communes = db.session.scalars(
        select(Commune).where(Commune.centre_id == actor.centre_id).order_by(Commune.name)
    ).all()
    _record_reads(actor, [appointment for _, appointment in rows if appointment is not None], "créneaux")
    return SlotsPage([SlotRow(slot, appointment) for slot, appointment in rows], agents, communes)


@dataclass(frozen=True)
class DayAgenda:
    day: date
    place: str
    place_label: str
    appointments: Sequence[Appointment]
    communes: Sequence[Commune]


@reading_use_case
def day_agenda(*, actor: User, day: date, place: str) -> DayAgenda:
    """A place's appointments of one day (centre or a town hall), cancelled ones left out, to print."""
    require_booker(actor)
    commune: Commune | None = None
    if place != places.CENTRE:
        commune = (
            get_in_centre(db.session(), Commune, int(place), actor.centre_id)
            if place.isascii() and place.isdigit() and len(place) < 10
            else None
        )
        if commune is None:
            raise NotFoundError("Ce lieu n'est pas un de ceux du centre.")
    start = datetime.combine(day, time(), tzinfo=local_zone())
    statement = (
        select(Appointment)
        .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
        .where(
            Appointment.centre_id == actor.centre_id,
            Appointment.status != AppointmentStatus.ANNULE,
            AppointmentSlot.starts_at >= start,
            AppointmentSlot.starts_at < start + timedelta(days=1),
            AppointmentSlot.commune_id == commune.id if commune else AppointmentSlot.commune_id.is_(None),
        )
        .order_by(AppointmentSlot.starts_at, Appointment.id)
    )
    appointments = db.session.scalars(statement).all()
    communes = db.session.scalars(
        select(Commune).where(Commune.centre_id == actor.centre_id).order_by(Commune.name)
    ).all()
    _record_reads(actor, appointments, "agenda du jour")
    label = places.town_hall(commune) if commune else "Au centre"
    return DayAgenda(day, place, label, appointments, communes)


def my_day(*, actor: User) -> Sequence[Appointment]:
    """The signed-in agent's appointments of today, for the home page; the read is traced only when it
    names someone (the home page of an agent with no appointment today writes nothing)."""
    appointments = _my_day(actor=actor)
    if appointments:
        _trace_my_day(actor=actor, appointments=appointments)
    return appointments


@read_use_case
def _my_day(*, actor: User) -> Sequence[Appointment]:
    if not actor.has_role(Role.INSTRUCTEUR):
        return []
    start = datetime.combine(clock.now().astimezone(local_zone()).date(), time(), tzinfo=local_zone())
    appointments = db.session.scalars(
        select(Appointment)
        .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
        .where(
            AppointmentSlot.agent_id == actor.id,
            Appointment.status != AppointmentStatus.ANNULE,
            AppointmentSlot.starts_at >= start,
            AppointmentSlot.starts_at < start + timedelta(days=1),
        )
        .order_by(AppointmentSlot.starts_at)
    ).all()
    return appointments


@reading_use_case
def _trace_my_day(*, actor: User, appointments: Sequence[Appointment]) -> None:
    _record_reads(actor, appointments, "mes rendez-vous du jour")


def _record_reads(actor: User, appointments: Sequence[Appointment], page: str) -> None:
    for person_id in sorted({appointment.person_id for appointment in appointments}):
        access.record_read(
            actor=actor, action=AuditAction.PERSONNE_CONSULTATION, subject_type="personne",
            subject_id=person_id, parts=[Part.IDENTITE, Part.COORDONNEES], details={"page": page},
        )  # fmt: skip
