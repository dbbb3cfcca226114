"""Figures written the French way: thousands apart, a decimal comma, euros, days, percentages, "< 5", "s"."""

from __future__ import annotations

from service.money import euros
from service.stats.figures import Cell, Unit
from service.stats.masking import mark

_THIN = "\u202f"


def number(value: float, decimals: int = 0) -> str:
    """1234.5 → '1 234,5' (narrow no-break spaces between thousands)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", _THIN).replace(".", ",")


def value(amount: float | None, unit: Unit) -> str:
    """A cell's value as the page shows it."""
    if amount is None:
        return "—"
    if unit is Unit.CENTIMES:
        return euros(round(amount))
    if unit is Unit.JOURS:
        return f"{number(amount, 1)}\u00a0j"
    if unit is Unit.POURCENT:
        return f"{number(amount, 1)}\u00a0%"
    return number(amount)


def cell(content: Cell, unit: Unit) -> str:
    return mark(content) if content.masked else value(content.value, unit)
