"""Where an instance stands, for its diagram: the steps done, the steps current, the timers and messages
it waits for, each by the BPMN id of its element in the process's own diagram (call activities shown as one
element: what happens inside them is not drawn on the caller's diagram)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.task import TaskState

from service.engine import runtime
from service.models import ProcessInstance


@dataclass(frozen=True)
class PendingTimer:
    element_id: str
    name: str
    due_at: datetime | None


@dataclass(frozen=True)
class Progress:
    source: str  # the diagram of the process (BPMN XML, with its layout); "" when not asked for
    done: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    timers: list[PendingTimer] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # the elements waiting for a message


def diagram_source(sources: dict[str, str], process_key: str) -> str:
    """The file of the version that declares the process (its own diagram, not a called one's)."""
    marker = f'id="{process_key}"'
    for name in sorted(sources):
        if name.endswith(".bpmn") and marker in sources[name] and "<bpmn:process" in sources[name]:
            return sources[name]
    return next((text for name, text in sorted(sources.items()) if name.endswith(".bpmn")), "")


def _due(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def progress(instance: ProcessInstance, *, sources: dict[str, str] | None) -> Progress:
    """Load the instance (never saved here) and say where it stands; `sources`: its version's files, for the
    diagram's source (None: the caller does not draw it, and the files are not read)."""
    workflow = runtime.load(instance)
    top = workflow
    done: list[str] = []
    current: list[str] = []
    timers: list[PendingTimer] = []
    messages: list[str] = []
    for task in workflow.get_tasks():
        if task.workflow is not top:
            continue
        spec = task.task_spec
        element = getattr(spec, "bpmn_id", None)
        if not element:
            continue
        definition = getattr(spec, "event_definition", None)
        if task.state == TaskState.COMPLETED and element not in done:
            done.append(element)
        elif task.state in (TaskState.READY, TaskState.STARTED, TaskState.WAITING):
            if isinstance(definition, TimerEventDefinition):
                due = _due(definition.details(task).value)
                timers.append(PendingTimer(element, getattr(spec, "bpmn_name", None) or element, due))
                continue  # a boundary timer watches the current step; it is not the step itself
            if isinstance(definition, MessageEventDefinition):
                messages.append(element)
            if element not in current:
                current.append(element)
    source = "" if sources is None else diagram_source(sources, instance.definition.process_key)
    return Progress(source=source, done=done, current=current, timers=timers, messages=messages)
