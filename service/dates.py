"""Dates written out as French letters and acts write them: « 1er décembre 2026 », « décembre 2026 »."""

from __future__ import annotations

from datetime import date

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip


def long_date(day: date) -> str:
    """23 novembre 2026; the first of a month is « 1er »."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def month_and_year(day: date) -> str:
    """novembre 2026."""
    return f"{MONTHS[day.month - 1]} {day.year}"
