"""The iCalendar (RFC 5545) file of a committee session, sent with its convocation."""

from __future__ import annotations

import re
from datetime import UTC, datetime

PRODID = "-//Entraide//Séances de la commission//FR"
_LINE_OCTETS = 75
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # TEXT allows no control character but HTAB


def session_ics(
    *,
    uid: str,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    location: str,
    description: str,
    url: str,
    stamp: datetime,
    sequence: int = 0,
    cancelled: bool = False,
) -> str:
    """One VEVENT in a PUBLISH calendar; a change or a cancellation is sent again with a higher sequence."""
    start, end, stamped = _utc(starts_at, "starts_at"), _utc(ends_at, "ends_at"), _utc(stamp, "stamp")
    if ends_at <= starts_at:
        raise ValueError("a session ends after it starts")
    if sequence < 0:
        raise ValueError("the sequence is never negative")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{escape_text(uid)}",
        f"DTSTAMP:{stamped}",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{_uri(url)}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
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
