"""An appointment's paper: the convocation printed for a person without an e-mail address."""

from __future__ import annotations

from service import clock
from service.appointments import places
from service.documents import rendering
from service.documents import service as documents
from service.extensions import db
from service.models import Appointment, Centre, Document, User


def issue_convocation(*, appointment: Appointment, author: User) -> Document:
    slot = appointment.slot
    title = f"Convocation — rendez-vous du {rendering.date_long(slot.starts_at)}"
    context = {
        "title": title,
        "centre": db.session.get(Centre, appointment.centre_id),
        "person": appointment.person,
        "appointment": appointment,
        "slot": slot,
        "place": places.label(slot),
        "weekday": rendering.weekday(slot.starts_at),
        "start_time": rendering.time_of_day(slot.starts_at),
        "end_time": rendering.time_of_day(slot.ends_at),
        "issued_on": clock.now(),
        "salutation": rendering.salutation,
    }
    return documents.record(
        kind="convocation_rendez_vous",
        number="",
        title=title,
        appointment=appointment,
        author=author,
        content=rendering.render_pdf("convocation_rendez_vous.html", context),
        filename=f"convocation-rendez-vous-{appointment.id}.pdf",
    )
