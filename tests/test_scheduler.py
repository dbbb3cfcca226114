"""The scheduler runs inside `entraide run` once (never twice under the reloader), and not in the factory."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from service import commands
from service.scheduling import runner
from service.scheduling.jobs import JOBS


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Flask]:
    calls: list[Flask] = []
    monkeypatch.setattr(runner, "start_in_background", calls.append)
    monkeypatch.setattr(commands, "run_simple", lambda *args, **kwargs: None)
    return calls


@pytest.mark.parametrize(
    ("args", "reloader_child", "expected"),
    [([], None, 1), (["--debug"], None, 0), (["--debug"], "true", 1)],
    ids=["plain", "reloader-parent", "reloader-child"],
)
def test_run_starts_the_scheduler_once(
    app: Flask,
    started: list[Flask],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    reloader_child: Any,
    expected: int,
) -> None:
    if reloader_child:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", reloader_child)
    else:
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    result = app.test_cli_runner().invoke(args=["run", *args])
    assert result.exit_code == 0, result.output
    assert len(started) == expected


def test_run_leaves_the_jobs_to_workers_when_asked(
    migrated_database: str, tmp_path: Any, started: list[Flask]
) -> None:
    from tests.conftest import build_app

    app = build_app(migrated_database, tmp_path / "instance", SCHEDULER_IN_PROCESS=False)
    assert app.test_cli_runner().invoke(args=["run"]).exit_code == 0
    assert started == []


def test_the_scheduler_gets_every_job_of_the_table(app: Flask) -> None:
    scheduler = runner.configure(BackgroundScheduler(timezone="UTC"), app)  # configured, never started
    assert sorted(job.id for job in scheduler.get_jobs()) == sorted(job.id for job in JOBS)
    assert str(scheduler.get_job("wake_due_instances").trigger) == "interval[0:00:30]"
    digest = scheduler.get_job("daily_digest")
    assert str(digest.trigger) == "cron[day_of_week='mon-fri', hour='7', minute='30']"
    assert str(digest.trigger.timezone) == "Europe/Paris"


def test_the_factory_starts_no_scheduler(app: Flask) -> None:
    assert not [thread for thread in threading.enumerate() if "APScheduler" in thread.name]


def test_run_reports_a_refused_folder_and_serves_the_versions_already_deployed(
    app: Flask, started: list[Flask], tmp_path: Any
) -> None:
    import dataclasses
    import shutil

    from sqlalchemy import select

    from service.extensions import db
    from service.models import WorkflowRefusal
    from service.paths import WORKFLOWS_DIR

    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS_DIR, folder)
    (folder / "forms" / "versement.json").unlink()
    settings = app.extensions["entraide.settings"]
    app.extensions["entraide.settings"] = dataclasses.replace(settings, WORKFLOWS_PATH=str(folder))
    result = app.test_cli_runner().invoke(args=["run"])
    assert result.exit_code == 0, result.output
    refused = "ERREUR secours_urgence.bpmn (élément « payer ») « Enregistrer le versement » : formulaire"
    assert f"{refused} introuvable : forms/versement.json" in result.output
    assert "les versions déjà déployées restent en service" in result.output
    assert started == [app]  # one bad file does not take the service down
    refusal = db.session.scalars(select(WorkflowRefusal).where(WorkflowRefusal.cleared_at.is_(None))).one()
    assert refusal.source == "démarrage de entraide run"
    assert any(problem["element"] == "payer" for problem in refusal.problems)

    app.extensions["entraide.settings"] = settings  # the folder fixed: the next start clears the banner
    assert app.test_cli_runner().invoke(args=["run"]).exit_code == 0
    assert db.session.scalars(select(WorkflowRefusal).where(WorkflowRefusal.cleared_at.is_(None))).all() == []
