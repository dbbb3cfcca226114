"""The scheduler's job: remind each person of their appointment 48 hours before, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from service import clock
from service.appointments import messages
from service.extensions import db
from service.models import Appointment, AppointmentSlot, AppointmentStatus
from service.models.tenancy import ALL_CENTRES
from service.unit_of_work import use_case

REMINDER_BEFORE = timedelta(hours=48)
BATCH = 200


@use_case
def remind_due(*, limit: int = BATCH) -> int:
    """Mail the appointments starting within 48 hours and not yet reminded; each is marked, so never twice.

    A person without an address was handed or posted a convocation when booking; the day's agenda lists
    their phone number for a call.
    """
    now = clock.now()
    statement = (
        select(Appointment)
        .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
        .where(
            Appointment.status == AppointmentStatus.PREVU,
            Appointment.reminded_at.is_(None),
            AppointmentSlot.starts_at > now,
            AppointmentSlot.starts_at <= now + REMINDER_BEFORE,
        )
        .order_by(AppointmentSlot.starts_at, Appointment.id)
        .limit(limit)
        .execution_options(**{ALL_CENTRES: True})
    )
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=Appointment)
    reminded = 0
    for appointment in db.session.scalars(statement).unique():
        appointment.reminded_at = now
        if messages.mail(appointment, "rappel"):
            reminded += 1
    return reminded
