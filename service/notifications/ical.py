"""iCalendar (RFC 5545) files: a committee session sent with its convocation, the workshops' calendar."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PRODID = "-//Entraide//Séances de la commission//FR"
_LINE_OCTETS = 75
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
    stamped = _utc(stamp, "stamp")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for event in events:
        start, end = _utc(event.starts_at, "starts_at"), _utc(event.ends_at, "ends_at")
        if event.ends_at <= event.starts_at:
            raise ValueError("an event ends after it starts")
        if event.sequence < 0:
            raise ValueError("the sequence is never negative")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{stamped}",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"LOCATION:{escape_text(event.location)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            f"URL:{_uri(event.url)}",
            f"SEQUENCE:{event.sequence}",
            f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, any line break written \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROLS.sub("", value)


def fold(line: str) -> str:
    """Fold a content line into physical lines of at most 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = _LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, _LINE_OCTETS - 1  # continuation lines start with a space
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _uri(value: str) -> str:
    # A URI is not a TEXT value: nothing is escaped, and a control character or line break is refused.
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise ValueError("a URL holds no control character")
    return value


def _utc(moment: datetime, name: str) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, not a naive one")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
