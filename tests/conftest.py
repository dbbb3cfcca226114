"""Fixtures: the application from its factory, one rolled-back transaction per test, a movable clock."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.test import TestResponse

from scenarios.factories import PASSWORD, delegate_power, make_centre
from service import clock, create_app, deployment
from service.accounts import service as accounts
from service.extensions import db
from service.models import Centre, Role, User
from tests.databases import fresh_database, main_test_database

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Paris
# Cheap argon2 parameters: the hashing itself is argon2-cffi's business, not ours.
FAST_HASHING = {"PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_KIB": 64}


def build_app(database_url: str, instance_path: Path, **overrides: Any) -> Flask:
    settings: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "clé-de-test",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": instance_path,
        # Letters print in the test's own process; tests that want the process pool say so.
        "PDF_WORKERS": 1,
        **FAST_HASHING,
    }
    settings.update(overrides)
    return create_app(settings)


def migrated_app(database_url: str, instance_path: Path, **overrides: Any) -> Flask:
    """An application over a database built by the migrations, with the diagrams deployed."""
    app = build_app(database_url, instance_path, **overrides)
    with app.app_context():
        flask_migrate.upgrade()
        deployment.deploy_folder(deployed_by="tests")
    return app


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The suite's database, built by the migrations (never by create_all)."""
    tmp_dir = tmp_path_factory.mktemp("database")
    url = main_test_database(tmp_dir)
    app = migrated_app(url, tmp_dir / "instance")
    with app.app_context():
        db.engine.dispose()
    return url


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """A database of its own that really commits, for tests of other processes (workers), with its app."""
    with fresh_database(tmp_path) as url:
        application = migrated_app(url, tmp_path / "instance")
        yield url, application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test module needs (an SMTP server, a delay); override this fixture in the module."""
    return {}


@pytest.fixture
def app(migrated_database: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Iterator[Flask]:
    """An application whose every commit lands in a savepoint of one transaction rolled back at the end."""
    application = build_app(migrated_database, tmp_path / "instance", **settings_overrides)
    clock.install(application, clock.TravellingClock(START))
    # Requests reuse the test's application context, and with it `g`, where Flask-Login caches the user and
    # Flask-WTF the CSRF token: empty it first, so each request starts from its own cookie, as in production.
    application.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    with application.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        shared_session = db.session
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = scoped_session(factory, scopefunc=shared_session.registry.scopefunc)  # type: ignore[attr-defined]
        try:
            yield application
        finally:
            db.session.remove()
            db.session = shared_session
            outer.rollback()
            connection.close()
            db.engine.dispose()


def _fresh_request_globals() -> None:
    for name in list(vars(g)):
        g.pop(name)


@pytest.fixture
def travel(app: Flask) -> clock.TravellingClock:
    """The application's clock, to move time forward."""
    travelling: clock.TravellingClock = app.extensions["entraide.clock"]
    return travelling


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def centre(app: Flask) -> Centre:
    return make_centre("ccas-test", "CCAS de Test-sur-Mer")


@pytest.fixture
def make_user(centre: Centre) -> Callable[..., User]:
    def _make(
        username: str, *roles: Role, centre_code: str = centre.code, delegation: bool = True, **fields: Any
    ) -> User:
        """A user; a `delegataire` is the president holding the board's usual delegation, unless told not."""
        user = accounts.create_user(
            centre_code=centre_code,
            username=username,
            full_name=fields.pop("full_name", username.title()),
            password=fields.pop("password", PASSWORD),
            roles=roles or (Role.INSTRUCTEUR,),
            **fields,
        )
        if delegation and Role.DELEGATAIRE in roles:
            delegate_power(user)
            db.session.commit()  # like the account itself: a test that discards its session keeps them
        return user

    return _make


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """Read the CSRF token a page embeds in its form, as a browser would."""
    match = _CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    token = csrf_token(client, "/connexion")
    return client.post("/connexion", data={"username": username, "password": password, "csrf_token": token})


def text_of(response: TestResponse) -> str:
    """The page as a reader sees its text: HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a skipped test fails the run: a skip must never hide a failure."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) skipped; every test must run in CI.", red=True)
