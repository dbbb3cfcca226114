"""The worklist read by key: one page of 50 open tasks sorted by due date, and the counts of every view.

A page costs the same whatever the backlog: it selects only the columns a row shows, walks the open tasks of
the centre in due-date order (the partial index `ix_human_task_worklist`) and stops after one row more than
the page (that row says there is a next page). Next and previous pages start from a cursor, the (due date,
id) of the last or first row shown, never from an offset. Tasks without a due date come last.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from service.config import local_zone
from service.extensions import db
from service.models import Dossier, HumanTask, Person, Quartier, User

PAGE_SIZE = 50
UNASSIGNED = 0  # the assignee filter for tasks nobody has taken


class Due(enum.StrEnum):
    OVERDUE = "en-retard"
    TODAY = "aujourdhui"
    WEEK = "cette-semaine"

    @property
    def label(self) -> str:
        return {"en-retard": "En retard", "aujourdhui": "Pour aujourd'hui", "cette-semaine": "Cette semaine"}[
            self.value
        ]


@dataclass(frozen=True)
class Filters:
    """What the URL narrows the list to; None is "any"."""

    aid: str | None = None
    step: str | None = None
    due: Due | None = None
    assignee_id: int | None = None  # UNASSIGNED: nobody's yet
    commune_id: int | None = None
    quartier_id: int | None = None


@dataclass(frozen=True)
class Cursor:
    """A row's place in the order: its due date (None last) and its id."""

    due_at: datetime | None
    id: int

    def encode(self) -> str:
        due = "-" if self.due_at is None else str(int(self.due_at.timestamp() * 1_000_000))
        return f"{due}.{self.id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """The cursor of a URL, or None when it is not one (the first page is shown)."""
        due, _, ident = text.partition(".")
        if not ident.isdigit() or len(ident) > 18 or (due != "-" and not due.lstrip("-").isdigit()):
            return None
        if due == "-":
            return cls(None, int(ident))
        try:
            at = datetime.fromtimestamp(int(due) / 1_000_000, tz=UTC)
        except (OverflowError, ValueError, OSError):
            return None
        return cls(at, int(ident))


@dataclass(frozen=True)
class Line:
    """One row of the list: only what it shows."""

    id: int
    title: str
    role: str
    process_key: str
    due_at: datetime | None
    assignee_id: int | None
    assignee_name: str | None
    dossier_id: int | None
    dossier_number: str | None
    aid_type: str | None
    person_last_name: str | None
    person_first_name: str | None

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.due_at, self.id)


@dataclass(frozen=True)
class Page:
    lines: Sequence[Line]
    next_cursor: Cursor | None
    previous_cursor: Cursor | None


@dataclass(frozen=True)
class Counts:
    mine: int = 0
    team: int = 0
    overdue: int = 0
    due_today: int = 0
    mine_overdue: int = 0
    mine_due_today: int = 0


@dataclass(frozen=True)
class Load:
    """One agent's share of the open tasks (None: nobody's yet)."""

    assignee_id: int | None
    name: str
    open: int
    overdue: int


@dataclass(frozen=True)
class Scope:
    """Whose tasks: the centre's, in these lanes (None: every lane, for a head of service)."""

    centre_id: int
    lanes: Collection[str] | None
    user_id: int
    now: datetime
    filters: Filters = field(default_factory=Filters)


def day_bounds(now: datetime) -> tuple[datetime, datetime, datetime]:
    """The start of today, of tomorrow and of next Monday, in the centre's time zone."""
    local = now.astimezone(local_zone())
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = (today + timedelta(days=1)).replace(tzinfo=local_zone())
    monday = (today + timedelta(days=7 - today.weekday())).replace(tzinfo=local_zone())
    return today, tomorrow, monday


def _open_in(scope: Scope) -> list[ColumnElement[bool]]:
    criteria = [HumanTask.centre_id == scope.centre_id, HumanTask.completed_at.is_(None)]
    if scope.lanes is not None:
        criteria.append(HumanTask.role.in_(sorted(scope.lanes)) if scope.lanes else false())
    return criteria


def _filtered(query: Select[Any], scope: Scope) -> Select[Any]:
    wanted = scope.filters
    if wanted.aid is not None:
        query = query.where(HumanTask.process_key == wanted.aid)
    if wanted.step is not None:
        query = query.where(HumanTask.task_name == wanted.step)
    if wanted.assignee_id is not None:
        query = query.where(
            HumanTask.assignee_id.is_(None)
            if wanted.assignee_id == UNASSIGNED
            else HumanTask.assignee_id == wanted.assignee_id
        )
    if wanted.due is not None:
        today, tomorrow, monday = day_bounds(scope.now)
        query = query.where(
            {
                Due.OVERDUE: HumanTask.due_at < scope.now,
                Due.TODAY: and_(HumanTask.due_at >= today, HumanTask.due_at < tomorrow),
                Due.WEEK: and_(HumanTask.due_at >= today, HumanTask.due_at < monday),
            }[wanted.due]
        )
    if wanted.quartier_id is not None or wanted.commune_id is not None:
        # Only then are the person's whereabouts joined: the usual page walks the tasks alone.
        place = select(Dossier.id).join(Person, Person.id == Dossier.person_id)
        if wanted.quartier_id is not None:
            place = place.where(Person.quartier_id == wanted.quartier_id)
        if wanted.commune_id is not None:
            place = place.join(Quartier, Quartier.id == Person.quartier_id).where(
                Quartier.commune_id == wanted.commune_id
            )
        query = query.where(HumanTask.dossier_id.in_(place.where(Dossier.centre_id == scope.centre_id)))
    return query


