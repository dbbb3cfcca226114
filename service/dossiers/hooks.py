"""What each aid's module gives the worklist: task hooks, form prefills, choices only the service knows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.models import Dossier, User

# A hook applies a completed form to the dossier and returns the data the process goes on with;
# it sees the process data of the task (what the barème found, what earlier steps decided).
TaskHook = Callable[[Dossier, dict[str, Any], User, dict[str, Any]], dict[str, Any]]
Choices = dict[str, list[tuple[str, str]]]


def no_choices(task_name: str, dossier: Dossier) -> Choices:
    return {}
