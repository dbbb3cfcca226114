"""Jinja filters that show instants and amounts the French way."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from service.config import current_settings


def init_app(app: Flask) -> None:
    app.add_template_filter(datetime_fr)
    app.add_template_filter(euros)


def datetime_fr(moment: datetime) -> str:
    """23/11/2026 à 14:05, in the centre's time zone."""
    local = moment.astimezone(ZoneInfo(current_settings().TIMEZONE))
    return local.strftime("%d/%m/%Y à %H:%M")


def euros(amount_cents: int) -> str:
    """1 234,50 € from integer cents, with a narrow no-break space between thousands."""
    sign = "-" if amount_cents < 0 else ""
    units, cents = divmod(abs(amount_cents), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{cents:02d}\u00a0€"
