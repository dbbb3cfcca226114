"""The iCalendar file of a committee session: escaped, folded on octets, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from service.notifications.ical import session_ics

PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _ics(**fields: object) -> str:
    values: dict[str, object] = {
        "uid": "seance-12@entraide.invalid",
        "starts_at": datetime(2026, 12, 3, 14, 0, tzinfo=PARIS),
        "ends_at": datetime(2026, 12, 3, 16, 30, tzinfo=PARIS),
        "summary": "Commission permanente",
        "location": "Salle du conseil",
        "description": "Ordre du jour joint.",
        "url": "https://entraide.invalid/commission/seances/12",
        "stamp": STAMP,
    }
    values.update(fields)
    return session_ics(**values)  # type: ignore[arg-type]


def _unfold(ics: str) -> list[str]:
    assert ics.endswith("\r\n")
    return ics.replace("\r\n ", "").removesuffix("\r\n").split("\r\n")


def _property(ics: str, name: str) -> str:
    [value] = [line.split(":", 1)[1] for line in _unfold(ics) if line.split(":", 1)[0] == name]
    return value


def test_calendar_has_one_confirmed_event_with_crlf_lines() -> None:
    ics = _ics()
    lines = _unfold(ics)
    assert lines[:6] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Entraide//Séances de la commission//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
    ]
    assert lines[-2:] == ["END:VEVENT", "END:VCALENDAR"]
    assert "\n" not in ics.replace("\r\n", "")  # no bare line feed
    assert _property(ics, "UID") == "seance-12@entraide.invalid"
    assert _property(ics, "DTSTAMP") == "20261123T080000Z"
    assert _property(ics, "URL") == "https://entraide.invalid/commission/seances/12"
    assert _property(ics, "SEQUENCE") == "0"
    assert _property(ics, "STATUS") == "CONFIRMED"


def test_paris_times_are_written_in_utc() -> None:
    winter = _ics()
    assert _property(winter, "DTSTART") == "20261203T130000Z"
    assert _property(winter, "DTEND") == "20261203T153000Z"
    summer = _ics(
        starts_at=datetime(2026, 7, 2, 9, 0, tzinfo=PARIS), ends_at=datetime(2026, 7, 2, 11, 0, tzinfo=PARIS)
    )
    assert _property(summer, "DTSTART") == "20260702T070000Z"
    assert _property(summer, "DTEND") == "20260702T090000Z"


def test_text_values_are_escaped() -> None:
    ics = _ics(
        summary="Commission; séance 12, extraordinaire",
        location="Mairie\\annexe, salle 2",
        description="Ordre du jour :\n1. Secours\r\n2. Prêts",
    )
    assert _property(ics, "SUMMARY") == "Commission\\; séance 12\\, extraordinaire"
    assert _property(ics, "LOCATION") == "Mairie\\\\annexe\\, salle 2"
    assert _property(ics, "DESCRIPTION") == "Ordre du jour :\\n1. Secours\\n2. Prêts"


def test_long_lines_are_folded_on_octets_without_splitting_a_character() -> None:
    description = "Examen des demandes d'aide à l'énergie, priorité aux ménages âgés — " * 6
    ics = _ics(description=description, summary="é" * 80)
    physical = ics.split("\r\n")
    assert max(len(line.encode("utf-8")) for line in physical) == 75
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)
    ics.encode("utf-8").decode("utf-8")  # each physical line is whole UTF-8 too
    for line in physical:
        line.encode("utf-8").decode("utf-8")
    assert _property(ics, "DESCRIPTION") == description.replace(",", "\\,")
    assert _property(ics, "SUMMARY") == "é" * 80


def test_a_cancelled_session_is_published_again_with_a_higher_sequence() -> None:
    ics = _ics(cancelled=True, sequence=2)
    assert _property(ics, "STATUS") == "CANCELLED"
    assert _property(ics, "SEQUENCE") == "2"
    assert _property(ics, "METHOD") == "PUBLISH"


@pytest.mark.parametrize("field", ["starts_at", "ends_at", "stamp"])
def test_a_naive_datetime_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match="naive"):
        _ics(**{field: datetime(2026, 12, 3, 14, 0)})


def test_a_session_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends after it starts"):
        _ics(ends_at=datetime(2026, 12, 3, 13, 0, tzinfo=PARIS))
