"""What a registered person is told by mail: registered or waitlisted, promoted, reminded, cancelled.

A person without an e-mail address is told another way: the session page lists them, and the reminder
prints a convocation to hand over or post.
"""

from __future__ import annotations

from collections.abc import Sequence

from service import clock
from service.extensions import db
from service.models import Centre, WorkshopRegistration, WorkshopSession
from service.notifications import ical, outbox
from service.notifications.service import public_url

PRODID = "-//Entraide//Ateliers collectifs//FR"


def registered(session: WorkshopSession, registration: WorkshopRegistration) -> bool:
    event = "inscription" if registration.status.value == "confirmee" else "attente"
    return _mail(session, registration, event)


def promoted(session: WorkshopSession, registration: WorkshopRegistration) -> bool:
    return _mail(session, registration, "promotion")


def reminded(session: WorkshopSession, registration: WorkshopRegistration) -> bool:
    return _mail(session, registration, "rappel")


def cancelled(session: WorkshopSession, registration: WorkshopRegistration, reason: str) -> bool:
    return _mail(session, registration, "annulation", reason=reason)


def event_of(session: WorkshopSession, centre: Centre) -> ical.Event:
    return ical.Event(
        uid=f"atelier-{session.id}@{centre.code}.entraide",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"Atelier {session.theme.name} — {centre.name}",
        location=session.place,
        description=f"Atelier collectif « {session.theme.name} », animé par {session.facilitators}.",
        url=public_url(f"/ateliers/seances/{session.id}"),
        sequence=1 if session.cancelled_at else 0,
        cancelled=session.cancelled_at is not None,
    )


def calendar_of(sessions: Sequence[WorkshopSession], centre: Centre) -> str:
    return ical.calendar_ics(
        [event_of(session, centre) for session in sessions], stamp=clock.now(), prodid=PRODID
    )


def _mail(
    session: WorkshopSession, registration: WorkshopRegistration, event: str, *, reason: str = ""
) -> bool:
    """Queue the mail in the caller's transaction; False when the person has no address."""
    person = registration.person
    if not person.email.strip():
        return False
    centre = db.session.get(Centre, session.centre_id)
    assert centre is not None  # noqa: S101 - every session has its centre
    attachments = []
    if event != "attente":
        attachments.append({
            "filename": f"atelier-{session.id}.ics",
            "content_type": "text/calendar; method=PUBLISH",
            "text": calendar_of([session], centre),
        })  # fmt: skip
    outbox.queue(
        centre_id=session.centre_id,
        kind=f"atelier_{event}",
        recipients=[person.email],
        template="atelier",
        context={"event": event, "session": session, "person": person, "centre": centre, "reason": reason},
        dedupe_key=f"atelier-{session.id}-{registration.id}-rappel" if event == "rappel" else None,
        attachments=attachments,
    )
    return True
