"""Food parcels (colis alimentaires): the parcels a decision grants, each picked up or missed."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class ParcelStatus(enum.StrEnum):
    A_RETIRER = "a_retirer"
    RETIRE = "retire"
    NON_RETIRE = "non_retire"
    ANNULE = "annule"

    @property
    def label(self) -> str:
        return {
            "a_retirer": "À retirer",
            "retire": "Retiré",
            "non_retire": "Non retiré",
            "annule": "Annulé",
        }[self.value]


class Parcel(CentreScoped, Base):
    """One parcel of a food-parcel decision, to pick up at a distribution point in a given week."""

    __tablename__ = "parcel"
    __table_args__ = (UniqueConstraint("dossier_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)  # 1, 2, … in pick-up order
    planned_on: Mapped[date] = mapped_column(Date)
    distribution_point: Mapped[str] = mapped_column(String(200))
    status: Mapped[ParcelStatus] = mapped_column(
        Enum(ParcelStatus, name="parcel_status", native_enum=False, length=20, values_callable=enum_values)
    )
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
