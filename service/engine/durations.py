"""ISO 8601 durations of the diagrams ("PT48H", "P15D", "P2M"), added to an instant by the calendar."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_PATTERN = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@dataclass(frozen=True)
class Duration:
    months: int
    delta: timedelta

    def after(self, moment: datetime) -> datetime:
        """The instant this duration after moment; a month later than 31 January is the end of February."""
        if self.months:
            month_index = moment.month - 1 + self.months
            year, month = moment.year + month_index // 12, month_index % 12 + 1
            day = min(moment.day, calendar.monthrange(year, month)[1])
            moment = moment.replace(year=year, month=month, day=day)
        return moment + self.delta


def parse_duration(text: str) -> Duration:
    """Parse an ISO 8601 duration, or raise ValueError."""
    match = _PATTERN.match(text.strip())
    if not match or text.strip() in {"P", "PT"} or text.strip().endswith("T"):
        raise ValueError(f"durée ISO 8601 invalide : « {text} »")
    parts = {name: int(value or 0) for name, value in match.groupdict().items()}
    return Duration(
        months=parts["years"] * 12 + parts["months"],
        delta=timedelta(
            weeks=parts["weeks"],
            days=parts["days"],
            hours=parts["hours"],
            minutes=parts["minutes"],
            seconds=parts["seconds"],
        ),
    )
