"""iCalendar (RFC 5545) files, written by the `icalendar` package: a committee session sent with its
convocation, the workshops' calendar."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, vText, vUri
from icalendar import Event as VEvent

PRODID = "-//Entraide//Séances de la commission//FR"
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # TEXT allows no control character but HTAB


@dataclass(frozen=True)
class Event:
    """One VEVENT: a committee session, a workshop session."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    url: str
    sequence: int = 0
    cancelled: bool = False


def session_ics(*, stamp: datetime, **event: Any) -> str:
    """A calendar of one event, as a convocation carries it."""
    return calendar_ics([Event(**event)], stamp=stamp)


def calendar_ics(events: Sequence[Event], *, stamp: datetime, prodid: str = PRODID) -> str:
    """Events in a PUBLISH calendar; a change or a cancellation is published again with a higher sequence."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", prodid)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    stamped = _utc(stamp, "stamp")
    for event in events:
        start, end = _utc(event.starts_at, "starts_at"), _utc(event.ends_at, "ends_at")
        if end <= start:
            raise ValueError("an event ends after it starts")
        if event.sequence < 0:
            raise ValueError("the sequence is never negative")
        if re.search(r"[\x00-\x1f\x7f]", event.url):
            raise ValueError("a URL holds no control character")
        component = VEvent()
        component.add("uid", _text(event.uid))
        component.add("dtstamp", stamped)
        component.add("dtstart", start)
        component.add("dtend", end)
        component.add("summary", _text(event.summary))
        component.add("location", _text(event.location))
        component.add("description", _text(event.description))
        component.add("url", vUri(event.url))
        component.add("sequence", event.sequence)
        component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        calendar.add_component(component)
    ics: bytes = calendar.to_ical(sorted=False)
    return ics.decode("utf-8")


def _text(value: str) -> vText:
    return vText(_CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n")))


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, not a naive one")
    return moment.astimezone(UTC)
