"""Engine tuning per database kind, applied once the engine exists.

On SQLite (the embedded default) a transaction that will write begins with `BEGIN IMMEDIATE`: it takes the
write lock up front, so two writers queue (the busy timeout) instead of the later one failing with "database
is locked" when it upgrades a stale read snapshot. Every other transaction (a page that only reads) begins
deferred: with WAL it reads its snapshot while a writer holds the lock, and takes no lock itself. Which kind
begins is said by the unit of work (`writing()`), the only place that knows whether a use case writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, g, request
from sqlalchemy import Engine, event

BUSY_TIMEOUT_MS = 30000
DEFERRED = "entraide.deferred"  # connection.info: its transaction began deferred (it holds no write lock)

_writing: ContextVar[bool] = ContextVar("entraide_writing", default=False)


def tune_engine(engine: Engine) -> None:
    """Make SQLite behave: foreign keys, WAL, real SAVEPOINTs, a wait instead of "database is locked"."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _sqlite_on_connect):
        return
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)


@contextmanager
def writing() -> Iterator[None]:
    """The transactions begun inside this block will write: on SQLite they take the write lock up front."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def is_writing() -> bool:
    return _writing.get()


def install_request_hooks(app: Flask) -> None:
    """A request that submits (POST…) writes: on SQLite its first statement (loading the signed-in user)
    already takes the write lock, so its use case need not end a read to begin again. GET requests read."""
    if app.extensions.get("entraide.request_writes"):
        return
    app.extensions["entraide.request_writes"] = True

    @app.before_request
    def _submitting_writes() -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g.entraide_writing = _writing.set(True)

    @app.teardown_request
    def _done(_: BaseException | None) -> None:
        token = g.pop("entraide_writing", None)
        if token is not None:
            _writing.reset(token)


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT: let SQLAlchemy emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    if _writing.get():
        connection.info[DEFERRED] = False
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.info[DEFERRED] = True
        connection.exec_driver_sql("BEGIN")
