"""A workshop session's papers: convocations on paper, and the attendance sheet."""

from __future__ import annotations

from collections.abc import Sequence

from service import clock
from service.documents import rendering
from service.documents import service as documents
from service.extensions import db
from service.models import Centre, Document, Person, User, WorkshopRegistration, WorkshopSession


def issue_workshop_convocations(*, session: WorkshopSession, people: Sequence[Person]) -> Document:
    """The reminder on paper for the people registered without an e-mail address, one page each."""
    title = f"Convocations — atelier {session.theme.name} du {rendering.date_long(session.starts_at)}"
    context = {
        **_workshop_context(session, title),
        "people": list(people),
        "salutation": rendering.salutation,
    }
    return documents.record(
        kind="convocation_atelier",
        number="",
        title=title,
        workshop=session,
        author=None,
        content=rendering.render_pdf("convocation_atelier.html", context),
        filename=f"convocations-atelier-{session.id}.pdf",
    )


def issue_attendance_sheet(
    *, session: WorkshopSession, author: User, registrations: Sequence[WorkshopRegistration]
) -> Document:
    """The sheet the people present sign, with blank lines for those who come without registering."""
    title = f"Feuille de présence — atelier {session.theme.name} du {rendering.date_long(session.starts_at)}"
    context = {
        **_workshop_context(session, title),
        "registrations": sorted(registrations, key=lambda r: (r.person.last_name, r.person.first_name)),
        "extra_lines": 3,
    }
    return documents.record(
        kind="feuille_presence",
        number="",
        title=title,
        workshop=session,
        author=author,
        content=rendering.render_pdf("feuille_presence.html", context),
        filename=f"feuille-presence-atelier-{session.id}.pdf",
    )


def _workshop_context(session: WorkshopSession, title: str) -> dict[str, object]:
    return {
        "title": title,
        "centre": db.session.get(Centre, session.centre_id),
        "session": session,
        "weekday": rendering.weekday(session.starts_at),
        "start_time": rendering.time_of_day(session.starts_at),
        "end_time": rendering.time_of_day(session.ends_at),
        "issued_on": clock.now(),
    }
