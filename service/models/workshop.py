"""Collective workshops (actions collectives): themes, sessions, series, registrations and attendance."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime, enum_values
from service.models.people import Person
from service.models.tenancy import CentreScoped


class WorkshopTheme(CentreScoped, Base):
    """What a workshop is about (éco-gestes, budget, numérique, santé…), edited by the centre."""

    __tablename__ = "workshop_theme"
    __table_args__ = (
        UniqueConstraint(
            "centre_id",
            "name",
            info={"field": "name", "message": "Un thème porte déjà ce nom dans votre centre."},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Frequency(enum.StrEnum):
    HEBDOMADAIRE = "hebdomadaire"
    MENSUELLE = "mensuelle"

    @property
    def label(self) -> str:
        return "Chaque semaine" if self is Frequency.HEBDOMADAIRE else "Chaque mois"


class WorkshopSeries(CentreScoped, Base):
    """N sessions of a theme planned at once, weekly or monthly."""

    __tablename__ = "workshop_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("workshop_theme.id"))
    frequency: Mapped[Frequency] = mapped_column(
        Enum(Frequency, name="workshop_frequency", native_enum=False, length=20, values_callable=enum_values)
    )
    occurrences: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WorkshopStatus(enum.StrEnum):
    OUVERTE = "ouverte"
    A_CONFIRMER = "a_confirmer"
    CONFIRMEE = "confirmee"
    ANNULEE = "annulee"
    TENUE = "tenue"
    CLOSE = "close"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    WorkshopStatus.OUVERTE: "Inscriptions ouvertes",
    WorkshopStatus.A_CONFIRMER: "Minimum non atteint : à maintenir ou annuler",
    WorkshopStatus.CONFIRMEE: "Confirmée",
    WorkshopStatus.ANNULEE: "Annulée",
    WorkshopStatus.TENUE: "Tenue, évaluation à faire",
    WorkshopStatus.CLOSE: "Close",
}
REGISTRABLE = (WorkshopStatus.OUVERTE, WorkshopStatus.A_CONFIRMER, WorkshopStatus.CONFIRMEE)


class WorkshopSession(CentreScoped, Base):
    """One session of a theme: when, where, who leads it, how many seats; its process drives the steps."""

    __tablename__ = "workshop_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("workshop_theme.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("workshop_series.id"), default=None)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    place: Mapped[str] = mapped_column(String(200))
    facilitators: Mapped[str] = mapped_column(String(300))
    capacity: Mapped[int] = mapped_column(Integer)
    minimum: Mapped[int] = mapped_column(Integer)
    # Confirmed registrations, kept by conditional updates: the last seat goes to exactly one person.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[WorkshopStatus] = mapped_column(
        Enum(
            WorkshopStatus, name="workshop_status", native_enum=False, length=20, values_callable=enum_values
        )
    )
    status_note: Mapped[str] = mapped_column(Text, default="")  # why it was cancelled
    organiser_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # The satisfaction questionnaire handed out at the end: answers, how many satisfied, what came of it.
    evaluation_answers: Mapped[int | None] = mapped_column(Integer, default=None)
    evaluation_satisfied: Mapped[int | None] = mapped_column(Integer, default=None)
    evaluation_notes: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    theme: Mapped[WorkshopTheme] = relationship(lazy="joined", innerjoin=True)
    registrations: Mapped[list[WorkshopRegistration]] = relationship(
        back_populates="session", order_by="(WorkshopRegistration.registered_at, WorkshopRegistration.id)"
    )

    @property
    def confirmed(self) -> list[WorkshopRegistration]:
        """The registrations holding a seat, in order of registration."""
        return [r for r in self.registrations if r.status is RegistrationStatus.CONFIRMEE]


class RegistrationStatus(enum.StrEnum):
    CONFIRMEE = "confirmee"
    ATTENTE = "attente"
    ANNULEE = "annulee"

    @property
    def label(self) -> str:
        return {"confirmee": "Confirmée", "attente": "Liste d'attente", "annulee": "Annulée"}[self.value]


class Referral(enum.StrEnum):
    AGENT = "agent"
    PARTENAIRE = "partenaire"
    PERSONNE = "personne"

    @property
    def label(self) -> str:
        return {
            "agent": "Un agent du centre",
            "partenaire": "Un partenaire",
            "personne": "La personne elle-même",
        }[self.value]


class WorkshopRegistration(CentreScoped, Base):
    """A person's place in a session: confirmed, on the waiting list (in order of arrival) or cancelled."""

    __tablename__ = "workshop_registration"
    __table_args__ = (
        UniqueConstraint(
            "session_id",
            "person_id",
            info={"conflict": True, "message": "Cette personne vient d'être inscrite par quelqu'un d'autre."},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        Enum(
            RegistrationStatus,
            name="registration_status",
            native_enum=False,
            length=20,
            values_callable=enum_values,
        )
    )
    referral: Mapped[Referral] = mapped_column(
        Enum(Referral, name="workshop_referral", native_enum=False, length=20, values_callable=enum_values)
    )
    referral_detail: Mapped[str] = mapped_column(String(200), default="")  # which partner, which agent
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    promoted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    attended: Mapped[bool | None] = mapped_column(Boolean, default=None)

    session: Mapped[WorkshopSession] = relationship(back_populates="registrations")
    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True)
