"""What the benchmarks share (they never import the tests): an application over a migrated database, the
bench's database setting, a signed-in test client, and PostgreSQL databases made and found by name."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
from flask import Flask
from sqlalchemy import URL, Engine, create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service import create_app, deployment
from service.config import normalise_database_url
from service.extensions import db

BENCH_URL = os.environ.get("ENTRAIDE_BENCH_DATABASE_URL", "")
# Cheap password hashing: the bench measures pages, not argon2.
FAST_HASHING = {"PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_KIB": 64}


def migrated_app(database_url: str, instance_path: Path, **overrides: Any) -> Flask:
    """An application over a database built by the migrations, with the diagrams deployed."""
    settings: dict[str, Any] = {
        "SECRET_KEY": "clé-du-banc",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": instance_path,
        "PDF_WORKERS": 1,
        **FAST_HASHING,
        **overrides,
    }
    app = create_app(settings)
    with app.app_context():
        flask_migrate.upgrade()
        deployment.deploy_folder(deployed_by="banc")
        db.session.commit()
    return app


def server_database(url: str, name: str, *, fresh: bool) -> tuple[str, bool]:
    """The URL of database `name` on the server of `url`; made if missing (or dropped first when `fresh`).
    Returns the URL and whether the database already existed."""
    server, admin = _server(url)
    with admin.connect() as connection:
        exists = bool(
            connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        )
        if exists and fresh:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = False
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False), exists


@contextmanager
def scratch_database(url: str, name: str) -> Iterator[str]:
    """A fresh database `name` on the server of `url`, dropped afterwards; yields its URL."""
    made, _ = server_database(url, name, fresh=True)
    try:
        yield made
    finally:
        drop_database(url, name)


def drop_database(url: str, name: str) -> None:
    """Drop database `name` of the server of `url`, if it is there."""
    _, admin = _server(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _server(url: str) -> tuple[URL, Engine]:
    """The server of `url`, and an engine on its maintenance database: the bench's own need not exist yet."""
    server = make_url(normalise_database_url(url, Path(".")))
    return server, create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")


def signed_in_client(app: Flask, username: str, password: str) -> tuple[Any, str]:
    """A test client signed in as the user, and a CSRF token for its forms."""
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/connexion", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    token = page.split(marker)[1].split('"')[0] if marker in page else token
    return client, token
