"""Input checked at the edge, before any query: ids within the database's range, no control characters.

An id in a URL beyond what an integer column holds is a page that does not exist (404), on SQLite as on
PostgreSQL. Every submitted text loses its control characters (NUL, escapes, C1 codes), which PostgreSQL
refuses in text and no person types; tabs and line breaks stay.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, Map

from service.errors import InvalidInputError
from service.money import parse_euros

E = TypeVar("E", bound=enum.Enum)

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL's int4)
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    """The text without its control characters (tab, line feed and carriage return stay)."""
    return _CONTROL_CHARACTERS.sub("", value)


def is_id(value: str) -> bool:
    """Whether a submitted value is a row id the database can hold (a positive integer in range)."""
    value = value.strip()
    return value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID


def whole_number(
    raw: str, *, message: str = "Indiquez un nombre entier positif.", empty: int | None = None
) -> int:
    """A count or an id typed in a form: digits only, within what an integer column holds.

    An empty field gives `empty` when the form allows it; anything else refused raises InvalidInputError.
    """
    raw = raw.strip()
    if not raw and empty is not None:
        return empty
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_ID:
        raise InvalidInputError(message)
    return int(raw)


def ids(values: Iterable[str]) -> set[int]:
    """The row ids among submitted values; anything that cannot be an id is left out."""
    return {int(value) for value in values if is_id(value)}


def choice(enum_class: type[E], raw: str, message: str) -> E:
    """The member of a enumeration a form field names, or InvalidInputError with the form's own words."""
    try:
        return enum_class(raw)
    except ValueError as exc:
        raise InvalidInputError(message) from exc


def euros_field(raw: str) -> int | None:
    """An amount typed in euros, in cents; None when empty; InvalidInputError with the French example."""
    if not raw.strip():
        return None
    try:
        return parse_euros(raw)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: a positive integer that fits an INTEGER column, else the page does not exist."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _cleaned(values: MultiDict[str, Any]) -> ImmutableMultiDict[str, Any]:
    return ImmutableMultiDict(
        [
            (clean_text(key), clean_text(value) if isinstance(value, str) else value)
            for key, value in values.items(multi=True)
        ]
    )


class CleanRequest(Request):
    """A request whose query string and form fields carry no control characters."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])

    @property
    def args(self) -> ImmutableMultiDict[str, str]:
        cached = self.__dict__.get("_clean_args")
        if cached is None:
            cached = self.__dict__["_clean_args"] = _cleaned(super().args)
        return cached


def init_app(app: Flask) -> None:
    """Install the checks; before the blueprints, so that their routes use the bounded converter."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = CleanRequest
