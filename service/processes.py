"""One process driver: every start, completion, message and wake-up of a process goes through here.

After the engine moved an instance (and stored it), the driver announces the human tasks the step made ready
(the holders of their role are mailed when the diagram asks) and lets the process's subject follow it: a
dossier closes when its process ended, a committee or workshop sitting has nothing more to do. Each kind of
subject registers once, by process key, what it is and how it follows (`register`), so callers never repeat
these after-steps and the scheduler wakes an instance without knowing what it runs for. Nothing here
commits: the caller's use case owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.engine import registry, runtime
from service.models import HumanTask, ProcessInstance, User
from service.notifications import service as notifications

Advance = runtime.Advance
# A step the sandbox stopped: the step is undone, the incident is to be kept (service.deployment).
IncidentError = runtime.IncidentError


def _nothing_to_follow(advance: Advance) -> None:
    return None


@dataclass(frozen=True)
class SubjectKind:
    """What a kind of process runs for: a dossier, a committee sitting, a workshop sitting."""

    name: str  # "dossier", "seance_commission", "seance_atelier": the page a task of it is done on
    label: str  # in French, for the pages
    # The id of the subject a task belongs to (a dossier, a sitting), read in one statement at most.
    subject_of: Callable[[HumanTask], int | None]
    # What the subject does once its process moved (close a finished dossier…), in the same transaction.
    follow: Callable[[Advance], None] = _nothing_to_follow


@dataclass(frozen=True)
class Subject:
    """Where a task is done: the kind of subject and its id (None when it has none any more)."""

    kind: SubjectKind
    id: int | None


_KINDS: dict[str, SubjectKind] = {}
_FAMILIES: list[tuple[Callable[[str], bool], SubjectKind]] = []


def register_family(belongs: Callable[[str], bool], kind: SubjectKind) -> None:
    """Say what every process whose key passes the test runs for (every aid's process runs for a dossier,
    including an aid declared after the start)."""
    if (belongs, kind) not in _FAMILIES:
        _FAMILIES.append((belongs, kind))


def register(process_key: str, kind: SubjectKind) -> None:
    """Say what the processes of this key run for; a key belongs to one kind of subject."""
    known = _KINDS.get(process_key)
    if known is not None and known.name != kind.name:
        raise ValueError(f"le processus {process_key} est déjà celui d'un sujet {known.name}")
    _KINDS[process_key] = kind


def kind_of(process_key: str) -> SubjectKind:
    """The kind of subject a process runs for; an unregistered process is a programming error."""
    if process_key in _KINDS:
        return _KINDS[process_key]
    for belongs, kind in _FAMILIES:
        if belongs(process_key):
            return kind
    raise LookupError(f"aucun sujet n'est déclaré pour le processus {process_key}")


def subject_of(task: HumanTask) -> Subject:
    """Where the task is done: its dossier, or the sitting whose step it is."""
    kind = kind_of(task.process_key)
    return Subject(kind, kind.subject_of(task))


def start(
    *, process_key: str, centre_id: int, data: dict[str, Any], dossier_id: int | None = None
) -> Advance:
    """Start the latest version of a process, then announce its first tasks."""
    advance = runtime.start(
        definition=registry.latest(process_key), centre_id=centre_id, dossier_id=dossier_id, data=data
    )
    return _followed(advance)


def complete(
    *,
    task: HumanTask,
    actor: User,
    data: dict[str, Any] | None = None,
    apply: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Advance:
    """Complete a human task (a lost race raises ConflictError), then follow the process."""
    return _followed(runtime.complete(task=task, actor=actor, data=data, apply=apply))


def deliver(instance: ProcessInstance, *, message: str, payload: dict[str, Any]) -> Advance:
    """Hand a message to an instance that waits for it, then follow the process."""
    return _followed(runtime.deliver(instance, message=message, payload=payload))


def wake(instance: ProcessInstance, *, directory: notifications.Directory | None = None) -> Advance:
    """Fire the instance's due timers, then follow the process; a run reads role addresses once."""
    return _followed(runtime.wake(instance), directory=directory)


def _followed(advance: Advance, *, directory: notifications.Directory | None = None) -> Advance:
    notifications.announce(advance.new_tasks, directory=directory)
    kind_of(advance.instance.definition.process_key).follow(advance)
    return advance
