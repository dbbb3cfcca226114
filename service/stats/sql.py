"""The few expressions whose SQL differs between PostgreSQL and SQLite: a local month, a local day, a number
of days between two instants, a day one month later."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Float, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from service.config import current_settings
from service.extensions import db


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _zone() -> str:
    return str(current_settings().TIMEZONE)


def month_of(instant: Any) -> ColumnElement[str]:
    """YYYY-MM of an instant in the centre's time zone (SQLite stores UTC and has no zones: UTC there)."""
    if _postgresql():
        return func.to_char(func.timezone(_zone(), instant), "YYYY-MM")
    return func.strftime("%Y-%m", instant)


def local_day(instant: Any) -> ColumnElement[Any]:
    """The calendar day of an instant in the centre's time zone (UTC on SQLite)."""
    if _postgresql():
        return cast(func.timezone(_zone(), instant), Date)
    return func.date(instant)


def days_between(earlier: Any, later: Any) -> ColumnElement[float]:
    """Days, with their fraction, from one instant to another."""
    if _postgresql():
        return cast(func.extract("epoch", later - earlier) / 86400.0, Float)
    return cast(func.julianday(later) - func.julianday(earlier), Float)


def days_from_date(day: Any, instant: Any) -> ColumnElement[float]:
    """Whole days from a calendar day to the local day of an instant."""
    if _postgresql():
        return cast(local_day(instant) - day, Float)
    return cast(func.julianday(local_day(instant)) - func.julianday(day), Float)


def one_month_after(day: Any) -> ColumnElement[Any]:
    """The same day a month later (the legal aid's deadline to forward a file)."""
    if _postgresql():
        return cast(day + literal_column("INTERVAL '1 month'"), Date)
    return func.date(day, "+1 month")
