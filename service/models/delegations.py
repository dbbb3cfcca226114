"""The acts that say who may decide and who may sign: the board's deliberations delegating its power to its
president or a vice-president (R123-21 CASF), and the president's delegations of signature (R123-23)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.account import User
from service.models.base import Base, UtcDateTime, enum_values
from service.models.tenancy import CentreScoped


class DelegateeCapacity(enum.StrEnum):
    """The only members the board may delegate its power to decide to (R123-21 CASF)."""

    PRESIDENT = "president"
    VICE_PRESIDENT = "vice_president"

    @property
    def label(self) -> str:
        return "Président·e" if self is DelegateeCapacity.PRESIDENT else "Vice-président·e"


class BoardDelegation(CentreScoped, Base):
    """A deliberation of the board delegating its power to grant some aids, within ceilings, to one member.

    Versioned: a later deliberation for the same holder supersedes it from the day it is in force; the row
    stays, so a decision keeps citing the act it was taken under.
    """

    __tablename__ = "board_delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(
        String(40)
    )  # the deliberation's number, as the board's register has it
    adopted_on: Mapped[date] = mapped_column(Date)
    in_force_from: Mapped[date] = mapped_column(Date)
    holder_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    capacity: Mapped[DelegateeCapacity] = mapped_column(
        Enum(DelegateeCapacity, name="delegatee_capacity", native_enum=False, length=20,
             values_callable=enum_values)
    )  # fmt: skip
    # Aid key → ceiling per decision in cents (None: within the yearly ceiling only); the aids delegated.
    ceilings_cents: Mapped[dict[str, int | None]] = mapped_column(JSON, default=dict)
    covers_amendments: Mapped[bool] = mapped_column(Boolean, default=False)  # a loan's amendments
    superseded_on: Mapped[date | None] = mapped_column(Date, default=None)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("board_delegation.id"), default=None)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    holder: Mapped[User] = relationship(foreign_keys=[holder_id], lazy="joined", innerjoin=True)

    def in_force(self, on: date) -> bool:
        return self.in_force_from <= on and (self.superseded_on is None or on < self.superseded_on)


class SignatureDelegation(CentreScoped, Base):
    """An arrêté by which a delegatee (the president) lets an agent sign some aids' decisions for him."""

    __tablename__ = "signature_delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))  # the arrêté's number
    signed_on: Mapped[date] = mapped_column(Date)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    aids: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id], lazy="joined", innerjoin=True)
    holder: Mapped[User] = relationship(foreign_keys=[holder_id], lazy="joined", innerjoin=True)

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)
