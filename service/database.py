"""Engine tuning per database kind, applied once the engine exists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def tune_engine(engine: Engine) -> None:
    """Make SQLite behave: foreign keys, WAL, real SAVEPOINTs, a wait instead of "database is locked"."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _sqlite_on_connect):
        return
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT: let SQLAlchemy emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: two writers queue instead of the later one failing
    # with "database is locked" when it upgrades a stale read snapshot. WAL readers are not blocked.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
