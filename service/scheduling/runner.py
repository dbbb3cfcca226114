"""Run the job table with APScheduler: in the web process (background) or in a worker (blocking)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from service.config import current_settings
from service.scheduling.jobs import JOBS
from service.unit_of_work import discard

log = logging.getLogger(__name__)


def _in_app_context(app: Flask, job_id: str, run: Callable[[], object]) -> Callable[[], None]:
    def call() -> None:
        with app.app_context():
            try:
                result = run()
                if result:
                    log.info("%s : %s", job_id, result)
            except Exception:
                discard()
                log.exception("la tâche planifiée %s a échoué", job_id)

    return call


def configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Add every job of the table to the scheduler, each running in an application context."""
    with app.app_context():
        settings = current_settings()
    for job in JOBS:
        first_run = {"next_run_time": datetime.now(UTC)} if job.trigger == "interval" else {}
        scheduler.add_job(
            _in_app_context(app, job.id, job.run),
            job.trigger,
            id=job.id,
            name=job.id,
            max_instances=1,  # a slow run is never overlapped by the next one in the same process
            coalesce=True,
            misfire_grace_time=None,
            **job.schedule(settings),
            **first_run,
        )
    return scheduler


def start_in_background(app: Flask) -> BackgroundScheduler:
    """Start the jobs in threads of the web process."""
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    configure(scheduler, app)
    scheduler.start()
    return scheduler


def run_worker(app: Flask) -> None:
    """Run only the jobs, until the process is stopped."""
    scheduler = BlockingScheduler(timezone="UTC")
    configure(scheduler, app)
    scheduler.start()
