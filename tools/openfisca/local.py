"""The OpenFisca Web API on loopback for the tests and the benchmark, from its own virtualenv."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from service.paths import PROJECT_ROOT

OPENFISCA = PROJECT_ROOT / ".venv-openfisca" / "bin" / "openfisca"
CONFIG = PROJECT_ROOT / "tools" / "openfisca" / "gunicorn.conf.py"
READY_WITHIN_SECONDS = 600  # loading the French model takes a minute or two on a busy machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def openfisca_server() -> Iterator[str]:
    """Start `openfisca serve` for OpenFisca-France on a free port; yield its base URL; stop it."""
    if not OPENFISCA.exists():
        raise RuntimeError(f"{OPENFISCA} manque : lancez `make setup-dev`, qui installe OpenFisca.")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's program, fixed arguments
        [str(OPENFISCA), "serve", "-c", "openfisca_france", "-f", str(CONFIG)],
        env={**os.environ, "OPENFISCA_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"OpenFisca s'est arrêté au démarrage :\n{error[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/spec", timeout=5):  # noqa: S310 - loopback
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)  # waiting for another process to listen, not for the application's time
    raise RuntimeError(f"OpenFisca n'a pas répondu en {READY_WITHIN_SECONDS} s")
