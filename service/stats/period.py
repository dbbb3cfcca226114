"""The period the figures cover: whole days in the centre's time zone, bounds included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from service.config import local_zone
from service.errors import InvalidInputError

MAX_DAYS = 3 * 366  # beyond three years a page of figures says little; the report is yearly


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInputError("La fin de la période précède son début.")
        if (self.end - self.start).days > MAX_DAYS:
            raise InvalidInputError("Choisissez une période de trois ans au plus.")

    @classmethod
    def past_twelve_months(cls, today: date) -> Period:
        """The twelve whole months before this one, and this one so far."""
        first = date(today.year - 1, today.month, 1)
        return cls(first, today)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=local_zone())

    @property
    def ends_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=local_zone())

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM."""
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def label(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"
