"""The audit log: append-only, enforced here for the ORM and by triggers in the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UtcDateTime


class AuditLogAppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


class AuditEvent(Base):
    """Who did what, to what, when. Rows are never updated nor deleted."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_centre_at", "centre_id", "at"),
        Index("ix_audit_event_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Nullable: some events (a failed login for an unknown name) belong to no centre.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(80))
    subject_id: Mapped[str] = mapped_column(String(80))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditLogAppendOnlyError("audit events cannot be modified")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditLogAppendOnlyError("audit events cannot be deleted")
