"""schemathesis against the API's own OpenAPI document, on a live server on loopback, with a token that reads
and writes: whatever it sends, no 5xx, and every response conforms to what the document says (status code,
media type, schema). Bounded: a few examples per operation, under two minutes on a shared machine."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from service.api_tokens import service as tokens
from service.demo import DEMO_CENTRE_CODE
from service.extensions import db
from service.models import AuditEvent, HumanTask, User
from tests.live_server import serve_demo_app

MAX_EXAMPLES = 6
ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass(frozen=True)
class LiveApi:
    url: str
    secret: str
    app: Flask


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """The demo installation served on loopback; a token of its instructor, reading and writing."""
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    with serve_demo_app(folder, API_RATE_LIMIT_PER_MINUTE=1_000_000) as (url, app):
        with app.app_context():
            _, secret = tokens.create_token_from_console(
                centre_code=DEMO_CENTRE_CODE, username="instructeur", name="schemathesis", scopes=["write"]
            )
        yield LiveApi(url, secret, app)


@pytest.fixture(scope="module")
def api_schema(live_api: LiveApi) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(f"{live_api.url}/api/v1/openapi.json")
    schema.config.update(base_url=live_api.url)
    return schema


def test_the_readme_script_creates_a_token_and_completes_a_task(live_api: LiveApi) -> None:
    """The README's curl script, as printed, against the demo: the evaluation of Fatou MARTIN is done."""
    text = README.read_text(encoding="utf-8")
    script = text.split("<!-- script API : début -->")[1].split("<!-- script API : fin -->")[0]
    script = script.strip().removeprefix("```sh").removesuffix("```")
    with live_api.app.app_context():
        database_url = str(db.engine.url.render_as_string(hide_password=False))
    environment = {
        **os.environ,
        "SERVEUR": live_api.url,
        "ENTRAIDE_DATABASE_URL": database_url,
        "ENTRAIDE_INSTANCE_PATH": live_api.app.instance_path,
    }
    done = subprocess.run(
        ["/bin/bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"titre":' in done.stdout
    with live_api.app.app_context():
        evaluation = db.session.scalars(
            select(HumanTask).where(HumanTask.title == "Évaluer la situation").order_by(HumanTask.id)
        ).first()
        assert evaluation is not None
        assert evaluation.completed_at is not None
        finished_by = db.session.get(User, evaluation.completed_by_id)
        assert finished_by is not None
        assert finished_by.username == "instructeur"


def test_the_api_answers_as_its_document_says(api_schema: schemathesis.BaseSchema, live_api: LiveApi) -> None:
    """Each operation of the document, in turn, with the cases schemathesis generates from it."""
    headers = {"Authorization": f"Bearer {live_api.secret}"}
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 13
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,  # the same cases at every run: CI says the same thing twice
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as error:
            failures[operation.label] = str(error)[:2000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    with live_api.app.app_context():  # the server did answer them: each authenticated call is audited
        calls = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "api.appel")
        )
    assert calls is not None
    assert calls >= len(operations) * 2
