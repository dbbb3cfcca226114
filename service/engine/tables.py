"""A process's barème applied to facts outside any dossier: what the decision table in force would answer.

The rights check shows the centre's own aids next to the legal rights: it asks the barème of each aid's
latest version with the household's facts. The table's expressions run in the same sandbox as in a dossier;
nothing is started, nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException

from service.engine import registry
from service.engine.scripting import make_script_engine
from service.errors import EntraideError


class TableNotApplicableError(Exception):
    """The barème needs a fact nobody gave, or stopped in the sandbox: no answer without a dossier."""


@dataclass
class _Workflow:
    """What a decision table (and an error's description) reads of a workflow."""

    script_engine: Any
    spec: Any

    @property
    def top_workflow(self) -> _Workflow:
        return self


@dataclass
class _Probe:
    """What a decision table reads of a task: its data, its spec and its workflow's script engine."""

    data: dict[str, Any]
    task_spec: Any
    workflow: _Workflow


def decision_of(process_key: str, facts: Mapping[str, Any]) -> dict[str, Any] | None:
    """The outputs of the first barème of the process's latest version for these facts ({} when no rule
    matches); None when the process has no barème or is not deployed."""
    try:
        definition = registry.latest(process_key)
    except EntraideError:
        return None
    process = registry.bundle(definition).spec
    tasks = [spec for spec in process.task_specs.values() if hasattr(spec, "dmnEngine")]
    if not tasks:
        return None
    probe = _Probe(data=dict(facts), task_spec=tasks[0], workflow=_Workflow(make_script_engine(), process))
    try:
        return dict(tasks[0].dmnEngine.result(probe))
    except (SpiffWorkflowException, NameError, TypeError, ValueError) as error:
        raise TableNotApplicableError(str(error)) from error
