"""The figures of the yearly activity report the préfecture asks of every domiciling organism: elections in
force at the end of the year, granted, refused (by reason) and ended during it, by link with the commune.
Each election is counted once in each column (a renewal is not a new grant)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from service import clock
from service.config import local_zone
from service.extensions import db
from service.models import CommuneLink, Domiciliation, EndReason, RefusalReason, Role, User
from service.permissions import require_role
from service.unit_of_work import use_case

FIGURES_ROLES = (Role.RESPONSABLE,)


@dataclass(frozen=True)
class Row:
    label: str
    in_force: int = 0
    granted: int = 0
    refused: int = 0
    ended: int = 0


@dataclass(frozen=True)
class Figures:
    year: int
    on: date  # the day the elections in force are counted (31 December, or today for this year)
    rows: list[Row]  # one per link with the commune
    total: Row
    refused_by_reason: list[tuple[str, int]]
    ended_by_reason: list[tuple[str, int]] = field(default_factory=list)


def count(elections: list[Domiciliation], year: int, today: date) -> Figures:
    """The year's figures from its elections (every one decided by its end and not ended before it)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    on = min(last, today)
    columns: dict[str, Counter[str]] = {
        name: Counter() for name in ("in_force", "granted", "refused", "ended")
    }
    refused: Counter[str] = Counter()
    ended: Counter[str] = Counter()
    for election in elections:
        decided = election.decided_on is not None and first <= election.decided_on <= last
        if election.in_force_on(on):
            columns["in_force"][election.link] += 1
        if decided and election.decision == "accord":
            columns["granted"][election.link] += 1
        if decided and election.decision == "refus":
            columns["refused"][election.link] += 1
            refused[election.refusal_reason] += 1
        if election.ended_on is not None and first <= election.ended_on <= last:
            columns["ended"][election.link] += 1
            ended[election.end_reason] += 1

    def row(label: str, link: str | None) -> Row:
        def of(name: str) -> int:
            return sum(columns[name].values()) if link is None else columns[name][link]

        return Row(label, of("in_force"), of("granted"), of("refused"), of("ended"))

    return Figures(
        year=year,
        on=on,
        rows=[row(link.label, link.value) for link in CommuneLink],
        total=row("Total", None),
        refused_by_reason=[(reason.label, refused[reason.value]) for reason in RefusalReason],
        ended_by_reason=[(reason.label, ended[reason.value]) for reason in EndReason],
    )


@use_case
def yearly(*, actor: User, year: int | None = None) -> Figures:
    """The year's figures for the actor's centre (no name: counts only)."""
    require_role(actor, *FIGURES_ROLES)
    today = clock.now().astimezone(local_zone()).date()
    year = year or today.year
    if not 2000 <= year <= today.year:
        year = today.year
    elections = db.session.scalars(
        select(Domiciliation).where(
            Domiciliation.decided_on.is_not(None),
            Domiciliation.decided_on <= date(year, 12, 31),
            or_(Domiciliation.ended_on.is_(None), Domiciliation.ended_on >= date(year, 1, 1)),
        )
    ).all()
    return count(list(elections), year, today)
