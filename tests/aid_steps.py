"""Walk any aid's dossier through its tasks with the use cases, as the agents of each role would
(the factories themselves are in scenarios/factories.py)."""

from __future__ import annotations

from scenarios.factories import do, instance_of, open_aid, open_task, open_task_names, person_with_budget
from service.models import Dossier

__all__ = ["NOTIFIED", "do", "instance_of", "open_aid", "open_tasks", "person_with_budget", "task_of"]

task_of = open_task
NOTIFIED = {"moyen": "courrier", "date_notification": "2026-11-23"}


def open_tasks(dossier: Dossier) -> list[str]:
    return sorted(open_task_names(dossier))
