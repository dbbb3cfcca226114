"""The worklist read by key: one page of 50 open tasks sorted by due date, and the counts of every view.

A page costs the same whatever the backlog: it selects only the columns a row shows, walks the open tasks of
the centre in due-date order (the partial index `ix_human_task_worklist`) and stops after one row more than
the page (that row says there is a next page). Next and previous pages start from a cursor, the (due date,
id) of the last or first row shown, never from an offset. Tasks without a due date come last.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, false, func, or_, select

from service.config import local_zone
from service.extensions import db
from service.models import Dossier, HumanTask, Person, Quartier, User
from service.models.base import UtcDateTime

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
        digits = due.removeprefix("-")
        if not (ident.isascii() and ident.isdigit()) or len(ident) > 18:
            return None  # isdigit() alone takes « ² » and other digits int() refuses
        if due != "-" and not (digits.isascii() and digits.isdigit()):
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


@dataclass(frozen=True)
class _Shape:
    """What a statement's SQL depends on (its values are bind parameters): each shape is built once."""

    lanes: str  # "every", "none" or "some"
    aid: bool = False
    step: bool = False
    assignee: str = ""  # "", "nobody" or "one"
    due: Due | None = None
    quartier: bool = False
    commune: bool = False
    mine: bool = False
    direction: str = ""  # "", "after" or "before" a cursor
    cursor_dated: bool = True


def _shape(scope: Scope, **more: Any) -> _Shape:
    wanted = scope.filters
    return _Shape(
        lanes="every" if scope.lanes is None else ("some" if scope.lanes else "none"),
        aid=wanted.aid is not None,
        step=wanted.step is not None,
        assignee=""
        if wanted.assignee_id is None
        else ("nobody" if wanted.assignee_id == UNASSIGNED else "one"),
        due=wanted.due,
        quartier=wanted.quartier_id is not None,
        commune=wanted.commune_id is not None,
        **more,
    )


def _parameters(scope: Scope, cursor: Cursor | None = None) -> dict[str, Any]:
    wanted = scope.filters
    today, tomorrow, monday = day_bounds(scope.now)
    return {
        "centre_id": scope.centre_id,
        "lanes": sorted(scope.lanes or ()),
        "user_id": scope.user_id,
        "now": scope.now,
        "today": today,
        "tomorrow": tomorrow,
        "monday": monday,
        "aid": wanted.aid,
        "step": wanted.step,
        "assignee_id": wanted.assignee_id,
        "quartier_id": wanted.quartier_id,
        "commune_id": wanted.commune_id,
        "cursor_due": cursor.due_at if cursor is not None else None,
        "cursor_id": cursor.id if cursor is not None else None,
    }


def _open_in(shape: _Shape) -> list[ColumnElement[bool]]:
    criteria = [HumanTask.centre_id == bindparam("centre_id"), HumanTask.completed_at.is_(None)]
    if shape.lanes == "some":
        criteria.append(HumanTask.role.in_(bindparam("lanes", expanding=True)))
    elif shape.lanes == "none":
        criteria.append(false())
    return criteria


def _filtered(query: Select[Any], shape: _Shape) -> Select[Any]:
    if shape.aid:
        query = query.where(HumanTask.process_key == bindparam("aid"))
    if shape.step:
        query = query.where(HumanTask.task_name == bindparam("step"))
    if shape.assignee == "nobody":
        query = query.where(HumanTask.assignee_id.is_(None))
    elif shape.assignee == "one":
        query = query.where(HumanTask.assignee_id == bindparam("assignee_id"))
    if shape.due is not None:
        today = bindparam("today", type_=UtcDateTime())
        query = query.where(
            {
                Due.OVERDUE: HumanTask.due_at < bindparam("now", type_=UtcDateTime()),
                Due.TODAY: and_(
                    HumanTask.due_at >= today, HumanTask.due_at < bindparam("tomorrow", type_=UtcDateTime())
                ),
                Due.WEEK: and_(
                    HumanTask.due_at >= today, HumanTask.due_at < bindparam("monday", type_=UtcDateTime())
                ),
            }[shape.due]
        )
    if shape.quartier or shape.commune:
        # Only then are the person's whereabouts joined: the usual page walks the tasks alone.
        place = select(Dossier.id).join(Person, Person.id == Dossier.person_id)
        if shape.quartier:
            place = place.where(Person.quartier_id == bindparam("quartier_id"))
        if shape.commune:
            place = place.join(Quartier, Quartier.id == Person.quartier_id).where(
                Quartier.commune_id == bindparam("commune_id")
            )
        query = query.where(
            HumanTask.dossier_id.in_(place.where(Dossier.centre_id == bindparam("centre_id")))
        )
    return query


