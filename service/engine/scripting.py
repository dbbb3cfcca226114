"""Conditions, scripts, timer and DMN expressions run here: no imports, no dunders, a few helpers."""

from __future__ import annotations

import ast
import builtins
import copy
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from service.engine import services

_SAFE_BUILTINS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "float", "int", "len", "list",
        "max", "min", "range", "round", "set", "sorted", "str", "sum", "tuple", "zip",
    )
}  # fmt: skip
_FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await)
_FORBIDDEN_NAMES = frozenset({
    "eval", "exec", "compile", "open", "globals", "locals", "vars", "getattr", "setattr", "delattr",
    "type", "object", "breakpoint", "input", "help",
})  # fmt: skip


class UnsafeExpressionError(ValueError):
    """A diagram's expression uses something the restricted environment does not allow."""


def check_source(source: str, mode: str = "exec") -> None:
    """Refuse imports, dunder names and attributes, and the builtins that escape a sandbox."""
    tree = ast.parse(source, mode=mode)
    for node in ast.walk(tree):
        if isinstance(node, _FORBIDDEN_NODES):
            raise UnsafeExpressionError(f"interdit dans un diagramme : {type(node).__name__}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise UnsafeExpressionError(f"attribut interdit : {node.attr}")
        if isinstance(node, ast.Name) and (node.id.startswith("__") or node.id in _FORBIDDEN_NAMES):
            raise UnsafeExpressionError(f"nom interdit : {node.id}")


class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """Task data as the namespace, a whitelist of builtins, and every source checked before it runs."""

    def __init__(self, helpers: Mapping[str, Any] | None = None) -> None:
        super().__init__({"__builtins__": dict(_SAFE_BUILTINS), **(helpers or {})})
        self._checked: set[tuple[str, str]] = set()

    def _check(self, source: str, mode: str) -> None:
        if (source, mode) not in self._checked:
            check_source(source, mode)
            self._checked.add((source, mode))

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        self._check(expression, "eval")
        namespace = copy.copy(self.globals)
        namespace.update(external_context or {})
        namespace.update(context)
        namespace["__builtins__"] = self.globals["__builtins__"]
        return eval(expression, namespace)  # noqa: S307 - checked source, whitelisted builtins

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        self._check(script, "exec")
        result: bool = super().execute(script, context, external_context)
        return result

    def call_service(
        self, context: dict[str, Any], operation_name: str, operation_params: dict[str, Any], **_: Any
    ) -> str:
        """A serviceTask: the operation the service registered under that name (engine.services)."""
        return services.call(operation_name, operation_params)


def make_script_engine() -> PythonScriptEngine:
    """A script engine over the restricted environment; set it again after every load."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
