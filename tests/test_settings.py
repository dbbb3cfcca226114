"""Settings: defaults, instance folder, then ENTRAIDE_*; a bad one stops the start with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from service import aids, create_app
from service.app import service_settings
from service.config import load_settings
from service.errors import ConfigError


def test_defaults_put_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, environ={})
    assert f"sqlite:///{tmp_path / 'entraide.db'}" == settings.DATABASE_URL
    assert settings.ENV == "development"
    assert settings.TIMEZONE == "Europe/Paris"
    cores = os.cpu_count() or 2
    assert cores == settings.PDF_WORKERS  # letters printed on every core


def test_instance_file_then_environment_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "entraide.toml").write_text(
        'smtp_host = "fichier.invalid"\nsmtp_port = 2525\n', encoding="utf-8"
    )
    from_file = load_settings(tmp_path, environ={})
    assert (from_file.SMTP_HOST, from_file.SMTP_PORT) == ("fichier.invalid", 2525)

    from_env = load_settings(tmp_path, environ={"ENTRAIDE_SMTP_HOST": "env.invalid"})
    assert (from_env.SMTP_HOST, from_env.SMTP_PORT) == ("env.invalid", 2525)

    overridden = load_settings(
        tmp_path, environ={"ENTRAIDE_SMTP_HOST": "env.invalid"}, overrides={"SMTP_HOST": "test.invalid"}
    )
    assert overridden.SMTP_HOST == "test.invalid"


def test_postgresql_urls_use_psycopg_3(tmp_path: Path) -> None:
    for url in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"):
        settings = load_settings(tmp_path, environ={"ENTRAIDE_DATABASE_URL": url})
        assert settings.DATABASE_URL == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ENTRAIDE_DATABASE_URL": "mysql://root@localhost/db"}, "schéma « mysql » non pris en charge"),
        ({"ENTRAIDE_ENV": "production"}, "SECRET_KEY est obligatoire en production"),
        ({"ENTRAIDE_ENV": "production", "ENTRAIDE_SECRET_KEY": "court"}, "au moins 32 caractères"),
        ({"ENTRAIDE_ENV": "staging"}, "ENV doit valoir development ou production"),
        ({"ENTRAIDE_SMTP_PORT": "vingt-cinq"}, "SMTP_PORT doit être un nombre entier"),
        ({"ENTRAIDE_SMTP_PORT": "70000"}, "SMTP_PORT doit être un port valide"),
        ({"ENTRAIDE_SMTP_STARTTLS": "peut-être"}, "SMTP_STARTTLS doit valoir true ou false"),
        ({"ENTRAIDE_DATABSE_URL": "sqlite://"}, "DATABSE_URL"),
        ({"ENTRAIDE_TIMEZONE": "Europe/Lutece"}, "TIMEZONE inconnu"),
        ({"ENTRAIDE_PDF_WORKERS": "0"}, "PDF_WORKERS doit être positif"),
        ({"ENTRAIDE_PDF_WORKERS": "500"}, "PDF_WORKERS ne peut dépasser 64 processus"),
        ({"ENTRAIDE_LETTER_BATCH_INTERVAL_SECONDS": "0"}, "LETTER_BATCH_INTERVAL_SECONDS doit être positif"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(
    tmp_path: Path, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path, environ=environ)


def test_test_variables_are_not_mistaken_for_settings(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, environ={"ENTRAIDE_TEST_DATABASE_URL": "postgresql://x/y"})
    assert settings.DATABASE_URL.startswith("sqlite:///")


def test_unknown_key_in_the_instance_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "entraide.toml").write_text('smtp_hots = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="SMTP_HOTS"):
        load_settings(tmp_path, environ={})


def test_development_secret_key_is_kept_across_starts(tmp_path: Path) -> None:
    first = load_settings(tmp_path, environ={}).SECRET_KEY
    second = load_settings(tmp_path, environ={}).SECRET_KEY
    assert len(first) == 64
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_factory_applies_hardened_cookie_settings_in_production(tmp_path: Path) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": tmp_path,
            "ENV": "production",
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not (tmp_path / "p.db").exists(), "the factory must not touch the database"


def test_factory_refuses_unknown_override(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SQLALCHEMY_ECHO"):
        create_app({"INSTANCE_PATH": tmp_path, "SQLALCHEMY_ECHO": True})


def _entraide(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ENTRAIDE_")}
    environ.update(env)
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environ, timeout=120, check=False)


def test_command_line_stops_on_a_bad_setting_with_one_line(tmp_path: Path) -> None:
    result = _entraide(
        "run", ENTRAIDE_INSTANCE_PATH=str(tmp_path), ENTRAIDE_DATABASE_URL="mysql://root@localhost/db"
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration invalide : ENTRAIDE_DATABASE_URL : schéma « mysql » non pris en charge "
        "(sqlite:/// ou postgresql://)"
    ]
    assert "Traceback" not in result.stderr


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = _entraide("--help", ENTRAIDE_INSTANCE_PATH=str(tmp_path))
    assert result.returncode == 0, result.stderr
    for command in ("run", "worker", "db", "users", "demo", "workflows", "letters"):
        assert f"\n  {command} " in result.stdout


def test_an_aid_declares_its_own_settings_and_reads_them(tmp_path: Path) -> None:
    settings = service_settings(tmp_path, overrides={"SECOURS_DELEGATION_CEILING_CENTS": 12345})
    assert settings.extra["SECOURS_DELEGATION_CEILING_CENTS"] == 12345
    assert settings.extra["PRET_REMINDER_DELAY"] == "P10D"  # the aid's default
    app = create_app({"INSTANCE_PATH": tmp_path, "SECOURS_DELEGATION_CEILING_CENTS": 12345})
    with app.app_context():
        assert aids.get("secours_urgence").number("SECOURS_DELEGATION_CEILING_CENTS") == 12345
        assert aids.get("secours_urgence").annual_ceiling_cents() == 80000


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"PRET_MIN_CENTS": 200000}, "PRET_MIN_CENTS ne peut dépasser ENTRAIDE_PRET_MAX_CENTS"),
        ({"DISTRIBUTION_POINTS": " ; "}, "DISTRIBUTION_POINTS doit nommer au moins un point"),
        ({"SECOURS_DECISION_DELAY": "48 heures"}, "SECOURS_DECISION_DELAY doit être une durée ISO 8601"),
        ({"COLIS_PARCEL_VALUE_CENTS": "vingt"}, "COLIS_PARCEL_VALUE_CENTS doit être un nombre entier"),
    ],
)
def test_an_aid_setting_is_checked_like_the_others(
    tmp_path: Path, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        create_app({"INSTANCE_PATH": tmp_path, **overrides})


def test_a_renamed_setting_is_still_read_with_a_line_saying_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = service_settings(tmp_path, overrides={"LEGAL_AID_WARNING_DELAY": "P20D"})
    assert settings.extra["AIDE_LEGALE_WARNING_DELAY"] == "P20D"
    assert "LEGAL_AID_WARNING_DELAY obsolète : utilisez AIDE_LEGALE_WARNING_DELAY" in caplog.text
    from_environment = _entraide(
        "--help", ENTRAIDE_INSTANCE_PATH=str(tmp_path), ENTRAIDE_LEGAL_AID_TRANSMISSION_DELAY="P1M"
    )
    assert from_environment.returncode == 0, from_environment.stderr
