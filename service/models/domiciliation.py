"""Domiciliation (L264-1 and D264-1 s. CASF): each election of domicile, and the mail received for it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime
from service.models.people import Person
from service.models.tenancy import CentreScoped


class CommuneLink(enum.StrEnum):
    """The link with the commune that makes the centre competent (L264-4, D264-1 CASF)."""

    SEJOUR = "sejour"
    ACTIVITE_PROFESSIONNELLE = "activite_professionnelle"
    LIENS_FAMILIAUX = "liens_familiaux"
    SUIVI_SOCIAL = "suivi_social"
    SCOLARITE = "scolarite"

    @property
    def label(self) -> str:
        return {
            "sejour": "Séjour sur la commune",
            "activite_professionnelle": "Activité professionnelle sur la commune",
            "liens_familiaux": "Liens familiaux sur la commune",
            "suivi_social": "Suivi social, médico-social ou professionnel engagé sur la commune",
            "scolarite": "Scolarité d'un enfant sur la commune",
        }[self.value]


class RefusalReason(enum.StrEnum):
    SANS_LIEN = "sans_lien"
    DOMICILE_STABLE = "domicile_stable"
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return {
            "sans_lien": "Absence de lien avec la commune",
            "domicile_stable": "La personne dispose d'un domicile stable",
            "autre": "Autre motif",
        }[self.value]


class EndReason(enum.StrEnum):
    SANS_CONTACT = "sans_contact"
    DEMANDE = "demande"
    NON_RENOUVELEE = "non_renouvelee"

    @property
    def label(self) -> str:
        return {
            "sans_contact": "Sans contact depuis trois mois",
            "demande": "À la demande de la personne",
            "non_renouvelee": "Non renouvelée",
        }[self.value]


class SenderKind(enum.StrEnum):
    CAF = "caf"
    CPAM = "cpam"
    FRANCE_TRAVAIL = "france_travail"
    IMPOTS = "impots"
    PREFECTURE = "prefecture"
    BANQUE = "banque"
    ADMINISTRATION = "administration"
    PARTICULIER = "particulier"
    AUTRE = "autre"

    @property
    def label(self) -> str:
        return {
            "caf": "CAF / MSA",
            "cpam": "Assurance maladie",
            "france_travail": "France Travail",
            "impots": "Finances publiques",
            "prefecture": "Préfecture, justice",
            "banque": "Banque, assurance",
            "administration": "Autre administration",
            "particulier": "Particulier",
            "autre": "Autre",
        }[self.value]


class Domiciliation(CentreScoped, Base):
    """One election of domicile: the request (its dossier), the decision, the validity, the last contact."""

    __tablename__ = "domiciliation"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    link: Mapped[str] = mapped_column(String(40))  # a CommuneLink
    link_details: Mapped[str] = mapped_column(Text, default="")
    situation: Mapped[str] = mapped_column(Text, default="")
    requested_on: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(20), default="")  # accord, refus
    refusal_reason: Mapped[str] = mapped_column(String(40), default="")  # a RefusalReason
    refusal_details: Mapped[str] = mapped_column(Text, default="")
    oriented_to: Mapped[str] = mapped_column(String(200), default="")  # the organism a refusal names
    decided_on: Mapped[date | None] = mapped_column(Date, default=None)
    valid_from: Mapped[date | None] = mapped_column(Date, default=None)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    last_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    ended_on: Mapped[date | None] = mapped_column(Date, default=None)
    end_reason: Mapped[str] = mapped_column(String(40), default="")  # an EndReason
    end_details: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True)

    @property
    def link_label(self) -> str:
        return CommuneLink(self.link).label

    def in_force_on(self, day: date) -> bool:
        return (
            self.decision == "accord"
            and self.valid_from is not None
            and self.valid_until is not None
            and self.valid_from <= day <= self.valid_until
            and (self.ended_on is None or day < self.ended_on)
        )


class DomiciliationMail(CentreScoped, Base):
    """A letter received for a domiciled person, and its hand-over against signature."""

    __tablename__ = "domiciliation_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    domiciliation_id: Mapped[int] = mapped_column(ForeignKey("domiciliation.id"), index=True)
    sender_kind: Mapped[str] = mapped_column(String(40))  # a SenderKind
    received_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    handed_over_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    signed_by: Mapped[str] = mapped_column(String(200), default="")  # who signed for it

    @property
    def sender_label(self) -> str:
        return SenderKind(self.sender_kind).label
