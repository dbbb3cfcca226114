"""The statements a block sends to the database, for tests that bound a page's or a job's cost by counting
them rather than by timing it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from service.extensions import db


@contextmanager
def counted() -> Iterator[list[str]]:
    """The statements the database is sent: reads and writes (the tests' savepoints aside)."""
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}:
            statements.append(statement.split("\n", 1)[0][:120])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
