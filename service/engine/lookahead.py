"""What comes after a step: the human tasks a process may reach next, read from its deployed diagram."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent, ReceiveTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from service.engine import registry
from service.models import ProcessDefinition

_MAX_SPECS = 200  # a diagram is small; the walk stops well before in any real one


@dataclass(frozen=True)
class NextStep:
    title: str
    role: str  # the lane of the task: the role that will do it


def next_steps(definition: ProcessDefinition, task_name: str) -> list[NextStep]:
    """The human tasks (and the waits for another body's decision) reachable from `task_name` without passing
    another one, along the normal flow (a boundary timer's escalation is not a next step), in diagram order;
    empty at the end of the process."""
    spec = registry.bundle(definition).spec
    start = spec.task_specs.get(task_name)
    if start is None:
        return []
    found: list[NextStep] = []
    seen: set[str] = {start.name}
    queue: list[Any] = list(start.outputs)
    while queue and len(seen) < _MAX_SPECS:
        current = queue.pop(0)
        if current.name in seen or isinstance(current, BoundaryEvent):
            continue
        seen.add(current.name)
        if isinstance(current, UserTask | ReceiveTask):  # a person's step, or another body's (the committee)
            step = NextStep(title=current.bpmn_name or current.bpmn_id, role=current.lane or "")
            if step not in found:
                found.append(step)
            continue
        queue.extend(current.outputs)
    return found
