"""Fiches de liaison: a town-hall agent refers a person to the centre, the centre evaluates by phone."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.organisation import Commune, Quartier
from service.models.people import Person
from service.models.tenancy import CentreScoped


class LiaisonOutcome(enum.StrEnum):
    """What the phone evaluation led to: the town-hall agent sees this label, never the social file."""

    RENDEZ_VOUS = "rendez_vous"
    DEMANDE_AIDE = "demande_aide"
    ORIENTATION = "orientation"
    INFORMATION = "information"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    LiaisonOutcome.RENDEZ_VOUS: "Rendez-vous avec un·e travailleur·se social·e",
    LiaisonOutcome.DEMANDE_AIDE: "Demande d'aide ouverte",
    LiaisonOutcome.ORIENTATION: "Orientation vers un partenaire",
    LiaisonOutcome.INFORMATION: "Information donnée",
}


class TownHallPost(CentreScoped, Base):
    """Where a town-hall agent (role mairie) works: a commune of the centre, and possibly one quartier."""

    __tablename__ = "town_hall_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), unique=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("quartier.id"), default=None)

    commune: Mapped[Commune] = relationship(lazy="joined")
    quartier: Mapped[Quartier | None] = relationship(lazy="joined")


class Liaison(CentreScoped, Base):
    """One liaison form: who sent it from which town hall, the person (found or described), how to reach
    them, the question, its urgency, the consent to share; then the outcome of the phone evaluation."""

    __tablename__ = "liaison"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("quartier.id"), default=None)
    # The person found among the centre's people, or described when not found.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None, index=True)
    last_name: Mapped[str] = mapped_column(String(100), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    birth_year: Mapped[int | None] = mapped_column(Integer, default=None)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    question: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent: Mapped[bool] = mapped_column(Boolean)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    outcome: Mapped[LiaisonOutcome | None] = mapped_column(
        Enum(
            LiaisonOutcome, name="liaison_outcome", native_enum=False, length=20, values_callable=enum_values
        ),
        default=None,
        index=True,
    )
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    person: Mapped[Person | None] = relationship(lazy="joined")
    commune: Mapped[Commune] = relationship(lazy="joined")
    quartier: Mapped[Quartier | None] = relationship(lazy="joined")

    @property
    def outcome_label(self) -> str:
        return self.outcome.label if self.outcome is not None else "En attente de l'évaluation"

    @property
    def person_name(self) -> str:
        """The person as the town hall named them: the file's name when found, the description otherwise."""
        if self.person is not None:
            return f"{self.person.last_name.upper()} {self.person.first_name}".strip()
        return f"{self.last_name.upper()} {self.first_name}".strip()
