"""Cursor paging: an opaque cursor says where the next page starts; it is only ever given back to us."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from service.errors import InvalidInputError

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_BAD_CURSOR = "Ce curseur n'est pas reconnu : reprenez la liste depuis le début (sans « curseur »)."


def encode(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(_BAD_CURSOR, field="curseur") from exc
    if not isinstance(position, dict):
        raise InvalidInputError(_BAD_CURSOR, field="curseur")
    return position


def after_id(cursor: str | None) -> int:
    """The id a keyset cursor points after (0: from the start)."""
    position = decode(cursor)
    if position is None:
        return 0
    value = position.get("apres")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInputError(_BAD_CURSOR, field="curseur")
    return value


def page_of(
    items: Sequence[T], *, key: Callable[[T], int], cursor: str | None, limit: int
) -> tuple[list[T], str | None]:
    """One page of a list the use case returned in its own order, the cursor holding the last id shown.

    The list is bounded by its use case; the cursor stays valid while the list changes: the page resumes
    after the element it names, or at the same rank when that element has left the list (done, cancelled).
    """
    last = after_id(cursor)
    position = decode(cursor) or {}
    rank = position.get("rang", 0)
    if not isinstance(rank, int) or isinstance(rank, bool) or rank < 0:
        raise InvalidInputError(_BAD_CURSOR, field="curseur")
    start = 0
    if last:
        start = next(
            (index + 1 for index, item in enumerate(items) if key(item) == last), min(rank, len(items))
        )
    chosen = list(items[start : start + limit])
    more = start + limit < len(items)
    if not (more and chosen):
        return chosen, None
    return chosen, encode({"apres": key(chosen[-1]), "rang": start + len(chosen)})
