"""Issued documents: stored with their SHA-256, never regenerated in place; a correction is a new document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, deferred, mapped_column

from service.models.base import Base, UtcDateTime
from service.models.tenancy import CentreScoped


class DocumentIsARecordError(RuntimeError):
    """Raised on any attempt to change or remove an issued document."""


class Document(CentreScoped, Base):
    """A PDF the centre issued: a decision letter, a schedule, minutes…"""

    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_subject", "subject_type", "subject_id"),
        # A document is corrected at most once: a second, simultaneous rectificatif loses.
        UniqueConstraint(
            "corrects_id",
            info={
                "conflict": True,
                "message": "Ce document vient d'être rectifié par quelqu'un d'autre : rechargez la page.",
            },
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(40), default="")  # DEC2026_014 for a delegated decision
    title: Mapped[str] = mapped_column(String(200))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The document this one corrects (annule et remplace); a document is corrected at most once.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    # What it was issued with (a decision's number, grant text…), so that a correction prints it again.
    issue_params: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # Set when retention destroyed the PDF past the archival period: the register keeps its number, date,
    # title and SHA-256; the content is gone.
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class Counter(CentreScoped, Base):
    """The last number a centre gave in a series (dossiers, delegated decisions…) and a year."""

    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("centre_id", "series", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


@event.listens_for(Document, "before_update")
def _refuse_update(mapper: object, connection: object, target: Document) -> None:
    raise DocumentIsARecordError("an issued document is never changed: issue a correction")


@event.listens_for(Document, "before_delete")
def _refuse_delete(mapper: object, connection: object, target: Document) -> None:
    raise DocumentIsARecordError("an issued document is never deleted")