def _after(cursor: Cursor) -> ColumnElement[bool]:
    if cursor.due_at is None:
        return and_(HumanTask.due_at.is_(None), HumanTask.id > cursor.id)
    return or_(
        HumanTask.due_at > cursor.due_at,
        and_(HumanTask.due_at == cursor.due_at, HumanTask.id > cursor.id),
        HumanTask.due_at.is_(None),
    )


def _before(cursor: Cursor) -> ColumnElement[bool]:
    if cursor.due_at is None:
        return or_(HumanTask.due_at.is_not(None), HumanTask.id < cursor.id)
    return or_(
        HumanTask.due_at < cursor.due_at, and_(HumanTask.due_at == cursor.due_at, HumanTask.id < cursor.id)
    )


def page(
    scope: Scope,
    *,
    mine: bool,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of the open tasks in scope (mine: assigned to the user), after or before a cursor."""
    query = (
        select(
            HumanTask.id,
            HumanTask.title,
            HumanTask.role,
            HumanTask.process_key,
            HumanTask.due_at,
            HumanTask.assignee_id,
            User.full_name,
            HumanTask.dossier_id,
            Dossier.number,
            Dossier.aid_type,
            Person.last_name,
            Person.first_name,
        )
        .select_from(HumanTask)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .outerjoin(Dossier, Dossier.id == HumanTask.dossier_id)
        .outerjoin(Person, Person.id == Dossier.person_id)
        .where(*_open_in(scope))
    )
    if mine:
        query = query.where(HumanTask.assignee_id == scope.user_id)
    query = _filtered(query, scope)
    backwards = before if after is None else None
    if backwards is not None:
        query = query.where(_before(backwards)).order_by(
            HumanTask.due_at.desc().nulls_first(), HumanTask.id.desc()
        )
    else:
        if after is not None:
            query = query.where(_after(after))
        query = query.order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.id.asc())
    rows = db.session.execute(query.limit(size + 1)).all()
    more = len(rows) > size
    lines = [Line(*row) for row in rows[:size]]
    if backwards is not None:
        lines.reverse()
        return Page(lines, lines[-1].cursor if lines else before, lines[0].cursor if more and lines else None)
    return Page(
        lines,
        lines[-1].cursor if more and lines else None,
        lines[0].cursor if after is not None and lines else None,
    )


def counts(scope: Scope) -> Counts:
    """The number of open tasks in each view, in one statement."""
    today, tomorrow, _ = day_bounds(scope.now)
    overdue = HumanTask.due_at < scope.now
    due_today = and_(HumanTask.due_at >= today, HumanTask.due_at < tomorrow)
    mine = HumanTask.assignee_id == scope.user_id
    query = _filtered(
        select(
            func.count(),
            func.count().filter(overdue),
            func.count().filter(due_today),
            func.count().filter(mine),
            func.count().filter(and_(mine, overdue)),
            func.count().filter(and_(mine, due_today)),
        ).where(*_open_in(scope)),
        scope,
    )
    team, late, today_count, mine_count, mine_late, mine_today = db.session.execute(query).one()
    return Counts(mine_count, team, late, today_count, mine_late, mine_today)


def loads(scope: Scope) -> list[Load]:
    """The open tasks per agent (and nobody's), for a head of service: one statement."""
    overdue = HumanTask.due_at < scope.now
    query = _filtered(
        select(HumanTask.assignee_id, User.full_name, func.count(), func.count().filter(overdue))
        .select_from(HumanTask)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .where(*_open_in(scope))
        .group_by(HumanTask.assignee_id, User.full_name)
        .order_by(func.count().desc()),
        scope,
    )
    return [
        Load(assignee_id, name or "Personne (à prendre)", int(total), int(late))
        for assignee_id, name, total, late in db.session.execute(query).all()
    ]


def steps(scope: Scope) -> list[tuple[str, str]]:
    """The steps open tasks are at (name, title), for the step filter."""
    query = (
        select(HumanTask.task_name, func.min(HumanTask.title))
        .where(*_open_in(Scope(scope.centre_id, scope.lanes, scope.user_id, scope.now)))
        .group_by(HumanTask.task_name)
        .order_by(func.min(HumanTask.title))
    )
    return [(name, title) for name, title in db.session.execute(query).all()]
