"""Diagram expressions (conditions, scripts, timers, DMN entries, service-task arguments) run in the sandbox.

Each one is checked by the RestrictedPython policy (sandbox/policy.py), then evaluated either in this
process when it provably stays small (sandbox/bounded.py) or in a warm worker process that has a budget of
CPU time and memory (sandbox/worker.py, sandbox/pool.py). An evaluation stopped by the sandbox raises
SandboxStop, which SpiffWorkflow passes through its wrappers unchanged and the runtime turns into an
incident; an expression's ordinary error (a missing name) reaches the engine as the same Python error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import has_app_context
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from service.config import current_settings
from service.engine import services, table_expressions
from service.engine.sandbox import bounded, policy, wire
from service.engine.sandbox import pool as pools
from service.engine.sandbox.policy import RefusedError

# The errors an expression may raise that the engine sees as they are; any other comes as a RuntimeError.
_PASSED_ON_ERRORS: dict[str, type[Exception]] = {
    kind.__name__: kind
    for kind in (
        NameError, KeyError, IndexError, TypeError, ValueError, ZeroDivisionError, AttributeError,
        ArithmeticError, OverflowError, LookupError, UnboundLocalError,
    )
}  # fmt: skip


@dataclass(frozen=True)
class Limits:
    """The budget of one evaluation, and how many worker processes share the work."""

    cpu_ms: int = 1000
    memory_mib: int = 256
    workers: int = 2


def current_limits() -> Limits:
    """The application's settings; the defaults outside an application (a check run from a test)."""
    if not has_app_context():
        return Limits()
    settings = current_settings()
    return Limits(settings.SANDBOX_CPU_MS, settings.SANDBOX_MEMORY_MIB, settings.SANDBOX_WORKERS)


class SandboxStop(SpiffWorkflowException):  # type: ignore[misc]
    """The sandbox stopped an evaluation: over its budget, refused at run time, or its worker lost."""

    def __init__(self, kind: str, what: str, expression: str) -> None:
        super().__init__(what)
        self.kind = kind  # temps, mémoire, taille, récursion, refus, arrêt
        self.what = what  # French, reads after "l'expression …"
        self.expression = expression
        self.file = self.element = self.element_name = self.table = self.rule = ""
        self.located = False

    def locate(self, task: Any, expression: str) -> None:
        """Note the file, element and, inside a DMN table, the rule that was being evaluated."""
        if self.located:
            return
        self.located = True
        spec = task.task_spec
        self.file = getattr(task.workflow.spec, "file", "") or ""
        self.element = spec.bpmn_id or spec.name
        self.element_name = spec.bpmn_name or ""
        engine = getattr(spec, "dmnEngine", None)
        if engine is not None:
            table = engine.decision_table
            self.table = table.id
            self.rule = table_expressions.locate(table, expression)


def stop_description(kind: pools.StopKind, limits: Limits) -> str:
    if kind is pools.StopKind.CPU:
        return f"a dépassé le temps de calcul autorisé ({_duration(limits.cpu_ms)} de processeur)"
    if kind is pools.StopKind.MEMORY:
        return f"a dépassé la mémoire autorisée ({limits.memory_mib} Mio)"
    if kind is pools.StopKind.SIZE:
        # Its data or its result, on the way to or back from the worker.
        mebibytes = wire.MAX_MESSAGE_BYTES // 2**20
        return f"a dépassé la taille autorisée pour ses données ou son résultat ({mebibytes} Mio)"
    if kind is pools.StopKind.RECURSION:
        return "a dépassé la profondeur d'imbrication autorisée (récursion)"
    return "s'est arrêtée anormalement (processus d'évaluation perdu)"


_KIND_WORDS = {
    pools.StopKind.CPU: "temps",
    pools.StopKind.MEMORY: "mémoire",
    pools.StopKind.SIZE: "taille",
    pools.StopKind.RECURSION: "récursion",
    pools.StopKind.LOST: "arrêt",
}


def _duration(milliseconds: int) -> str:
    if milliseconds % 1000 == 0:
        return f"{milliseconds // 1000} s"
    return f"{milliseconds} ms" if milliseconds < 1000 else f"{milliseconds / 1000:.1f} s".replace(".", ",")


