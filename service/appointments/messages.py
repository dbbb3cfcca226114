"""What the person is told of an appointment: by mail with its .ics when they have an address."""

from __future__ import annotations

from service import clock
from service.appointments import places
from service.extensions import db
from service.models import Appointment, AppointmentStatus, Centre
from service.notifications import ical, outbox
from service.notifications.service import public_url

PRODID = "-//Entraide//Rendez-vous//FR"


def event_of(appointment: Appointment, centre: Centre) -> ical.Event:
    slot = appointment.slot
    cancelled = appointment.status is AppointmentStatus.ANNULE
    return ical.Event(
        uid=f"rendez-vous-{appointment.id}@{centre.code}.entraide",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=f"Rendez-vous avec {slot.agent.full_name} — {centre.name}",
        location=places.label(slot),
        description=f"Rendez-vous avec {slot.agent.full_name}"
        + (f", {slot.agent.title}" if slot.agent.title else "")
        + f", au {centre.name}."
        + (f" Objet : {appointment.subject}" if appointment.subject else ""),
        url=public_url(""),
        sequence=1 if cancelled else 0,
        cancelled=cancelled,
    )


def mail(appointment: Appointment, event: str) -> bool:
    """Queue the mail (booked, reminder, cancelled) in the caller's transaction; False without an address."""
    person = appointment.person
    if not person.email.strip():
        return False
    centre = db.session.get(Centre, appointment.centre_id)
    assert centre is not None  # noqa: S101 - every appointment has its centre
    calendar = ical.calendar_ics([event_of(appointment, centre)], stamp=clock.now(), prodid=PRODID)
    outbox.queue(
        centre_id=appointment.centre_id,
        kind=f"rendez_vous_{event}",
        recipients=[person.email],
        template="rendez_vous",
        context={
            "event": event,
            "appointment": appointment,
            "slot": appointment.slot,
            "place": places.label(appointment.slot),
            "person": person,
            "centre": centre,
        },
        dedupe_key=f"rendez-vous-{appointment.id}-{event}",
        attachments=[
            {
                "filename": f"rendez-vous-{appointment.id}.ics",
                "content_type": "text/calendar; method=PUBLISH",
                "text": calendar,
            }
        ],
    )
    return True
