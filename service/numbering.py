"""Numbers per centre, series and year: 2026-000123 for dossiers, DEC2026_014 for delegated decisions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.extensions import db
from service.models import Counter


def next_value(*, centre_id: int, series: str, year: int) -> int:
    """Take the next value of a series; the counter row stays locked until the caller commits."""
    counter = _locked(centre_id, series, year)
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(Counter(centre_id=centre_id, series=series, year=year, last_value=0))
        except IntegrityError:
            pass  # another transaction created it first: lock theirs
        counter = _locked(centre_id, series, year)
        assert counter is not None  # noqa: S101 - just created or found
    counter.last_value += 1
    return counter.last_value


def dossier_number(*, centre_id: int, year: int) -> str:
    return f"{year}-{next_value(centre_id=centre_id, series='dossier', year=year):06d}"


def decision_number(*, centre_id: int, year: int) -> str:
    """A decision taken under delegation, numbered per year (R123-22 CASF: reported to the board)."""
    return f"DEC{year}_{next_value(centre_id=centre_id, series='DEC', year=year):03d}"


def _locked(centre_id: int, series: str, year: int) -> Counter | None:
    return db.session.scalars(
        select(Counter)
        .where(Counter.centre_id == centre_id, Counter.series == series, Counter.year == year)
        .with_for_update()
    ).one_or_none()
