"""Orientation: the centre's directory of partners, and the people it oriented to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class PartnerKind(enum.StrEnum):
    CMS_EDS = "cms_eds"
    CAF = "caf"
    CPAM = "cpam"
    FRANCE_SERVICES = "france_services"
    AIDE_ALIMENTAIRE = "aide_alimentaire"
    MEDIATION_DETTES = "mediation_dettes"
    CONSEIL_JURIDIQUE = "conseil_juridique"
    ASSOCIATION = "association"

    @property
    def label(self) -> str:
        return {
            "cms_eds": "Centre médico-social / espace départemental des solidarités",
            "caf": "Caisse d'allocations familiales",
            "cpam": "Caisse primaire d'assurance maladie",
            "france_services": "France Services",
            "aide_alimentaire": "Association d'aide alimentaire",
            "mediation_dettes": "Médiation de dettes, point conseil budget",
            "conseil_juridique": "Conseil juridique, accès au droit",
            "association": "Autre association",
        }[self.value]


class OrientationOutcome(enum.StrEnum):
    CONTACTE = "contacte"
    NON_JOINT = "non_joint"
    SANS_OBJET = "sans_objet"

    @property
    def label(self) -> str:
        return {
            "contacte": "La personne a pris contact avec le partenaire",
            "non_joint": "La personne n'a pas joint le partenaire",
            "sans_objet": "L'orientation n'est plus nécessaire",
        }[self.value]


class Partner(CentreScoped, Base):
    """A partner the centre orients people to: how to reach it, and the domains it handles."""

    __tablename__ = "partner"
    __table_args__ = (
        UniqueConstraint(
            "centre_id",
            "name",
            name="uq_partner_centre_id_name",
            info={"field": "name", "message": "Un partenaire porte déjà ce nom dans l'annuaire."},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = mapped_column(
        Enum(PartnerKind, name="partner_kind", native_enum=False, length=40, values_callable=enum_values)
    )
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)  # keys of service.orientation.domains
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Orientation(CentreScoped, Base):
    """A person oriented to a partner: the reason, and whether they agreed to share it with the partner."""

    __tablename__ = "orientation"
    __table_args__ = (Index("ix_orientation_centre_id_oriented_at", "centre_id", "oriented_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    domain: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    oriented_at: Mapped[datetime] = mapped_column(UtcDateTime())
    oriented_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_instance.id"), default=None, index=True
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), default=None)
    mailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    outcome: Mapped[OrientationOutcome | None] = mapped_column(
        Enum(
            OrientationOutcome,
            name="orientation_outcome",
            native_enum=False,
            length=20,
            values_callable=enum_values,
        ),
        default=None,
    )
    outcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    partner: Mapped[Partner] = relationship(lazy="joined")