def _checked(source: str, mode: policy.Mode) -> policy.Checked:
    try:
        return policy.check(source, mode)
    except RefusedError as exc:
        raise SandboxStop("refus", f"a été refusée par le bac à sable : {exc}", source) from None


def _in_worker(
    checked: policy.Checked, values: Mapping[str, Any], external: tuple[str, ...], limits: Limits
) -> Any:
    try:
        encoded = wire.encode(dict(values))
    except wire.UnsupportedValueError as exc:
        raise TypeError(str(exc)) from None
    except RecursionError:
        raise TypeError("données trop imbriquées pour le bac à sable") from None
    worker_pool = pools.pool(memory_mib=limits.memory_mib, size=limits.workers)
    request = {"mode": checked.mode, "source": checked.source, "values": encoded, "external": external}
    try:
        return worker_pool.evaluate(request, cpu_ms=limits.cpu_ms)
    except pools.StoppedError as exc:
        raise SandboxStop(_KIND_WORDS[exc.kind], stop_description(exc.kind, limits), checked.source) from None
    except pools.RefusedAtRunError as exc:
        raise SandboxStop("refus", f"a été refusée par le bac à sable : {exc}", checked.source) from None
    except pools.RaisedError as exc:
        raise _PASSED_ON_ERRORS.get(exc.type_name, RuntimeError)(exc.message) from None


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Task data as the namespace, as SpiffWorkflow's TaskDataEnvironment has it, the sandbox underneath."""

    def __init__(self, limits: Limits, *, bounded_in_process: bool = True) -> None:
        super().__init__({})
        self.limits = limits
        # False sends every evaluation to a worker: the benchmark measures what the shortcut saves.
        self.bounded_in_process = bounded_in_process

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        checked = _checked(expression, "eval")
        external = external_context or {}
        # Only the names the expression uses travel; the task's data wins over the external context.
        values = {name: context[name] if name in context else external[name]
                  for name in checked.names if name in context or name in external}  # fmt: skip
        if checked.bounded_tree is not None and self.bounded_in_process:
            try:
                return bounded.evaluate(checked.bounded_tree, values)  # type: ignore[arg-type]
            except bounded.NotBoundedError:
                pass
        return _in_worker(checked, values, (), self.limits)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        checked = _checked(script, "exec")
        external = external_context or {}
        # For a script the external context wins, and what it brought is not kept (SpiffWorkflow's rules).
        values = {name: external[name] if name in external else context[name]
                  for name in checked.names if name in context or name in external}  # fmt: skip
        kept: dict[str, Any] | None = None
        if checked.bounded_tree is not None and self.bounded_in_process:
            try:
                kept = bounded.execute(checked.bounded_tree, values)  # type: ignore[arg-type]
            except bounded.NotBoundedError:
                kept = None
        if kept is None:
            brought = tuple(name for name in values if name in external)
            kept = _in_worker(checked, values, brought, self.limits)
        context.update(
            {name: value for name, value in kept.items() if name not in external and not callable(value)}
        )
        return True

    def call_service(
        self, context: dict[str, Any], operation_name: str, operation_params: dict[str, Any], **_: Any
    ) -> str:
        """A serviceTask: the operation the service registered under that name (engine.services)."""
        return services.call(operation_name, operation_params)


class SandboxedScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """SpiffWorkflow's script engine over the sandbox; a stop carries the task it happened in."""

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        try:
            return super().evaluate(task, expression, external_context)
        except SandboxStop as stop:
            stop.locate(task, expression)
            raise

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        try:
            return super().execute(task, script, external_context)
        except SandboxStop as stop:
            stop.locate(task, script)
            raise


def make_script_engine(limits: Limits | None = None) -> PythonScriptEngine:
    """A script engine over the sandbox; set it again after every load (it is never serialized)."""
    return SandboxedScriptEngine(environment=SandboxedEnvironment(limits or current_limits()))


def warm_up() -> None:
    """Start the worker processes now, before serving: no request then waits for one to start."""
    limits = current_limits()
    pools.pool(memory_mib=limits.memory_mib, size=limits.workers).warm()
