"""Worker processes for the tests that kill them: started as `entraide worker` on a database of their own,
watched on the real clock, and the database checked afterwards with `entraide doctor`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _environ(url: str, tmp_path: Path, settings: dict[str, str]) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ENTRAIDE_")}
    defaults = {"WAKE_INTERVAL_SECONDS": "1", "MAIL_INTERVAL_SECONDS": "3600"}
    environ.update(
        ENTRAIDE_DATABASE_URL=url,
        ENTRAIDE_INSTANCE_PATH=str(tmp_path / "worker"),
        ENTRAIDE_SECRET_KEY="clé-des-workers",
        **{f"ENTRAIDE_{name}": value for name, value in {**defaults, **settings}.items()},
    )
    return environ


def start_worker(url: str, tmp_path: Path, **settings: str) -> subprocess.Popen[bytes]:
    environ = _environ(url, tmp_path, settings)
    command = [sys.executable, "-c", "from service.cli import main; main()", "worker"]
    log = (tmp_path / f"worker-{time.monotonic_ns()}.log").open("wb")  # a file: a pipe nobody reads fills up
    return subprocess.Popen(command, env=environ, stdout=log, stderr=subprocess.STDOUT)


def wait_for(
    condition: Callable[[], bool], *, timeout: float, workers: list[subprocess.Popen[bytes]]
) -> None:
    """Poll what the worker processes wrote until the condition holds (they run on the real clock)."""
    deadline = time.monotonic() + timeout
    while not condition():
        for worker in workers:
            if worker.poll() is not None:
                raise AssertionError(f"a worker exited with {worker.returncode}: see its log in tmp_path")
        if time.monotonic() > deadline:
            raise AssertionError("the workers did not finish in time")
        time.sleep(0.02)


def doctor(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`entraide doctor` on the workers' database, as an operator runs it after a crash."""
    command = [sys.executable, "-c", "from service.cli import main; main()", "doctor"]
    return subprocess.run(
        command, env=_environ(url, tmp_path, {}), capture_output=True, text=True, timeout=300, check=False
    )
