"""Settings: defaults, then the instance folder's entraide.toml, then ENTRAIDE_* environment variables."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app

from service.errors import ConfigError
from service.paths import PROJECT_ROOT, WORKFLOWS_DIR

log = logging.getLogger(__name__)

ENV_PREFIX = "ENTRAIDE_"
# Variables read by the test suite and the benchmarks, never by the application.
_FOREIGN_ENV_PREFIXES = ("ENTRAIDE_TEST_", "ENTRAIDE_BENCH_")
SETTINGS_FILE = "entraide.toml"


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting of the service, typed; names match ENTRAIDE_<NAME> and the keys of entraide.toml."""

    ENV: str = "development"
    TESTING: bool = False
    SECRET_KEY: str = ""
    DATABASE_URL: str = ""
    TIMEZONE: str = "Europe/Paris"
    # Accounts
    SESSION_LIFETIME_HOURS: int = 10
    # A session unused this long ends: the next page asks to sign in again (a shared front-desk computer).
    SESSION_IDLE_MINUTES: int = 30
    # Reverse proxies in front of the service (0: none): how many X-Forwarded-For hops to trust.
    TRUSTED_PROXIES: int = 0
    LOGIN_MAX_FAILURES: int = 5
    # The API: calls one bearer token may make in a minute (a fixed window counted in the database).
    API_RATE_LIMIT_PER_MINUTE: int = 120
    LOGIN_MAX_FAILURES_PER_ADDRESS: int = 30
    LOGIN_LOCKOUT_MINUTES: int = 15
    PASSWORD_MIN_LENGTH: int = 12
    PASSWORD_HASH_TIME_COST: int = 3
    PASSWORD_HASH_MEMORY_KIB: int = 65536
    # Mail (delivered by the scheduler through the outbox; empty host keeps mail in the outbox)
    SMTP_HOST: str = ""
    SMTP_PORT: int = 587
    SMTP_STARTTLS: bool = True
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    MAIL_SENDER: str = "Entraide <ne-pas-repondre@entraide.invalid>"
    # Collective workshops: where sessions are held (the centre, neighbourhood town halls), ";" between.
    WORKSHOP_PLACES: str = (
        "Centre communal d'action sociale, salle collective;"
        "Mairie annexe des Grillons;Mairie annexe de la Gare"
    )
    # Days before a session: below its minimum the organiser decides; then the reminders go out.
    WORKSHOP_MINIMUM_CHECK_DAYS: int = 3
    WORKSHOP_REMINDER_DAYS: int = 2
    # Days after an orientation to a partner: the agent asks whether the person reached it.
    ORIENTATION_FOLLOW_UP_DAYS: int = 15
    # Silence vaut rejet (L231-4 CRPA): an undecided request is implicitly rejected two months after filing;
    # the instructing agent is warned this long after filing.
    SILENCE_ALERT_DELAY: str = "P6W"
    # Missing documents: remind the person this long after asking, then close this long after the reminder.
    PIECES_REMINDER_DELAY: str = "P15D"
    PIECES_CLOSURE_DELAY: str = "P30D"
    # The committee: members are convened at least this many clear days before a session (jours francs);
    # the quorum is this many members present, 0 meaning the majority of the members in office; the reasons
    # a refusal may give, separated by ";" (the facts of the case are always written too).
    COMMISSION_CONVOCATION_CLEAR_DAYS: int = 3
    COMMISSION_QUORUM: int = 0
    COMMISSION_REFUSAL_REASONS: str = (
        "Ressources supérieures au barème du règlement des aides facultatives;"
        "Plafond annuel d'aide du foyer atteint;"
        "Besoin couvert par un autre dispositif (droit commun, aide légale);"
        "Dossier incomplet malgré les relances;"
        "Demande hors du champ du règlement des aides facultatives"
    )
    # Scheduler: run inside `entraide run` (off: only `entraide worker` processes run the jobs).
    SCHEDULER_IN_PROCESS: bool = True
    WAKE_INTERVAL_SECONDS: int = 30
    WAKE_MAX_PER_RUN: int = 1000
    MAIL_INTERVAL_SECONDS: int = 60
    MAIL_MAX_ATTEMPTS: int = 8
    # A worker sending a message holds it this long; killed meanwhile, the message is tried again after.
    MAIL_CLAIM_LEASE_SECONDS: int = 300
    # Printed letters: a committee session's letters are printed in the background by this many processes
    # (1: in the scheduler's own process), the job looking for batches to print this often.
    PDF_WORKERS: int = dataclasses.field(default_factory=lambda: os.cpu_count() or 2)
    LETTER_BATCH_INTERVAL_SECONDS: int = 5
    # Imports of people: the job looking for files to analyse or write runs this often.
    IMPORT_INTERVAL_SECONDS: int = 3
    # Where people reach the service: links in mail point there.
    PUBLIC_URL: str = "http://127.0.0.1:5000"
    # Diagram expressions (conditions, scripts, timers, DMN entries) run in a sandbox: each evaluation has
    # this much CPU time and memory, in one of this many worker processes per serving process.
    SANDBOX_CPU_MS: int = 1000
    SANDBOX_MEMORY_MIB: int = 256
    SANDBOX_WORKERS: int = 2
    # Deployment: the folder deployed at start (empty: workflows/ in the checkout), and the largest file
    # (diagram, barème, form) it accepts.
    WORKFLOWS_PATH: str = ""
    WORKFLOW_FILE_MAX_KIB: int = 1024
    # Retention (CNIL référentiel on social action): a person's file stays active this many years after their
    # last contact, then is pseudonymised; an issued document is destroyed this many years after its issue
    # (the centre's archival period, to set with its archivist: accounting proofs are kept ten years).
    # Rights check: the OpenFisca Web API (its own service, `make run` starts one on this port; empty: no
    # estimates), how long one calculation may take, how often the job looks for estimates to make, how long a
    # worker holds one, and how many tries (1, 2, 4… minutes apart: OpenFisca takes minutes to start) before
    # the page says the estimate is unavailable.
    OPENFISCA_URL: str = "http://127.0.0.1:5011"
    OPENFISCA_TIMEOUT_SECONDS: int = 120
    RIGHTS_INTERVAL_SECONDS: int = 10
    RIGHTS_CLAIM_LEASE_SECONDS: int = 300
    RIGHTS_MAX_ATTEMPTS: int = 5
    RETENTION_YEARS: int = 2
    DOCUMENT_ARCHIVE_YEARS: int = 10

    # The settings the aids declare (service/aids), by name: their defaults give their types.
    extra: Mapping[str, int | str] = dataclasses.field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.ENV == "production"


