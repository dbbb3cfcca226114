"""Interest-free loans: the loan, its schedules (an amendment is a new version), its repayments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, UtcDateTime
from service.models.tenancy import CentreScoped


class Loan(CentreScoped, Base):
    """The loan a committee granted; what remains due is the amount minus the repayments."""

    __tablename__ = "loan"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="positive_amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disbursed_on: Mapped[date | None] = mapped_column(Date, default=None)
    disbursement_reference: Mapped[str] = mapped_column(String(80), default="")
    repaid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    schedules: Mapped[list[LoanSchedule]] = relationship(order_by="LoanSchedule.version")
    repayments: Mapped[list[LoanRepayment]] = relationship(order_by="LoanRepayment.id")


class LoanSchedule(CentreScoped, Base):
    """One version of the repayment schedule; an amendment adds a version and keeps the old ones."""

    __tablename__ = "loan_schedule"
    __table_args__ = (UniqueConstraint("loan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    months: Mapped[int] = mapped_column(Integer)
    first_due_on: Mapped[date] = mapped_column(Date)
    # What the schedule spreads: the amount for the first version, what remained due for an amendment.
    scheduled_cents: Mapped[int] = mapped_column(Integer)
    # Repaid before this version started: its instalments cover what came after.
    repaid_before_cents: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))

    installments: Mapped[list[LoanInstallment]] = relationship(order_by="LoanInstallment.number")


class LoanInstallment(CentreScoped, Base):
    __tablename__ = "loan_installment"
    __table_args__ = (UniqueConstraint("schedule_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("loan_schedule.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)


class LoanRepayment(CentreScoped, Base):
    """Money the régisseur received; never changed (a mistake is corrected by the accounts, not here)."""

    __tablename__ = "loan_repayment"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="positive_amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(80), default="")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
