"""A real HTTP server on loopback, in a thread, over its own freshly migrated database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from service import clock
from service.demo import seed_if_empty
from service.extensions import db
from tests.conftest import migrated_app
from tests.databases import fresh_database


@contextmanager
def serve_demo(tmp_path: Path) -> Iterator[str]:
    """Serve the demo installation; yield its base URL."""
    with serve_demo_app(tmp_path) as (url, _):
        yield url


@contextmanager
def serve_demo_app(
    tmp_path: Path, time: clock.Clock | None = None, **settings: Any
) -> Iterator[tuple[str, Flask]]:
    """Serve the demo installation on the given clock and settings; yield its base URL and the application."""
    with fresh_database(tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance", **settings)
        if time is not None:
            clock.install(app, time)
        with app.app_context():
            seed_if_empty()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", app
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.engine.dispose()
