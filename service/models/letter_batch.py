"""Letters queued in a closing transaction and printed to PDF afterwards, with their batch's progress."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class BatchStatus(enum.StrEnum):
    EN_ATTENTE = "en_attente"
    EN_COURS = "en_cours"
    TERMINEE = "terminee"
    ECHEC = "echec"

    @property
    def label(self) -> str:
        return {
            "en_attente": "En attente d'impression",
            "en_cours": "Impression en cours",
            "terminee": "Imprimés",
            "echec": "Échec de l'impression",
        }[self.value]


class LetterBatch(CentreScoped, Base):
    """The decision letters of one committee session, printed in the background."""

    __tablename__ = "letter_batch"
    __table_args__ = (Index("ix_letter_batch_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id"), index=True)
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[BatchStatus] = mapped_column(
        Enum(BatchStatus, name="batch_status", native_enum=False, length=20, values_callable=enum_values)
    )
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Moved at each letter printed: a batch "en cours" that has not moved for long lost its worker.
    progress_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class PendingLetter(CentreScoped, Base):
    """One letter of a batch: its HTML rendered at the decision, its document once printed."""

    __tablename__ = "pending_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("letter_batch.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    html: Mapped[str] = mapped_column(Text, deferred=True)  # emptied once printed
    # What the letter was issued with, kept on its document so that a correction prints it again.
    issue_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), default=None)
