"""Append to the audit log inside the caller's transaction, and read it back for a centre."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from service import clock
from service.audit.actions import AuditAction
from service.extensions import db
from service.models import AuditEvent, Role, User
from service.permissions import require_role

SYSTEM_ACTOR = "système"


def record(
    *,
    action: AuditAction,
    subject_type: str,
    subject_id: object,
    actor: User | None = None,
    centre_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the session; the calling use case commits it with its own changes."""
    event = AuditEvent(
        centre_id=centre_id if centre_id is not None else (actor.centre_id if actor else None),
        at=clock.now(),
        actor_id=actor.id if actor else None,
        actor_name=actor.full_name if actor else SYSTEM_ACTOR,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details or {},
    )
    db.session.add(event)
    return event


def recent_events(*, actor: User, limit: int = 200) -> Sequence[AuditEvent]:
    """Return the latest events of the actor's centre, newest first; for admins and heads of service."""
    require_role(actor, Role.ADMIN, Role.RESPONSABLE)
    query = (
        select(AuditEvent)
        .where(AuditEvent.centre_id == actor.centre_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return db.session.scalars(query).all()