_FIELDS = {field.name: field for field in dataclasses.fields(Settings) if field.name != "extra"}
# Settings that changed name: the old one is still read, with a line saying it is deprecated.
RENAMED = {
    "LEGAL_AID_TRANSMISSION_DELAY": "AIDE_LEGALE_TRANSMISSION_DELAY",
    "LEGAL_AID_WARNING_DELAY": "AIDE_LEGALE_WARNING_DELAY",
    "LEGAL_AID_ESCALATION_DELAY": "AIDE_LEGALE_ESCALATION_DELAY",
}
_DURATION_SETTINGS = (
    "SILENCE_ALERT_DELAY",
    "PIECES_REMINDER_DELAY",
    "PIECES_CLOSURE_DELAY",
)
_POSITIVE_SETTINGS = (
    "SESSION_LIFETIME_HOURS",
    "SESSION_IDLE_MINUTES",
    "LOGIN_MAX_FAILURES",
    "API_RATE_LIMIT_PER_MINUTE",
    "LOGIN_MAX_FAILURES_PER_ADDRESS",
    "LOGIN_LOCKOUT_MINUTES",
    "PASSWORD_MIN_LENGTH",
    "COMMISSION_CONVOCATION_CLEAR_DAYS",
    "WORKSHOP_MINIMUM_CHECK_DAYS",
    "WORKSHOP_REMINDER_DAYS",
    "ORIENTATION_FOLLOW_UP_DAYS",
    "WAKE_INTERVAL_SECONDS",
    "WAKE_MAX_PER_RUN",
    "MAIL_INTERVAL_SECONDS",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_CLAIM_LEASE_SECONDS",
    "PDF_WORKERS",
    "LETTER_BATCH_INTERVAL_SECONDS",
    "IMPORT_INTERVAL_SECONDS",
    "SANDBOX_CPU_MS",
    "SANDBOX_WORKERS",
    "WORKFLOW_FILE_MAX_KIB",
    "OPENFISCA_TIMEOUT_SECONDS",
    "RIGHTS_INTERVAL_SECONDS",
    "RIGHTS_CLAIM_LEASE_SECONDS",
    "RIGHTS_MAX_ATTEMPTS",
    "RETENTION_YEARS",
    "DOCUMENT_ARCHIVE_YEARS",
)
_MIN_SANDBOX_MEMORY_MIB = 32  # below it the worker cannot even hold a small list
_MAX_SANDBOX_CPU_MS = 60_000  # a request waits for its evaluation: a minute is already far too long
_MAX_PROCESSES = 64
_ISO_DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
_TRUE = {"1", "true", "yes", "oui", "on"}
_FALSE = {"0", "false", "no", "non", "off", ""}


