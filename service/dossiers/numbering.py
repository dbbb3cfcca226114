"""Dossier numbers per centre and year: 2026-000123, never given twice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.extensions import db
from service.models import DossierCounter


def next_number(*, centre_id: int, year: int) -> str:
    """Take the next number of the year; the counter row stays locked until the caller commits."""
    counter = _locked_counter(centre_id, year)
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(DossierCounter(centre_id=centre_id, year=year, last_value=0))
        except IntegrityError:
            pass  # another transaction created it first: lock theirs
        counter = _locked_counter(centre_id, year)
        assert counter is not None  # noqa: S101 - just created or found
    counter.last_value += 1
    return f"{year}-{counter.last_value:06d}"


def _locked_counter(centre_id: int, year: int) -> DossierCounter | None:
    return db.session.scalars(
        select(DossierCounter)
        .where(DossierCounter.centre_id == centre_id, DossierCounter.year == year)
        .with_for_update()
    ).one_or_none()
