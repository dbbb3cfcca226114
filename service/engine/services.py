"""Service tasks: a diagram's serviceTask names an operation the service registered, and calls it.

The operation runs inside the engine steps, in the caller's transaction: what it writes (a status, mail in the
outbox) is saved with the instance, or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

Operation = Callable[[dict[str, Any]], dict[str, Any]]
_OPERATIONS: dict[str, Operation] = {}


class UnknownOperationError(LookupError):
    """A serviceTask names an operation nobody registered."""


def register(name: str, operation: Operation) -> None:
    """Make `operation` callable from diagrams as `name`; registering a name twice keeps the last one."""
    _OPERATIONS[name] = operation


def known(name: str) -> bool:
    return name in _OPERATIONS


def call(name: str, parameters: Mapping[str, Any]) -> str:
    """Run the operation with the parameters' values; its result, as JSON, lands in the task data."""
    operation = _OPERATIONS.get(name)
    if operation is None:
        raise UnknownOperationError(f"opération de service inconnue : {name}")
    values = {key: parameter["value"] for key, parameter in parameters.items()}
    return json.dumps(operation(values))
