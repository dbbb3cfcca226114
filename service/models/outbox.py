"""The outbox: mail is a row written in the business transaction, delivered later by the scheduler."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UtcDateTime, enum_values


class MailStatus(enum.StrEnum):
    PENDING = "en_attente"
    SENDING = "envoi_en_cours"  # claimed by a worker until claimed_until; then anyone may take it again
    SENT = "envoye"
    FAILED = "echec"

    @property
    def label(self) -> str:
        return {
            "en_attente": "En attente",
            "envoi_en_cours": "Envoi en cours",
            "envoye": "Envoyé",
            "echec": "Échec",
        }[self.value]


class OutboxMessage(Base):
    """One e-mail to send, with its delivery attempts."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Nullable: installation-wide mail (an operator's alert) belongs to no centre.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # At most one message per key (a digest per agent and day): a second one is not queued.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    attachment_document_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Small text files sent along (an iCal invitation): {"filename", "content_type", "text"}.
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    status: Mapped[MailStatus] = mapped_column(
        Enum(MailStatus, name="mail_status", native_enum=False, length=20, values_callable=enum_values)
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Fixed when the message is queued and kept across retries: a server that got it twice can tell.
    message_id: Mapped[str] = mapped_column(String(255), default="")
    # The worker sending it holds it until then (a lease); a worker killed mid-send lets it go at that time.
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    claim_token: Mapped[str | None] = mapped_column(String(32), default=None)
