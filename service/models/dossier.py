"""Aid dossiers: one request of one person, numbered per centre and year."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.people import Person
from service.models.tenancy import CentreScoped


class AidType(enum.StrEnum):
    """The keys of the aids the service ships, for the code that names one of them.

    An aid is declared once, with its words, in its package of service/aids/; a dossier's `aid_type` is the
    key of any declared aid, shipped or not.
    """

    SECOURS_URGENCE = "secours_urgence"
    COLIS_ALIMENTAIRE = "colis_alimentaire"
    CHEQUE_ACCOMPAGNEMENT = "cheque_accompagnement"
    PRET_SANS_INTERET = "pret_sans_interet"
    AIDE_SOCIALE_LEGALE = "aide_sociale_legale"
    DOMICILIATION = "domiciliation"

    @property
    def label(self) -> str:
        return aid_label(self.value)


# Each aid's name as its declaration gives it (service/aids fills it when it finds the aids).
AID_LABELS: dict[str, str] = {}


def aid_label(key: str) -> str:
    return AID_LABELS.get(key, key)


# Why a request was refused, as the deciding form classes it (the reasons themselves stay free text).
REFUSAL_CATEGORIES: dict[str, str] = {
    "ressources": "Ressources au-dessus du barème",
    "plafond": "Plafond annuel atteint",
    "hors_reglement": "Hors du règlement des aides",
    "autre_dispositif": "Relève d'un autre dispositif",
    "incomplet": "Situation non établie",
    "autre": "Autre motif",
}


class DossierStatus(enum.StrEnum):
    EN_INSTRUCTION = "en_instruction"
    EN_ATTENTE_PIECES = "en_attente_pieces"
    EN_ATTENTE_DECISION = "en_attente_decision"
    ACCORDE = "accorde"
    REFUSE = "refuse"
    VERSE = "verse"
    CLOS = "clos"
    CLASSE_SANS_SUITE = "classe_sans_suite"
    EN_COURS = "en_cours"  # parcels being picked up, a loan being repaid
    TRANSMIS = "transmis"  # a legal-aid file sent to the competent authority

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    DossierStatus.EN_INSTRUCTION: "En instruction",
    DossierStatus.EN_ATTENTE_DECISION: "En attente de décision",
    DossierStatus.ACCORDE: "Accordé",
    DossierStatus.REFUSE: "Refusé",
    DossierStatus.VERSE: "Aide versée",
    DossierStatus.CLOS: "Clos",
    DossierStatus.EN_ATTENTE_PIECES: "En attente de pièces",
    DossierStatus.CLASSE_SANS_SUITE: "Classé sans suite",
    DossierStatus.EN_COURS: "En cours d'exécution",
    DossierStatus.TRANSMIS: "Transmis à l'autorité compétente",
}


class Dossier(CentreScoped, Base):
    """One request for aid; its process instance drives the steps, this row keeps the facts."""

    __tablename__ = "dossier"
    __table_args__ = (UniqueConstraint("centre_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    aid_type: Mapped[str] = mapped_column(String(40))  # the key of a declared aid (service/aids)
    status: Mapped[DossierStatus] = mapped_column(
        Enum(DossierStatus, name="dossier_status", native_enum=False, length=40, values_callable=enum_values)
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")  # what the person asks for, in their words
    situation: Mapped[str] = mapped_column(Text, default="")  # the instructor's assessment
    need_kind: Mapped[str] = mapped_column(String(40), default="")
    payment_mode: Mapped[str] = mapped_column(String(20), default="")
    amount_requested_cents: Mapped[int | None] = mapped_column(Integer, default=None)
    amount_granted_cents: Mapped[int | None] = mapped_column(Integer, default=None)
    decision: Mapped[str] = mapped_column(String(20), default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    amount_paid_cents: Mapped[int | None] = mapped_column(Integer, default=None)
    payment_reference: Mapped[str] = mapped_column(String(80), default="")
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # True: decided under the board's delegation; False: by the committee; None: not decided by the centre.
    decided_under_delegation: Mapped[bool | None] = mapped_column(Boolean, default=None)
    refusal_category: Mapped[str] = mapped_column(String(40), default="")  # a key of REFUSAL_CATEGORIES
    # The household as it was at filing, copied at opening, for the figures (they survive pseudonymisation).
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), index=True, default=None)
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("quartier.id"), index=True, default=None)
    household_kind: Mapped[str] = mapped_column(String(30), default="")
    age_band: Mapped[str] = mapped_column(String(20), default="")
    resources_band: Mapped[str] = mapped_column(String(20), default="")
    housing: Mapped[str] = mapped_column(String(30), default="")

    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True)

    @property
    def aid_label(self) -> str:
        """The aid's name, as its declaration gives it."""
        return aid_label(self.aid_type)
