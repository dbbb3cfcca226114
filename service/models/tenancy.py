"""Every business row belongs to a centre; a session bound to a centre reads and writes only its rows."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

_CENTRE_KEY = "centre_id"
_Scoped = TypeVar("_Scoped", bound="CentreScoped")
ALL_CENTRES = "all_centres"  # execution option for the rare cross-centre read (login, admin CLI)


class CentreScoped:
    """Mixin of every business table: the owning centre, indexed, never null."""

    @declared_attr
    def centre_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(ForeignKey("centre.id"), index=True)


class CrossCentreError(RuntimeError):
    """A write tried to reach another centre than the one the session is bound to."""


def bind_centre(session: Session, centre_id: int) -> None:
    """Scope every later query and insert of this session to one centre."""
    session.info[_CENTRE_KEY] = centre_id


def get_in_centre(session: Session, model: type[_Scoped], ident: int, centre_id: int) -> _Scoped | None:
    """session.get(), refused across centres even when the row is already in the identity map."""
    found = session.get(model, ident)
    return found if found is not None and found.centre_id == centre_id else None


def unbind_centre(session: Session) -> None:
    """Forget the centre: for anonymous requests and installation-wide operations."""
    session.info.pop(_CENTRE_KEY, None)


@contextmanager
def every_centre(session: Session) -> Iterator[None]:
    """Unscope the session for an installation-wide operation, then scope it back as it was."""
    bound = session.info.pop(_CENTRE_KEY, None)
    try:
        yield
    finally:
        if bound is not None:
            session.info[_CENTRE_KEY] = bound


def install() -> None:
    """Register the scoping listeners once per process."""
    if not event.contains(Session, "do_orm_execute", _scope_statement):
        event.listen(Session, "do_orm_execute", _scope_statement)
        event.listen(Session, "before_flush", _stamp_new_rows)


# A statement built once (at import, with bind parameters) is scoped once per centre: the scoped copy, kept
# while the statement lives, keeps its cache key, and SQLAlchemy does not walk it again at each execution.
_SCOPED: weakref.WeakKeyDictionary[Any, dict[int, Any]] = weakref.WeakKeyDictionary()


def _scope_statement(state: ORMExecuteState) -> None:
    centre_id = state.session.info.get(_CENTRE_KEY)
    if centre_id is None or state.execution_options.get(ALL_CENTRES, False):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria travel with the parent statement
    if state.is_select or state.is_update or state.is_delete:
        statement = state.statement
        by_centre = _SCOPED.setdefault(statement, {})
        scoped = by_centre.get(centre_id)
        if scoped is None:
            scoped = by_centre[centre_id] = _scoped(statement, centre_id)
        state.statement = scoped


def _scoped(statement: Any, centre_id: int) -> Any:
    return statement.options(
        with_loader_criteria(CentreScoped, lambda cls: cls.centre_id == centre_id, include_aliases=True)
    )


def _stamp_new_rows(session: Session, flush_context: Any, instances: Any) -> None:
    centre_id = session.info.get(_CENTRE_KEY)
    if centre_id is None:
        return
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, CentreScoped):
            continue
        owner: int | None = obj.centre_id  # None until stamped
        if owner is None:
            obj.centre_id = centre_id
        elif owner != centre_id:
            raise CrossCentreError(f"{type(obj).__name__} of centre {owner} written from {centre_id}")
