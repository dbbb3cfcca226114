"""The rights a person may not have opened: OpenFisca's estimates, and what the agent did of them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class EstimateStatus(enum.StrEnum):
    EN_ATTENTE = "en_attente"
    CALCULEE = "calculee"
    INDISPONIBLE = "indisponible"

    @property
    def label(self) -> str:
        return {
            "en_attente": "Estimation en cours",
            "calculee": "Estimation calculée",
            "indisponible": "Estimation indisponible",
        }[self.value]


class Housing(enum.StrEnum):
    """How the household is housed, in the words of the agent (mapped to OpenFisca's occupancy status)."""

    LOCATAIRE_VIDE = "locataire_vide"
    LOCATAIRE_MEUBLE = "locataire_meuble"
    PROPRIETAIRE = "proprietaire"
    HEBERGE = "loge_gratuitement"
    SANS_DOMICILE = "sans_domicile"

    @property
    def label(self) -> str:
        return {
            "locataire_vide": "Locataire d'un logement vide",
            "locataire_meuble": "Locataire d'un meublé ou d'un foyer",
            "proprietaire": "Propriétaire ou accédant",
            "loge_gratuitement": "Hébergé·e gratuitement",
            "sans_domicile": "Sans domicile stable",
        }[self.value]


class RightsEstimate(CentreScoped, Base):
    """One estimate of a household's legal rights for one month, from the facts it was asked with.

    `inputs_hash` is the hash of the situation sent to OpenFisca: an estimate stays valid (cached) while the
    household and budget give the same situation, and a new one is asked when they change.
    """

    __tablename__ = "rights_estimate"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    month: Mapped[date] = mapped_column(Date)  # the first day of the month estimated
    housing: Mapped[Housing] = mapped_column(
        Enum(Housing, name="rights_housing", native_enum=False, length=20, values_callable=enum_values)
    )
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    inputs_hash: Mapped[str] = mapped_column(String(64), index=True)
    situation: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[EstimateStatus] = mapped_column(
        Enum(
            EstimateStatus,
            name="rights_estimate_status",
            native_enum=False,
            length=20,
            values_callable=enum_values,
        ),
        default=EstimateStatus.EN_ATTENTE,
        index=True,
    )
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    # Monthly amounts in cents by right key (service.rights.catalogue); a right without an amount is absent.
    amounts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")


class FollowUpStatus(enum.StrEnum):
    DEJA_OUVERT = "deja_ouvert"
    DEMANDE_FAITE = "demande_faite"
    NON_SOUHAITE = "non_souhaite"

    @property
    def label(self) -> str:
        return {
            "deja_ouvert": "Déjà ouvert",
            "demande_faite": "Demande faite",
            "non_souhaite": "La personne ne le souhaite pas",
        }[self.value]


class RightFollowUp(CentreScoped, Base):
    """What the agent recorded about one potential right: already open, a request made on a date, declined."""

    __tablename__ = "right_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    right: Mapped[str] = mapped_column(String(40))
    status: Mapped[FollowUpStatus] = mapped_column(
        Enum(
            FollowUpStatus,
            name="right_follow_up_status",
            native_enum=False,
            length=20,
            values_callable=enum_values,
        )
    )
    on_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), default=None)
