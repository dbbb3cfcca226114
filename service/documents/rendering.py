"""Render a template of pdf/ to HTML, then to PDF/A with WeasyPrint; user text is escaped, fonts embedded."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from service import dates
from service.config import local_zone
from service.documents.printing import html_to_pdf
from service.models import Person
from service.money import euros
from service.paths import PDF_DIR


def date_long(moment: date | datetime) -> str:
    """23 novembre 2026, in the centre's time zone."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(local_zone()).date()
    return dates.long_date(moment)


_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def month_long(day: date) -> str:
    """novembre 2026."""
    return dates.month_and_year(day)


def weekday(moment: datetime) -> str:
    """lundi, in the centre's time zone."""
    return _WEEKDAYS[moment.astimezone(local_zone()).weekday()]


def time_of_day(moment: datetime) -> str:
    """14 h 05, in the centre's time zone, as letters write it."""
    local = moment.astimezone(local_zone())
    return f"{local.hour} h {local.minute:02d}"


def iso_long(text: str | None) -> str:
    """An ISO 8601 date or instant (as the JSON of an export holds them), written as a letter writes it."""
    if not text:
        return "—"
    if len(text) == 10:
        return date_long(date.fromisoformat(text))
    moment = datetime.fromisoformat(text).astimezone(local_zone())
    return f"{date_long(moment)} à {moment.hour} h {moment.minute:02d}"


def de(noun: str) -> str:
    """« de secours d'urgence », « d'aide sociale légale »: the preposition elided before a vowel, an h."""
    return f"d'{noun}" if noun[:1].lower() in _ELIDING else f"de {noun}"


_ELIDING = set("aeiouyhàâéèêëîïôùûü")


def salutation(person: Person) -> str:
    """How a letter addresses the person: by their civility when it is known."""
    return _SALUTATIONS.get(person.civility, "Madame, Monsieur")


_SALUTATIONS = {"madame": "Madame", "monsieur": "Monsieur"}


@functools.cache
def _environment(folder: Path | None = None) -> Environment:
    """Templates of pdf/templates, and those of a folder of their own (an aid's papers) when given."""
    shared = FileSystemLoader(PDF_DIR / "templates")
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(folder), shared]) if folder is not None else shared,
        autoescape=select_autoescape(default=True),  # a name or a reason typed by a user prints as text
        undefined=StrictUndefined,
    )
    environment.filters.update(date_long=date_long, euros=euros, iso_long=iso_long, de=de)
    return environment


def render_html(template: str, context: Mapping[str, Any], *, folder: Path | None = None) -> str:
    """The document as HTML: cheap enough to run inside a transaction, printed to PDF later.

    `folder` holds templates of their own (an aid's papers); they may extend pdf/templates/base.html.
    """
    return _environment(folder).get_template(template).render(**context)


def render_pdf(template: str, context: Mapping[str, Any], *, folder: Path | None = None) -> bytes:
    return html_to_pdf(render_html(template, context, folder=folder))
