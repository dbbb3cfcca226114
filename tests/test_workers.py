"""Worker processes: a killed worker loses nothing, two workers never fire the same instance twice."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, func, select, text

from scenarios.due_instances import prepare_due_instances
from scenarios.workers import doctor, start_worker, wait_for
from service.models import HumanTask, ProcessInstance


@pytest.fixture
def observer(database: tuple[str, Flask]) -> Iterator[Engine]:
    """A plain connection of the test's own, to watch what the workers do."""
    url = database[0].replace("postgresql://", "postgresql+psycopg://")
    engine = create_engine(url)
    yield engine
    engine.dispose()


def escalations(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.scalar(
                select(func.count()).select_from(HumanTask).where(HumanTask.task_name == "traiter_retard")
            )
            or 0
        )


def assert_each_fired_exactly_once(engine: Engine, expected: int) -> None:
    with engine.connect() as connection:
        per_instance = connection.execute(
            select(HumanTask.instance_id, func.count())
            .where(HumanTask.task_name == "traiter_retard")
            .group_by(HumanTask.instance_id)
        ).all()
        assert len(per_instance) == expected
        assert {count for _, count in per_instance} == {1}
        # Created at revision 1, evaluated (2), woken once (3); a second firing would have saved again.
        revisions = connection.execute(
            select(ProcessInstance.revision, func.count()).group_by(ProcessInstance.revision)
        ).all()
        assert revisions == [(3, expected)]
        still_due = connection.scalar(
            select(func.count())
            .select_from(ProcessInstance)
            .where(ProcessInstance.next_due_at <= datetime.now(UTC))
        )
        assert still_due == 0  # what is left is the silence watch, weeks ahead
        cancelled = connection.scalar(
            text("SELECT count(*) FROM human_task WHERE task_name = 'decider_delegation' AND cancelled")
        )
        assert cancelled == expected
        mails = connection.scalar(text("SELECT count(*) FROM outbox_message WHERE kind = 'tache'"))
        assert mails == expected  # one alert per escalation, none twice


def test_a_worker_killed_mid_run_loses_nothing(
    database: tuple[str, Flask], observer: Engine, tmp_path: Path
) -> None:
    url, app = database
    prepare_due_instances(app, 200)
    first = start_worker(url, tmp_path, WAKE_MAX_PER_RUN="50")
    try:
        wait_for(lambda: escalations(observer) >= 50, timeout=120, workers=[first])
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert escalations(observer) < 200, "the worker was killed before it could finish"

    second = start_worker(url, tmp_path)
    try:
        wait_for(lambda: escalations(observer) == 200, timeout=120, workers=[second])
    finally:
        second.terminate()
        second.wait()
    assert_each_fired_exactly_once(observer, 200)
    checked = doctor(url, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_two_workers_share_2000_due_instances(
    database: tuple[str, Flask], observer: Engine, tmp_path: Path
) -> None:
    url, app = database
    prepare_due_instances(app, 2000)
    workers = [start_worker(url, tmp_path) for _ in range(2)]
    try:
        wait_for(lambda: escalations(observer) >= 2000, timeout=600, workers=workers)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
    assert_each_fired_exactly_once(observer, 2000)
