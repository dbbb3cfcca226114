"""Legal aid forwarding: the authorities the centre forwards to, and each request's file and transmission."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class AuthorityKind(enum.StrEnum):
    CONSEIL_DEPARTEMENTAL = "conseil_departemental"
    PREFET = "prefet"
    CPAM = "cpam"
    CAF = "caf"
    MSA = "msa"

    @property
    def label(self) -> str:
        return {
            "conseil_departemental": "Conseil départemental",
            "prefet": "Préfet (services de l'État)",
            "cpam": "Caisse primaire d'assurance maladie",
            "caf": "Caisse d'allocations familiales",
            "msa": "Mutualité sociale agricole",
        }[self.value]


class Authority(CentreScoped, Base):
    """An authority competent for some legal aid, in the centre's directory."""

    __tablename__ = "authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AuthorityKind] = mapped_column(
        Enum(AuthorityKind, name="authority_kind", native_enum=False, length=40, values_callable=enum_values)
    )
    address: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LegalAidRequest(CentreScoped, Base):
    """A legal-aid request: its filing date (it sets rights), file, opinion, transmission, outcome."""

    __tablename__ = "legal_aid_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    filed_on: Mapped[date] = mapped_column(Date)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authority.id"))
    pieces: Mapped[str] = mapped_column(Text, default="")
    opinion: Mapped[str] = mapped_column(String(20), default="")
    opinion_reasons: Mapped[str] = mapped_column(Text, default="")
    transmitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    transmission_mode: Mapped[str] = mapped_column(String(40), default="")
    authority_decision: Mapped[str] = mapped_column(String(20), default="")
    authority_decided_on: Mapped[date | None] = mapped_column(Date, default=None)
    authority_reference: Mapped[str] = mapped_column(String(80), default="")

    authority: Mapped[Authority | None] = relationship(lazy="joined")
