"""One unit of work: every use case commits, rolls back and translates database failures here, nowhere else.

A use case is a plain function decorated with `@use_case` (or a block inside `with transaction():`). The
outermost unit commits when its block ends and rolls back when it raises; a unit opened inside another joins
it, so a use case calling another one still makes one transaction. Failures the database reports become the
service's French errors: a lost race (another transaction saved the row first) is a ConflictError, a known
unique or check constraint an InvalidInputError on its field, a value the database refuses (too long, out
of range) an InvalidInputError. Nothing from the database reaches a user as a crash.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from service import database
from service.errors import ConflictError, EntraideError, InvalidInputError, UnavailableError
from service.extensions import db
from service.models.base import Base

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

_DEPTH = "entraide.unit_of_work.depth"

LOST_RACE = (
    "Un·e collègue a fait une modification en même temps que vous et l'a enregistrée d'abord : rien n'a été "
    "enregistré de votre côté. Rechargez la page pour voir où en sont les choses, puis recommencez si besoin."
)
_BUSY = (
    "La base de données est occupée par une autre opération : rien n'a été enregistré. "
    "Réessayez dans un instant."
)
_UNAVAILABLE = "La base de données ne répond pas : rien n'a été enregistré. Réessayez dans un instant."
_REFUSED_VALUE = (
    "Une des valeurs saisies n'est pas acceptée (texte trop long, nombre trop grand ou caractère interdit) : "
    "rien n'a été enregistré. Corrigez la saisie puis recommencez."
)
_DUPLICATE = (
    "Cet enregistrement existe déjà, ou vient d'être créé par quelqu'un d'autre : rien n'a été enregistré."
)
_MISSING_REFERENCE = (
    "La saisie désigne un élément qui n'existe pas ou plus : rien n'a été enregistré. Rechargez la page."
)
_INCOMPLETE = "Une information obligatoire manque : rien n'a été enregistré."
_RULE_BROKEN = "La saisie enfreint une règle du service : rien n'a été enregistré."

# PostgreSQL's SQLSTATEs of a transaction that lost to another one and may simply be tried again.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


@contextmanager
def transaction(
    *, lost_race: str = LOST_RACE, keep_loaded: bool = False, writes: bool = True
) -> Iterator[None]:
    """Commit when the outermost block ends, roll back when it raises; translate what the database says.

    `lost_race` is what the user reads when another transaction saved first (said by the outermost unit).
    `keep_loaded`: the commit leaves what the block loaded as it was read, instead of expiring it.
    `writes`: the block may write. On SQLite its transaction then takes the write lock when it begins
    (`BEGIN IMMEDIATE`); a block that only reads begins deferred and takes no lock.
    """
    session = db.session()
    depth: int = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        if depth == 0 and writes:
            _end_deferred_read(session)
        with database.writing() if writes else contextlib.nullcontext():
            yield
        if depth == 0:
            _commit(session, keep_loaded=keep_loaded)
    except BaseException as exc:
        if depth == 0:
            session.rollback()
        translated = translate(exc, lost_race=lost_race)
        if translated is None:
            raise
        raise translated from exc
    finally:
        session.info[_DEPTH] = depth


def _end_deferred_read(session: Session) -> None:
    """A writing unit must not upgrade the read snapshot the request began with (the signed-in user's):
    on SQLite that fails at once when another writer committed since. End the read; the unit's first
    statement begins again, taking the write lock. What was loaded is expired, to be read again under it."""
    if not session.in_transaction():
        return
    connection = session.connection()
    if connection.info.get(database.DEFERRED) and not connection.in_nested_transaction():
        session.commit()


def _commit(session: Session, *, keep_loaded: bool) -> None:
    if not keep_loaded:
        session.commit()
        return
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def use_case(function: Callable[P, R]) -> Callable[P, R]:
    """Run the function as one unit of work (joining the caller's, if it is itself inside one)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return function(*args, **kwargs)

    return run


def reading_use_case(function: Callable[P, R]) -> Callable[P, R]:
    """A use case that reads and appends its trace: one unit of work whose commit keeps what it read loaded.

    Only the trace is written, so nothing the read loaded changed: the page renders from it without
    reading every row again (which is what an expiring commit would make it do, one statement per row).
    """

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction(keep_loaded=True):
            return function(*args, **kwargs)

    return run


def read_use_case(function: Callable[P, R]) -> Callable[P, R]:
    """A use case that only reads: on SQLite its transaction begins deferred and never takes the write lock
    (with WAL, it reads while a writer holds it). Its end keeps what it read loaded for the page."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction(keep_loaded=True, writes=False):
            return function(*args, **kwargs)

    return run


def discard() -> None:
    """Forget whatever the session holds outside any unit: a failed job or request leaves nothing behind."""
    session = db.session()
    if not session.info.get(_DEPTH, 0):
        session.rollback()


def translate(exc: BaseException, *, lost_race: str = LOST_RACE) -> EntraideError | None:
    """The service's French error for a database failure; None for anything else (not ours to explain)."""
    if isinstance(exc, EntraideError):
        return None
    if isinstance(exc, StaleDataError):
        return ConflictError(lost_race)
    if isinstance(exc, IntegrityError):
        return _constraint_error(exc)
    if isinstance(exc, DataError):
        log.info("valeur refusée par la base : %s", _first_line(exc))
        return InvalidInputError(_REFUSED_VALUE)
    if isinstance(exc, OperationalError) and _is_transient(exc):
        return ConflictError(_BUSY)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        log.warning("base de données indisponible : %s", _first_line(exc))
        return UnavailableError(_UNAVAILABLE)
    return None  # a bug (a wrong statement): logged and shown as the French 500 page


@dataclass(frozen=True)
class _Constraint:
    name: str
    kind: str  # "unique" or "check"
    field: str | None
    message: str | None
    conflict: bool  # broken by a colleague's simultaneous change (409), not by the user's input (422)


def _constraint_error(exc: IntegrityError) -> EntraideError:
    known = _known_constraint(exc)
    text = _first_line(exc).lower()
    if known is not None and known.message:
        if known.conflict:
            return ConflictError(known.message)
        return InvalidInputError(known.message, field=known.field)
    if (known is not None and known.kind == "unique") or "unique" in text or "duplicate" in text:
        return ConflictError(_DUPLICATE)
    if "foreign key" in text:
        return InvalidInputError(_MISSING_REFERENCE)
    if "not null" in text or "not-null" in text:
        return InvalidInputError(_INCOMPLETE)
    log.warning("contrainte sans message : %s", _first_line(exc))
    return InvalidInputError(_RULE_BROKEN)


def _known_constraint(exc: IntegrityError) -> _Constraint | None:
    constraints = _constraints()
    name = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)  # PostgreSQL says its name
    if name:
        return constraints.get(name)
    # SQLite says "UNIQUE constraint failed: table.a, table.b" or "CHECK constraint failed: name".
    match = re.search(r"constraint failed: (.+)$", _first_line(exc))
    return constraints.get(match.group(1).strip()) if match else None


@functools.cache
def _constraints() -> dict[str, _Constraint]:
    """Every named unique and check constraint of the models, under its name and SQLite's way of naming it.

    A constraint explains itself where it is declared: `info={"field": ..., "message": ...}` for a rule of
    the input, `info={"conflict": True, "message": ...}` for a race with a colleague.
    """
    found: dict[str, _Constraint] = {}
    for table in Base.metadata.tables.values():
        items: list[tuple[Any, list[str]]] = [
            (c, [column.name for column in c.columns])
            for c in table.constraints
            if isinstance(c, UniqueConstraint | CheckConstraint)
        ]
        items += [(i, [column.name for column in i.columns]) for i in table.indexes if i.unique]
        for item, columns in items:
            if not isinstance(item.name, str):
                continue
            kind = "check" if isinstance(item, CheckConstraint) else "unique"
            info = item.info
            entry = _Constraint(
                item.name, kind, info.get("field"), info.get("message"), bool(info.get("conflict"))
            )
            found[item.name] = entry
            if kind == "unique":
                found[", ".join(f"{table.name}.{column}" for column in columns)] = entry
            else:
                # SQLite names a check by the name given in the model, before the naming convention.
                found[item.name.removeprefix(f"ck_{table.name}_")] = entry
    return found


def _is_transient(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _TRANSIENT_SQLSTATES:
        return True
    text = _first_line(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def _first_line(exc: BaseException) -> str:
    """The driver's own message, first line only (no statement, no parameters)."""
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    return lines[0] if lines else ""
