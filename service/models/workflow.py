"""Process definitions (one row per version of a diagram), running instances, and their human tasks."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.dossier import Dossier
from service.models.tenancy import CentreScoped


class ProcessDefinition(Base):
    """One deployed version of a process: its sources, their hash, and the parsed spec, stored once."""

    __tablename__ = "process_definition"
    __table_args__ = (
        UniqueConstraint("process_key", "version"),
        UniqueConstraint("process_key", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # {file name: text} of the BPMN file, the DMN tables and the forms it uses. Both are large and read
    # once per process (the parsed spec and forms are cached): deferred, so loading a task skips them.
    sources: Mapped[dict[str, str]] = mapped_column(JSON, deferred=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deployed_by: Mapped[str] = mapped_column(String(200))


class InstanceStatus(enum.StrEnum):
    RUNNING = "en_cours"
    COMPLETED = "terminee"


class ProcessInstance(CentreScoped, Base):
    """A running process for one subject; its state is stored without the spec."""

    __tablename__ = "process_instance"
    __table_args__ = (Index("ix_process_instance_dossier_id", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    status: Mapped[InstanceStatus] = mapped_column(
        Enum(InstanceStatus, name="instance_status", native_enum=False, length=20,
             values_callable=enum_values)
    )  # fmt: skip
    state: Mapped[str] = mapped_column(Text)
    # Optimistic locking: every save checks and bumps it.
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # When the scheduler must wake it: its earliest timer, or a retry after an error; null: nothing to wait.
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None, index=True)
    # The message the instance waits for (a committee decision), so the service finds who is waiting.
    awaiting_message: Mapped[str | None] = mapped_column(String(80), default=None, index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined", innerjoin=True)
    dossier: Mapped[Dossier | None] = relationship()

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's declarative hook


class HumanTask(CentreScoped, Base):
    """The worklist's view of one ready user task: who may do it, who has it, when it is due."""

    __tablename__ = "human_task"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id"),
        Index("ix_human_task_open_by_role", "centre_id", "role", "completed_at"),
        Index("ix_human_task_open_by_assignee", "assignee_id", "completed_at"),
        Index("ix_human_task_open_by_due", "centre_id", "completed_at", "due_at"),
        Index("ix_human_task_open_by_process", "centre_id", "process_key", "completed_at"),
        # The worklist's pages: a centre's open tasks in due-date order (service/engine/worklist_query.py);
        # on PostgreSQL it also carries what the counts per view and the steps offered read (index only).
        Index(
            "ix_human_task_worklist",
            "centre_id",
            "due_at",
            "id",
            postgresql_include=["role", "assignee_id", "task_name", "process_key", "title"],
            postgresql_where=text("completed_at IS NULL"),
            sqlite_where=text("completed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(80))
    task_id: Mapped[str] = mapped_column(String(36))  # the engine's task UUID
    task_name: Mapped[str] = mapped_column(String(80))  # BPMN id of the user task
    title: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    form_key: Mapped[str] = mapped_column(String(120))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # Closed without being done (the process moved on: an escalation, a withdrawal).
    cancelled: Mapped[bool] = mapped_column(default=False)
    # Mail the holders of the role when the task appears (escalations).
    mail_role: Mapped[bool] = mapped_column(default=False)

    instance: Mapped[ProcessInstance] = relationship()
    dossier: Mapped[Dossier | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.completed_at is None
