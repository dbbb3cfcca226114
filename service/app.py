"""The application factory: settings, extensions, blueprints, in that order; nothing happens at import."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from service import aids, api, clock, commands, database, web
from service.committee import sessions as committee
from service.config import Settings, load_settings, resolve_instance_path
from service.dossiers import service as dossiers
from service.engine import timers
from service.errors import ConfigError
from service.extensions import csrf, db, login_manager, migrate
from service.liaisons import operations as liaisons
from service.models import tenancy
from service.orientation import orienting
from service.paths import MIGRATIONS_DIR, TEMPLATES_DIR
from service.workshops import holding as workshops
from service.workshops import operations


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask application; overrides take precedence over every other source of settings."""
    overrides = dict(overrides or {})
    instance_path = resolve_instance_path(overrides.pop("INSTANCE_PATH", None))
    settings = service_settings(instance_path, overrides=overrides)

    app = Flask(
        "service",
        instance_path=str(instance_path),
        template_folder=str(TEMPLATES_DIR),
    )
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(_flask_config(settings))
    app.extensions["entraide.settings"] = settings
    clock.install(app)

    tenancy.install()
    timers.install_clock()
    operations.register()  # the service tasks of the diagrams
    aids.register_operations()
    liaisons.register()  # the fiche de liaison's service tasks and process
    _register_processes()
    db.init_app(app)
    with app.app_context():
        database.tune_engine(db.engine)
    database.install_request_hooks(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    web.init_app(app)
    api.init_app(app)
    commands.init_app(app)
    return app


def service_settings(instance_path: Path, *, overrides: Mapping[str, Any] | None = None) -> Settings:
    """The settings, those the aids declare included; ConfigError with one French sentence otherwise."""
    settings = load_settings(instance_path, overrides=overrides, declared=aids.declared_settings())
    problem = aids.settings_problem(settings.extra)
    if problem:
        raise ConfigError(problem)
    return settings


def _register_processes() -> None:
    """What each process runs for (service.processes): dossiers, sittings, orientations."""
    dossiers.register_processes()
    committee.register_processes()
    workshops.register_processes()
    orienting.register_processes()


def _flask_config(settings: Settings) -> dict[str, Any]:
    return {
        "TESTING": settings.TESTING,
        "SECRET_KEY": settings.SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": settings.DATABASE_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_NAME": "entraide_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": settings.production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=settings.SESSION_LIFETIME_HOURS),
        "WTF_CSRF_TIME_LIMIT": settings.SESSION_LIFETIME_HOURS * 3600,
        # The forms speak French through WTForms' own translations (service.web.forms.Form), not Babel.
        "WTF_I18N_ENABLED": False,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    }
