"""SQLite done right: WAL and a busy timeout; a read begins deferred and takes no lock, so it reads while a
writer holds the write lock; a use case that writes takes the lock when it begins (`BEGIN IMMEDIATE`), even
after the request began with a read."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from service import database
from service.errors import ConflictError
from service.extensions import db
from service.models import ProcessDefinition
from service.unit_of_work import read_use_case, use_case
from tests.conftest import migrated_app


@pytest.fixture
def sqlite_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Flask]]:
    """A SQLite file of its own that really commits, whatever database the rest of the suite runs on (this is
    the embedded default every newcomer gets); a short busy timeout, so a lock taken fails fast."""
    path = tmp_path / "locking.db"
    application = migrated_app(f"sqlite:///{path}", tmp_path / "instance")
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 200)
    with application.app_context():
        db.engine.dispose()  # connections made from now on get the short timeout
        yield str(path), application
        db.session.remove()
        db.engine.dispose()


database_module = database


@pytest.fixture
def writer(sqlite_app: tuple[str, Flask]) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding the write lock."""
    connection = sqlite3.connect(sqlite_app[0], isolation_level=None, timeout=0.2)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE centre SET name = name")
    yield connection
    connection.execute("ROLLBACK")
    connection.close()


@read_use_case
def _count_definitions() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ProcessDefinition)) or 0)


@use_case
def _rename_centres() -> None:
    db.session.execute(text("UPDATE centre SET name = name"))


def test_wal_and_busy_timeout(sqlite_app: tuple[str, Flask]) -> None:
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 200


def test_a_read_does_not_take_the_write_lock_another_connection_holds(writer: sqlite3.Connection) -> None:
    assert _count_definitions() >= 1  # a read use case
    db.session.remove()
    assert (
        db.session.scalar(select(func.count()).select_from(ProcessDefinition)) >= 1
    )  # a read outside any unit
    assert db.session.connection().info[database.DEFERRED] is True


def test_a_writing_use_case_takes_the_lock_when_it_begins(writer: sqlite3.Connection) -> None:
    with pytest.raises(ConflictError, match="occupée"):
        _rename_centres()  # BEGIN IMMEDIATE waits the busy timeout, then says the database is busy


def test_a_write_after_a_read_begins_again_with_the_lock(sqlite_app: tuple[str, Flask]) -> None:
    db.session.scalar(
        select(func.count()).select_from(ProcessDefinition)
    )  # the request's first read: deferred
    assert db.session.connection().info[database.DEFERRED] is True
    held: list[bool] = []

    @use_case
    def rename_and_look() -> None:
        db.session.execute(text("UPDATE centre SET name = name"))
        held.append(not db.session.connection().info[database.DEFERRED])
        other = sqlite3.connect(sqlite_app[0], isolation_level=None, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()

    rename_and_look()
    assert held == [True]