def load_settings(
    instance_path: Path,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    declared: Mapping[str, int | str] | None = None,
) -> Settings:
    """Build and validate the settings, or raise ConfigError with one clear French sentence.

    `declared` are the settings the aids declare, with their defaults; they are read like the others.
    """
    environ = os.environ if environ is None else environ
    declared = dict(declared or {})
    values: dict[str, Any] = {}
    values.update(_read_file(instance_path / SETTINGS_FILE, declared))
    values.update(_read_environ(environ, declared))
    values.update(_check_names(_renamed(dict(overrides or {}), "paramètre"), "paramètre", declared))
    typed = {name: _coerce(name, value) for name, value in values.items() if name in _FIELDS}
    extra = {
        name: _coerce_declared(name, values.get(name, default), default) for name, default in declared.items()
    }
    settings = Settings(**typed, extra=extra)
    return _validate(settings, instance_path)


def _renamed(values: dict[str, Any], what: str) -> dict[str, Any]:
    for old, new in RENAMED.items():
        if old in values:
            log.warning("%s %s obsolète : utilisez %s", what, old, new)
            values.setdefault(new, values.pop(old))
    return values


def _coerce_declared(name: str, value: Any, default: int | str) -> int | str:
    if isinstance(default, int):
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{ENV_PREFIX}{name} doit être un nombre entier, pas « {value} »") from exc
        if number < 0:
            raise ConfigError(f"{ENV_PREFIX}{name} doit être positif")
        return number
    text = str(value)
    if name.endswith("_DELAY") and not _ISO_DURATION.match(text):
        raise ConfigError(f"{ENV_PREFIX}{name} doit être une durée ISO 8601 (ex. PT48H, P15D)")
    return text


def resolve_instance_path(explicit: str | Path | None = None) -> Path:
    """The instance folder: explicit, else ENTRAIDE_INSTANCE_PATH, else instance/ in the checkout."""
    return Path(
        explicit or os.environ.get(ENV_PREFIX + "INSTANCE_PATH") or PROJECT_ROOT / "instance"
    ).resolve()


def current_settings() -> Settings:
    """Return the settings of the running application."""
    settings: Settings = current_app.extensions["entraide.settings"]
    return settings


def workshop_places(settings: Settings) -> list[str]:
    """Where workshop sessions may be held, in the order the settings give them."""
    return [place.strip() for place in settings.WORKSHOP_PLACES.split(";") if place.strip()]


def refusal_reasons(settings: Settings) -> list[str]:
    """The reasons a committee refusal may give, in the order the settings give them."""
    return [reason.strip() for reason in settings.COMMISSION_REFUSAL_REASONS.split(";") if reason.strip()]


def workflows_folder(settings: Settings) -> Path:
    """The folder deployed at start and checked by default: WORKFLOWS_PATH, else workflows/."""
    return Path(settings.WORKFLOWS_PATH).resolve() if settings.WORKFLOWS_PATH else WORKFLOWS_DIR


def local_zone() -> ZoneInfo:
    """The centre's time zone: storage is UTC, people see and count days in this one."""
    return ZoneInfo(current_settings().TIMEZONE)


def _read_file(path: Path, declared: Mapping[str, Any]) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} illisible : {exc}") from exc
    what = f"clé de {path.name}"
    return _check_names(_renamed({key.upper(): value for key, value in data.items()}, what), what, declared)


def _read_environ(environ: Mapping[str, str], declared: Mapping[str, Any]) -> dict[str, Any]:
    values = {
        key.removeprefix(ENV_PREFIX): value
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and not key.startswith(_FOREIGN_ENV_PREFIXES)
    }
    values.pop("INSTANCE_PATH", None)  # read by create_app before the settings
    what = "variable " + ENV_PREFIX
    return _check_names(_renamed(values, what), what, declared)


def _check_names(values: dict[str, Any], what: str, declared: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(_FIELDS) - set(declared))
    if unknown:
        raise ConfigError(f"{what} inconnu(e) : {', '.join(unknown)}")
    return values


