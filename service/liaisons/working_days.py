"""Deadlines counted in working days: Monday to Friday, French public holidays excepted.

A deadline falls at the end of the working day (END_OF_DAY, local time). "Within two working days" counts
from the day after the request; "the same day" is the request's day when it is a working day and the request
came before its end, else the next working day.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta

import holidays

from service.config import local_zone

END_OF_DAY = time(18, 0)


@functools.cache
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=local_zone())


def deadline(received_at: datetime, *, working_days: int) -> datetime:
    """The end of the `working_days`-th working day after the day of receipt; 0: the same working day (the
    next one when received on a day off or after its end)."""
    local = received_at.astimezone(local_zone())
    day = local.date()
    if working_days == 0:
        if is_working_day(day) and local.timetz().replace(tzinfo=None) < END_OF_DAY:
            return end_of_day(day)
        return end_of_day(next_working_day(day))
    for _ in range(working_days):
        day = next_working_day(day)
    return end_of_day(day)
