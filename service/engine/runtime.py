"""Load → run → save one instance, with optimistic locking; the caller's use case owns the transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from service import clock
from service.engine import registry, timers, worklist
from service.engine.scripting import SandboxStop, make_script_engine
from service.errors import ConflictError, EntraideError
from service.extensions import db
from service.models import HumanTask, InstanceStatus, ProcessDefinition, ProcessInstance, User

RETRY_BASE = timedelta(minutes=1)
_MESSAGE_EVENT = "MessageEventDefinition"
RETRY_CEILING = timedelta(hours=6)


class ProcessError(EntraideError):
    """The process itself failed (a diagram's expression, a missing value): nothing was saved."""


@dataclass(frozen=True)
class Incident:
    """A step the sandbox stopped: where, and what was exceeded, in French. Nothing of the step is saved."""

    centre_id: int
    definition_id: int
    process_key: str
    version: int
    instance_id: int | None
    dossier_id: int | None
    file: str
    element: str
    element_name: str
    rule: str
    kind: str  # temps, mémoire, taille, récursion, refus, arrêt
    message: str


class IncidentError(ProcessError):
    """The sandbox stopped an expression of the step: the step is refused, the incident is to be kept."""

    def __init__(self, incident: Incident) -> None:
        super().__init__(incident.message)
        self.incident = incident


@dataclass(frozen=True)
class _Step:
    """What an incident needs to say where it happened."""

    definition: ProcessDefinition
    centre_id: int
    instance_id: int | None
    dossier_id: int | None

    @classmethod
    def of(cls, instance: ProcessInstance) -> _Step:
        return cls(instance.definition, instance.centre_id, instance.id, instance.dossier_id)


@dataclass(frozen=True)
class Advance:
    """An instance after a step, with the human tasks that step made ready."""

    instance: ProcessInstance
    new_tasks: list[HumanTask]


def start(
    *, definition: ProcessDefinition, centre_id: int, dossier_id: int | None, data: dict[str, Any]
) -> Advance:
    """Start an instance with its initial data and run it to its first waiting point."""
    bundle = registry.bundle(definition)
    workflow = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=make_script_engine())
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    # A failed start leaves no instance, and the dossier opened with it is rolled back too: name neither.
    _run(workflow, step=_Step(definition, centre_id, None, None))
    now = clock.now()
    instance = ProcessInstance(
        centre_id=centre_id,
        definition=definition,
        dossier_id=dossier_id,
        status=InstanceStatus.RUNNING,
        state="",
        created_at=now,
        updated_at=now,
    )
    db.session.add(instance)
    _store(instance, workflow)
    db.session.flush()  # the instance id is needed by its tasks
    new_tasks = worklist.project(instance, (), worklist.ready_user_tasks(workflow), now=now)
    return Advance(instance, new_tasks)


def load(instance: ProcessInstance) -> BpmnWorkflow:
    """Restore the workflow of an instance with its version's cached spec and the restricted engine."""
    workflow = registry.codec().load_state(instance.state, registry.bundle(instance.definition))
    workflow.script_engine = make_script_engine()  # never serialized: set after every load
    return workflow


