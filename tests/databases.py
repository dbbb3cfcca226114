"""Test databases: SQLite files by default, PostgreSQL when ENTRAIDE_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from service.config import normalise_database_url

POSTGRES_URL = os.environ.get("ENTRAIDE_TEST_DATABASE_URL", "")


def on_postgresql() -> bool:
    return bool(POSTGRES_URL)


def main_test_database(tmp_dir: Path) -> str:
    """The database the suite shares (each test inside a rolled-back transaction), emptied first."""
    if not on_postgresql():
        return f"sqlite:///{tmp_dir / 'entraide-tests.db'}"
    url = normalise_database_url(POSTGRES_URL, tmp_dir)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@contextmanager
def fresh_database(tmp_dir: Path) -> Iterator[str]:
    """A new, empty database for a test that commits for real (another process, another thread)."""
    if not on_postgresql():
        yield f"sqlite:///{tmp_dir / f'fresh-{uuid.uuid4().hex[:8]}.db'}"
        return
    server_url = make_url(normalise_database_url(POSTGRES_URL, tmp_dir))
    name = f"{server_url.database}_fresh_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
