"""The migrations build the schema on SQLite and PostgreSQL, and agree with the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine, inspect

from service.extensions import db
from tests.databases import fresh_database

TABLES = {"centre", "commune", "quartier", "app_user", "user_role", "login_attempt", "audit_event"}


def test_models_and_migrations_agree(app: Flask) -> None:
    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


def _entraide(database_url: str, instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ENTRAIDE_")}
    environ.update(ENTRAIDE_DATABASE_URL=database_url, ENTRAIDE_INSTANCE_PATH=str(instance))
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environ, timeout=300, check=False)


def test_db_upgrade_builds_an_empty_database_and_downgrade_removes_it(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        upgraded = _entraide(url, tmp_path, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            assert set(inspect(engine).get_table_names()) >= TABLES
            downgraded = _entraide(url, tmp_path, "db", "downgrade", "base")
            assert downgraded.returncode == 0, downgraded.stderr
            assert set(inspect(engine).get_table_names()) & TABLES == set()
        finally:
            engine.dispose()