def complete(
    *,
    task: HumanTask,
    actor: User,
    data: dict[str, Any] | None = None,
    apply: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Advance:
    """Complete a human task with its data, run the engine, save; a lost race raises ConflictError.

    `apply`, when given, receives what the task sees of the process data and returns the data to add:
    the domain's hook runs on the loaded instance, with no second load.
    """
    worklist.check_can_work_on(task, actor)
    instance = task.instance
    workflow = load(instance)
    engine_task = workflow.get_task_from_id(UUID(task.task_id))
    if engine_task is None or engine_task.state != TaskState.READY:
        raise ConflictError("Cette tâche n'est plus à faire : le dossier a avancé entre-temps.")
    ready_before = worklist.ready_user_tasks(workflow).keys()
    if apply is not None:
        data = apply(dict(engine_task.data))
    engine_task.data.update(data or {})
    _run(workflow, engine_task, step=_Step.of(instance))
    now = clock.now()
    task.completed_at = now
    task.completed_by_id = actor.id
    task.assignee_id = task.assignee_id or actor.id
    ready_after = worklist.ready_user_tasks(workflow)
    new_tasks = worklist.project(
        instance, [key for key in ready_before if key != task.task_id], ready_after, now=now
    )
    _store(instance, workflow)
    return Advance(instance, new_tasks)


def wake(instance: ProcessInstance) -> Advance:
    """Fire the instance's due timers and run on; the worklist follows (a timer may close a task)."""
    workflow = load(instance)
    ready_before = worklist.ready_user_tasks(workflow).keys()
    _run(workflow, refresh_timers=True, step=_Step.of(instance))
    new_tasks = worklist.project(instance, ready_before, worklist.ready_user_tasks(workflow), now=clock.now())
    _store(instance, workflow)
    return Advance(instance, new_tasks)


def deliver(instance: ProcessInstance, *, message: str, payload: dict[str, Any]) -> Advance:
    """Hand a message to an instance that waits for it, and run on; one that does not wait refuses it.

    The caller correlates: it found the instance by the business key (a dossier id) the message carries.
    The payload lands in the process data under the message's variable, as the diagram names it.
    """
    workflow = load(instance)
    ready_before = worklist.ready_user_tasks(workflow).keys()
    try:
        workflow.send_event(BpmnEvent(MessageEventDefinition(message), payload=payload))
    except WorkflowException as exc:
        raise ProcessError(f"Le processus n'attend pas le message « {message} ».") from exc
    _run(workflow, step=_Step.of(instance))
    new_tasks = worklist.project(instance, ready_before, worklist.ready_user_tasks(workflow), now=clock.now())
    _store(instance, workflow)
    return Advance(instance, new_tasks)


def waiting_data(instance: ProcessInstance) -> dict[str, Any]:
    """The process data of the step waiting for a message (what the instruction handed on), for display."""
    workflow = load(instance)
    for engine_task in workflow.get_tasks(state=TaskState.WAITING):
        if isinstance(getattr(engine_task.task_spec, "event_definition", None), MessageEventDefinition):
            return dict(engine_task.data)
    return {}


def awaiting(workflow: BpmnWorkflow) -> str | None:
    """The messages the workflow waits for, by name, or None."""
    names = sorted({event.name for event in workflow.waiting_events() if event.event_type == _MESSAGE_EVENT})
    return ",".join(names) or None


@dataclass(frozen=True)
class ExpectedState:
    """What an instance's stored state says: the columns and task rows kept beside it must agree."""

    ready_task_ids: frozenset[str]
    awaiting_message: str | None
    next_due_at: datetime | None
    completed: bool


def expected_state(instance: ProcessInstance) -> ExpectedState:
    """Read the instance's state as the engine sees it, to check what is stored beside it."""
    workflow = load(instance)
    completed = workflow.is_completed()
    return ExpectedState(
        ready_task_ids=frozenset(worklist.ready_user_tasks(workflow)),
        awaiting_message=None if completed else awaiting(workflow),
        next_due_at=None if completed else timers.next_due(workflow),
        completed=completed,
    )


def record_failure(instance: ProcessInstance, reason: str) -> None:
    """Keep the instance as it was, note why it failed, and retry later with a growing delay."""
    instance.failed_attempts += 1
    instance.error = reason[:2000]
    delay = min(RETRY_BASE * 2 ** (instance.failed_attempts - 1), RETRY_CEILING)
    instance.next_due_at = clock.now() + delay


def task_data(task: HumanTask) -> dict[str, Any]:
    """The data a ready task sees (what the earlier steps decided), for display."""
    workflow = load(task.instance)
    engine_task = workflow.get_task_from_id(UUID(task.task_id))
    return dict(engine_task.data) if engine_task is not None else {}


def _run(workflow: BpmnWorkflow, task: Any = None, *, refresh_timers: bool = False, step: _Step) -> None:
    try:
        if refresh_timers:  # the engine does not run what a fired timer made ready: steps follow
            workflow.refresh_timers()
        if task is not None:
            task.run()
        workflow.do_engine_steps()
    except SandboxStop as stop:
        raise IncidentError(_incident(stop, step)) from None
    except SpiffWorkflowException as exc:
        raise ProcessError(f"Le processus s'est arrêté sur une erreur : {exc}") from exc


def _incident(stop: SandboxStop, step: _Step) -> Incident:
    """Say where the sandbox stopped: the DMN file and rule for a barème, else the diagram's element."""
    definition = step.definition
    table_file = _table_file(definition, stop.table) if stop.table else ""
    element = f"« {stop.element} »" + (f" « {stop.element_name} »" if stop.element_name else "")
    if table_file:
        rule = f", règle {stop.rule}" if stop.rule else ""
        where = f"{table_file} (table « {stop.table} »){rule}, appelé par {stop.file} (élément {element})"
    else:
        where = (
            f"{stop.file or definition.process_key} (élément {element})"
            if stop.element
            else (stop.file or definition.process_key)
        )
    message = (
        f"Étape arrêtée par le bac à sable : dans {where}, l'expression « {_shortened(stop.expression)} » "
        f"{stop.what}. Rien de l'étape n'a été enregistré ; l'incident est signalé dans Administration › "
        "Processus."
    )
    return Incident(
        centre_id=step.centre_id,
        definition_id=definition.id,
        process_key=definition.process_key,
        version=definition.version,
        instance_id=step.instance_id,
        dossier_id=step.dossier_id,
        file=table_file or stop.file,
        element=stop.table if table_file else stop.element,
        element_name="" if table_file else stop.element_name,
        rule=stop.rule,
        kind=stop.kind,
        message=message,
    )


def _table_file(definition: ProcessDefinition, table_id: str) -> str:
    marker = f'id="{table_id}"'
    return next((name for name, text in sorted(definition.sources.items())
                 if name.endswith(".dmn") and marker in text), "")  # fmt: skip


def _shortened(expression: str, limit: int = 120) -> str:
    flat = " ".join(expression.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _store(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    now = clock.now()
    instance.state = registry.codec().dump_state(workflow)
    instance.updated_at = now
    instance.error, instance.failed_attempts = "", 0
    if workflow.is_completed():
        instance.status = InstanceStatus.COMPLETED
        instance.completed_at = now
        instance.next_due_at = None
        instance.awaiting_message = None
    else:
        instance.next_due_at = timers.next_due(workflow)
        instance.awaiting_message = awaiting(workflow)
