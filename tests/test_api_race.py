"""Two programs complete the same step through the API at once: one wins, the other gets the pages' 409, as a
French problem, and the step is done once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from service.api_tokens import service as tokens
from service.engine import registry
from service.extensions import db
from service.models import AuditEvent
from tests.databases import on_postgresql
from tests.test_concurrency import EVALUATION, _open_dossier, committing_app

__all__ = ["committing_app"]  # the fixture, shared with the pages' race


def test_the_same_step_completed_twice_at_once_through_the_api(
    committing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = _open_dossier(committing_app)
    with committing_app.app_context():
        secrets = {
            name: tokens.create_token_from_console(
                centre_code="ccas-course", username=name, name=f"Programme de {name}", scopes=["write"]
            )[1]
            for name in ("anne", "bruno")
        }
    if on_postgresql():  # both read the step before either writes: only the revision check tells them apart
        barrier = threading.Barrier(2, timeout=20)
        task_form = registry.task_form

        def task_form_once_both_have_read(*args: Any) -> Any:
            barrier.wait()
            return task_form(*args)

        monkeypatch.setattr(registry, "task_form", task_form_once_both_have_read)
    answers: dict[str, Any] = {}

    def submit(name: str) -> None:
        response = committing_app.test_client().post(
            f"/api/v1/taches/{task_id}/achevement",
            json={"valeurs": EVALUATION},
            headers={"Authorization": f"Bearer {secrets[name]}"},
        )
        answers[name] = (response.status_code, response.mimetype, response.get_json())

    threads = [threading.Thread(target=submit, args=(name,)) for name in secrets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _, _ in answers.values()) == [200, 409], answers
    _, mimetype, problem = next(answer for answer in answers.values() if answer[0] == 409)
    assert mimetype == "application/problem+json"
    assert problem["title"] == "Conflit de modification"
    with committing_app.app_context():
        completions = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "tâche.terminée")
        )
        assert completions == 1
