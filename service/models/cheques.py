"""Personalised support cheques (CAP): cheque books in stock and the numbered cheques issued from them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class ChequeNature(enum.StrEnum):
    ALIMENTATION = "alimentation"
    HYGIENE = "hygiene"
    HABILLEMENT = "habillement"
    TRANSPORT = "transport"
    ENERGIE = "energie"
    SCOLARITE = "scolarite"

    @property
    def label(self) -> str:
        return {
            "alimentation": "Alimentation",
            "hygiene": "Hygiène",
            "habillement": "Habillement",
            "transport": "Transport",
            "energie": "Énergie",
            "scolarite": "Fournitures scolaires",
        }[self.value]


class ChequeBook(CentreScoped, Base):
    """A cheque book received in stock: a series of consecutive numbers of one face value and nature."""

    __tablename__ = "cheque_book"
    __table_args__ = (
        UniqueConstraint("centre_id", "series"),
        CheckConstraint("last_number >= first_number", name="numbers_in_order"),
        CheckConstraint("face_value_cents > 0", name="positive_face_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    first_number: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer)
    face_value_cents: Mapped[int] = mapped_column(Integer)
    nature: Mapped[ChequeNature] = mapped_column(
        Enum(ChequeNature, name="cheque_nature", native_enum=False, length=20, values_callable=enum_values)
    )
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))

    @property
    def size(self) -> int:
        return self.last_number - self.first_number + 1


class IssuedCheque(CentreScoped, Base):
    """A cheque taken out of stock for a dossier; the unique constraint makes a number leave stock once."""

    __tablename__ = "issued_cheque"
    __table_args__ = (UniqueConstraint("book_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("cheque_book.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    handed_over_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    book: Mapped[ChequeBook] = relationship(lazy="joined", innerjoin=True)