def _after(dated: bool) -> ColumnElement[bool]:
    cursor_id = bindparam("cursor_id", type_=Integer())
    if not dated:
        return and_(HumanTask.due_at.is_(None), HumanTask.id > cursor_id)
    due = bindparam("cursor_due", type_=UtcDateTime())
    return or_(
        HumanTask.due_at > due,
        and_(HumanTask.due_at == due, HumanTask.id > cursor_id),
        HumanTask.due_at.is_(None),
    )


def _before(dated: bool) -> ColumnElement[bool]:
    cursor_id = bindparam("cursor_id", type_=Integer())
    if not dated:
        return or_(HumanTask.due_at.is_not(None), HumanTask.id < cursor_id)
    due = bindparam("cursor_due", type_=UtcDateTime())
    return or_(HumanTask.due_at < due, and_(HumanTask.due_at == due, HumanTask.id < cursor_id))


def page(
    scope: Scope,
    *,
    mine: bool,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of the open tasks in scope (mine: assigned to the user), after or before a cursor."""
    backwards = before if after is None else None
    cursor = backwards if backwards is not None else after
    shape = _shape(
        scope,
        mine=mine,
        direction="before" if backwards is not None else ("after" if after is not None else ""),
        cursor_dated=cursor is None or cursor.due_at is not None,
    )
    rows = db.session.execute(_page_statement(shape), {**_parameters(scope, cursor), "size": size + 1}).all()
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


@functools.lru_cache(maxsize=256)
def _page_statement(shape: _Shape) -> Select[Any]:
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
        .where(*_open_in(shape))
    )
    if shape.mine:
        query = query.where(HumanTask.assignee_id == bindparam("user_id"))
    query = _filtered(query, shape)
    if shape.direction == "before":
        query = query.where(_before(shape.cursor_dated)).order_by(
            HumanTask.due_at.desc().nulls_first(), HumanTask.id.desc()
        )
    else:
        if shape.direction == "after":
            query = query.where(_after(shape.cursor_dated))
        query = query.order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.id.asc())
    return query.limit(bindparam("size", type_=Integer()))


def counts(scope: Scope) -> Counts:
    """The number of open tasks in each view, in one statement."""
    result = db.session.execute(_counts_statement(_shape(scope)), _parameters(scope)).one()
    team, late, today_count, mine_count, mine_late, mine_today = result
    return Counts(mine_count, team, late, today_count, mine_late, mine_today)


@functools.lru_cache(maxsize=256)
def _counts_statement(shape: _Shape) -> Select[Any]:
    now = bindparam("now", type_=UtcDateTime())
    overdue = HumanTask.due_at < now
    due_today = and_(
        HumanTask.due_at >= bindparam("today", type_=UtcDateTime()),
        HumanTask.due_at < bindparam("tomorrow", type_=UtcDateTime()),
    )
    mine = HumanTask.assignee_id == bindparam("user_id")
    return _filtered(
        select(
            func.count(),
            func.count().filter(overdue),
            func.count().filter(due_today),
            func.count().filter(mine),
            func.count().filter(and_(mine, overdue)),
            func.count().filter(and_(mine, due_today)),
        ).where(*_open_in(shape)),
        shape,
    )


def loads(scope: Scope) -> list[Load]:
    """The open tasks per agent (and nobody's), for a head of service: one statement."""
    return [
        Load(assignee_id, name or "Personne (à prendre)", int(total), int(late))
        for assignee_id, name, total, late in db.session.execute(
            _loads_statement(_shape(scope)), _parameters(scope)
        ).all()
    ]


@functools.lru_cache(maxsize=256)
def _loads_statement(shape: _Shape) -> Select[Any]:
    overdue = HumanTask.due_at < bindparam("now", type_=UtcDateTime())
    return _filtered(
        select(HumanTask.assignee_id, User.full_name, func.count(), func.count().filter(overdue))
        .select_from(HumanTask)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .where(*_open_in(shape))
        .group_by(HumanTask.assignee_id, User.full_name)
        .order_by(func.count().desc()),
        shape,
    )


def steps(scope: Scope) -> list[tuple[str, str]]:
    """The steps open tasks are at (name, title), for the step filter."""
    unfiltered = Scope(scope.centre_id, scope.lanes, scope.user_id, scope.now)
    rows = db.session.execute(_steps_statement(_shape(unfiltered)), _parameters(unfiltered)).all()
    return [(name, title) for name, title in rows]


@functools.lru_cache(maxsize=8)
def _steps_statement(shape: _Shape) -> Select[Any]:
    return (
        select(HumanTask.task_name, func.min(HumanTask.title))
        .where(*_open_in(shape))
        .group_by(HumanTask.task_name)
        .order_by(func.min(HumanTask.title))
    )
