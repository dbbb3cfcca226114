"""A dossier's diagram: its process drawn with the current step, the path taken, the pending timers, and what
it waits for said in words. No part of the social file is in it: whoever may open the dossier sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from service.access import service as access
from service.engine import progress
from service.engine.progress import PendingTimer
from service.extensions import db
from service.models import (
    AgendaItem,
    CommitteeSession,
    Dossier,
    ItemStatus,
    ProcessDefinition,
    ProcessInstance,
    SessionStatus,
    User,
)

COMMITTEE_MESSAGE = "decision_commission"


@dataclass(frozen=True)
class Waiting:
    """What the process waits for: the committee (with its session, if the dossier is on one's agenda), or
    another message by name."""

    message: str
    session_at: datetime | None = None

    @property
    def committee(self) -> bool:
        return self.message == COMMITTEE_MESSAGE


@dataclass(frozen=True)
class DossierDiagram:
    source: str
    done: list[str]
    current: list[str]
    timers: list[PendingTimer]
    waiting: Waiting | None


_WITH_PROCESS = access.LoadedWith(
    columns=(ProcessInstance, ProcessDefinition.sources),
    outer_joins=(
        (ProcessInstance, ProcessInstance.dossier_id == Dossier.id),
        (ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id),
    ),
)


def dossier_diagram(*, actor: User, dossier_id: int) -> DossierDiagram | None:
    """The diagram of the dossier's process as it stands (None: the dossier has no process)."""
    found = access.dossier(actor, dossier_id, loaded_with=_WITH_PROCESS)
    instance, sources = found.extra
    if instance is None or sources is None:
        return None
    stands = progress.progress(instance, sources=sources)
    return DossierDiagram(stands.source, stands.done, stands.current, stands.timers, _waiting(instance))


@dataclass(frozen=True)
class Standing:
    """What the dossier's page says of its process: the timers it waits for, and the message it awaits."""

    timers: list[PendingTimer]
    waiting: Waiting | None


def standing_of(instance: ProcessInstance | None) -> Standing | None:
    """Where the dossier's process stands, in words (None: the dossier has no process).

    The state is read only when a timer waits: each save keeps the instance's next due instant beside it,
    and none means no timer waits (the page then costs no load of the process)."""
    if instance is None:
        return None
    timers = progress.progress(instance, sources=None).timers if instance.next_due_at is not None else []
    return Standing(timers, _waiting(instance))


def _waiting(instance: ProcessInstance) -> Waiting | None:
    if not instance.awaiting_message:
        return None
    message = instance.awaiting_message.split(",")[0]
    session_at = _committee_session(instance.dossier_id or 0) if message == COMMITTEE_MESSAGE else None
    return Waiting(message, session_at)


def _committee_session(dossier_id: int) -> datetime | None:
    """When the session whose agenda carries the dossier sits, if one does (not closed yet)."""
    return db.session.scalars(
        select(CommitteeSession.starts_at)
        .join(AgendaItem, AgendaItem.session_id == CommitteeSession.id)
        .where(
            AgendaItem.dossier_id == dossier_id,
            AgendaItem.status == ItemStatus.INSCRIT,
            CommitteeSession.status.in_([SessionStatus.PREPARATION, SessionStatus.CONVOQUEE]),
        )
        .order_by(CommitteeSession.starts_at)
    ).first()