def _coerce(name: str, value: Any) -> Any:
    kind = _FIELDS[name].type
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise ConfigError(f"{ENV_PREFIX}{name} doit valoir true ou false, pas « {value} »")
    if kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{ENV_PREFIX}{name} doit être un nombre entier, pas « {value} »") from exc
    return str(value)


def _validate(settings: Settings, instance_path: Path) -> Settings:
    if settings.ENV not in {"development", "production"}:
        raise ConfigError(f"{ENV_PREFIX}ENV doit valoir development ou production, pas « {settings.ENV} »")
    changes: dict[str, Any] = {
        "DATABASE_URL": normalise_database_url(settings.DATABASE_URL, instance_path),
    }
    if not settings.SECRET_KEY:
        if settings.production:
            raise ConfigError(f"{ENV_PREFIX}SECRET_KEY est obligatoire en production")
        changes["SECRET_KEY"] = _development_secret_key(instance_path)
    elif settings.production and len(settings.SECRET_KEY) < 32:
        raise ConfigError(f"{ENV_PREFIX}SECRET_KEY doit compter au moins 32 caractères en production")
    for name in _POSITIVE_SETTINGS:
        if getattr(settings, name) < 1:
            raise ConfigError(f"{ENV_PREFIX}{name} doit être positif")
    for name in _DURATION_SETTINGS:
        if not _ISO_DURATION.match(getattr(settings, name)):
            raise ConfigError(f"{ENV_PREFIX}{name} doit être une durée ISO 8601 (ex. PT48H, P15D)")
    if not workshop_places(settings):
        raise ConfigError(f"{ENV_PREFIX}WORKSHOP_PLACES doit nommer au moins un lieu d'atelier")
    if settings.COMMISSION_QUORUM < 0:
        raise ConfigError(
            f"{ENV_PREFIX}COMMISSION_QUORUM doit être positif, ou 0 pour la majorité des membres"
        )
    if not refusal_reasons(settings):
        raise ConfigError(f"{ENV_PREFIX}COMMISSION_REFUSAL_REASONS doit nommer au moins un motif de refus")
    if settings.SANDBOX_CPU_MS > _MAX_SANDBOX_CPU_MS:
        raise ConfigError(f"{ENV_PREFIX}SANDBOX_CPU_MS ne peut dépasser {_MAX_SANDBOX_CPU_MS} ms")
    if settings.SANDBOX_MEMORY_MIB < _MIN_SANDBOX_MEMORY_MIB:
        raise ConfigError(
            f"{ENV_PREFIX}SANDBOX_MEMORY_MIB doit valoir au moins {_MIN_SANDBOX_MEMORY_MIB} Mio"
        )
    if settings.SANDBOX_WORKERS > _MAX_PROCESSES:
        raise ConfigError(f"{ENV_PREFIX}SANDBOX_WORKERS ne peut dépasser {_MAX_PROCESSES} processus")
    if settings.PDF_WORKERS > _MAX_PROCESSES:
        raise ConfigError(f"{ENV_PREFIX}PDF_WORKERS ne peut dépasser {_MAX_PROCESSES} processus")
    if settings.OPENFISCA_URL and urlsplit(settings.OPENFISCA_URL).scheme not in {"http", "https"}:
        raise ConfigError(f"{ENV_PREFIX}OPENFISCA_URL doit être une adresse http(s), ou vide")
    if not 0 < settings.SMTP_PORT < 65536:
        raise ConfigError(f"{ENV_PREFIX}SMTP_PORT doit être un port valide (1 à 65535)")
    try:
        ZoneInfo(settings.TIMEZONE)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{ENV_PREFIX}TIMEZONE inconnu : « {settings.TIMEZONE} »") from exc
    return dataclasses.replace(settings, **changes)


def normalise_database_url(url: str, instance_path: Path) -> str:
    """Return a SQLAlchemy URL for SQLite or PostgreSQL (psycopg 3), or raise ConfigError."""
    if not url:
        return f"sqlite:///{instance_path / 'entraide.db'}"
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return url
    if scheme in {"postgres", "postgresql", "postgresql+psycopg"}:
        return "postgresql+psycopg" + url[len(scheme) :]
    raise ConfigError(
        f"{ENV_PREFIX}DATABASE_URL : schéma « {scheme or url} » non pris en charge "
        "(sqlite:/// ou postgresql://)"
    )


def _development_secret_key(instance_path: Path) -> str:
    """Keep one random key per development instance, so sessions survive a restart."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key
