"""Appointments with a social worker: the slots an agent offers, at the centre or in a commune's town hall,
and the appointments booked in them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.account import User
from service.models.base import Base, UtcDateTime, enum_values
from service.models.organisation import Commune
from service.models.people import Person
from service.models.tenancy import CentreScoped


class AppointmentSlot(CentreScoped, Base):
    """An agent's availability: one slot, at the centre (no commune) or in a commune's town hall."""

    __tablename__ = "appointment_slot"
    __table_args__ = (
        UniqueConstraint(
            "agent_id",
            "starts_at",
            info={"field": "start", "message": "Ce créneau existe déjà pour cet agent à cette heure."},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), default=None)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    agent: Mapped[User] = relationship(foreign_keys=[agent_id], lazy="joined", innerjoin=True)
    commune: Mapped[Commune | None] = relationship(lazy="joined")


class AppointmentStatus(enum.StrEnum):
    PREVU = "prevu"
    HONORE = "honore"
    NON_HONORE = "non_honore"
    ANNULE = "annule"

    @property
    def label(self) -> str:
        return {
            "prevu": "Prévu",
            "honore": "Honoré",
            "non_honore": "Non honoré",
            "annule": "Annulé",
        }[self.value]


class Appointment(CentreScoped, Base):
    """A person's appointment in a slot. `holding_slot_id` is the slot while the appointment holds it
    (cleared when cancelled): unique, so a slot is booked once, whoever saves first."""

    __tablename__ = "appointment"
    __table_args__ = (
        UniqueConstraint(
            "holding_slot_id",
            info={
                "conflict": True,
                "message": "Ce créneau vient d'être réservé par quelqu'un d'autre : choisissez-en un autre.",
            },
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("appointment_slot.id"), index=True)
    holding_slot_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_slot.id"), default=None)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[AppointmentStatus] = mapped_column(
        Enum(
            AppointmentStatus,
            name="appointment_status",
            native_enum=False,
            length=20,
            values_callable=enum_values,
        ),
        default=AppointmentStatus.PREVU,
    )
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    outcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    convocation_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), default=None)

    slot: Mapped[AppointmentSlot] = relationship(foreign_keys=[slot_id], lazy="joined", innerjoin=True)
    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True)
