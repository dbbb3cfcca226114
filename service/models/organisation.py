"""The centre (CCAS or CIAS) hosting every business row, with the communes and quartiers it serves."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base
from service.models.tenancy import CentreScoped


class CentreKind(enum.StrEnum):
    CCAS = "CCAS"
    CIAS = "CIAS"


class Centre(Base):
    """A social-action centre; one installation may host several."""

    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CentreKind] = mapped_column(
        Enum(CentreKind, name="centre_kind", native_enum=False, length=8)
    )
    # Letterhead fields, printed on every document.
    address_line: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    president_name: Mapped[str] = mapped_column(String(200), default="")
    president_title: Mapped[str] = mapped_column(String(200), default="")
    # The tribunal administratif the appeal mentions name (R421-5 CJA: without it the delay does not run).
    tribunal_name: Mapped[str] = mapped_column(String(200), default="")
    tribunal_address: Mapped[str] = mapped_column(String(300), default="")

    communes: Mapped[list[Commune]] = relationship(
        back_populates="centre", order_by="Commune.name", cascade="all, delete-orphan"
    )


class Commune(CentreScoped, Base):
    """A commune served by the centre (one for a CCAS, several for a CIAS)."""

    __tablename__ = "commune"
    __table_args__ = (UniqueConstraint("centre_id", "insee_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    insee_code: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(100))

    centre: Mapped[Centre] = relationship(back_populates="communes")
    quartiers: Mapped[list[Quartier]] = relationship(
        back_populates="commune", order_by="Quartier.name", cascade="all, delete-orphan"
    )


class Quartier(CentreScoped, Base):
    """A neighbourhood of a commune, used for proximity intake and statistics."""

    __tablename__ = "quartier"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    commune: Mapped[Commune] = relationship(back_populates="quartiers")
