"""The loan ledger: a loan, its schedule versions and its repayments; the caller's use case commits.

What remains due is always computed, never stored: the amount minus the repayments.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select

from service import aids, clock
from service.aids.pret_sans_interet import schedule as arithmetic
from service.config import local_zone
from service.engine.durations import Duration, parse_duration
from service.errors import InvalidInputError
from service.extensions import db
from service.models import AidType, Dossier, Loan, LoanInstallment, LoanRepayment, LoanSchedule, User
from service.money import euros

REMINDER_HOUR = time(9, 0)


def check_amount(amount_cents: int, months: int) -> None:
    """The amounts and duration the règlement allows for a loan."""
    loan = aids.get(AidType.PRET_SANS_INTERET)
    minimum, maximum = loan.number("PRET_MIN_CENTS"), loan.number("PRET_MAX_CENTS")
    if not minimum <= amount_cents <= maximum:
        raise InvalidInputError(f"Un prêt sans intérêt va de {euros(minimum)} à {euros(maximum)}.")
    if not 1 <= months <= arithmetic.MAX_MONTHS:
        raise InvalidInputError(f"La durée d'un prêt va de 1 à {arithmetic.MAX_MONTHS} mois.")


def create(*, dossier: Dossier, amount_cents: int, months: int, first_due_on: date, actor: User) -> Loan:
    """The loan with its first schedule, once the contract is drawn up."""
    if loan_of(dossier) is not None:
        raise InvalidInputError("Le contrat de ce prêt est déjà établi.")
    if first_due_on <= clock.now().astimezone(local_zone()).date():
        raise InvalidInputError("La première échéance doit être postérieure à aujourd'hui.")
    loan = Loan(
        centre_id=dossier.centre_id, dossier_id=dossier.id, amount_cents=amount_cents, created_at=clock.now()
    )
    db.session.add(loan)
    db.session.flush()
    _add_schedule(loan, months=months, first_due_on=first_due_on, scheduled_cents=amount_cents, actor=actor)
    return loan


def loan_of(dossier: Dossier) -> Loan | None:
    return db.session.scalars(select(Loan).where(Loan.dossier_id == dossier.id)).one_or_none()


def current_schedule(loan: Loan) -> LoanSchedule:
    return db.session.scalars(
        select(LoanSchedule)
        .where(LoanSchedule.loan_id == loan.id)
        .order_by(LoanSchedule.version.desc())
        .limit(1)
    ).one()


def repaid_cents(loan: Loan) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(LoanRepayment.amount_cents), 0)).where(LoanRepayment.loan_id == loan.id)
    )
    return int(total or 0)


def outstanding_cents(loan: Loan) -> int:
    return loan.amount_cents - repaid_cents(loan)


def record_repayment(*, loan: Loan, paid_on: date, amount_cents: int, reference: str, actor: User) -> int:
    """Record money received; return what remains due. Never more than what remains, never in the future."""
    if amount_cents <= 0:
        raise InvalidInputError("Le montant remboursé doit être positif.")
    outstanding = outstanding_cents(loan)
    if amount_cents > outstanding:
        raise InvalidInputError(f"Il ne reste que {euros(outstanding)} à rembourser sur ce prêt.")
    if paid_on > clock.now().astimezone(local_zone()).date():
        raise InvalidInputError("La date du remboursement ne peut être dans le futur.")
    db.session.add(
        LoanRepayment(
            centre_id=loan.centre_id, loan_id=loan.id, paid_on=paid_on, amount_cents=amount_cents,
            reference=reference, recorded_at=clock.now(), recorded_by_id=actor.id,
        )
    )  # fmt: skip
    db.session.flush()
    left = outstanding - amount_cents
    if left == 0:
        loan.repaid_at = clock.now()
    return left


def amend(*, loan: Loan, months: int, first_due_on: date, reason: str, actor: User) -> LoanSchedule:
    """An amendment: a new schedule version spreading what remains due; the old versions are kept."""
    if not reason.strip():
        raise InvalidInputError("Indiquez le motif de l'avenant.")
    if first_due_on <= clock.now().astimezone(local_zone()).date():
        raise InvalidInputError("La première échéance de l'avenant doit être postérieure à aujourd'hui.")
    return _add_schedule(
        loan, months=months, first_due_on=first_due_on, scheduled_cents=outstanding_cents(loan), actor=actor,
        reason=reason.strip(),
    )  # fmt: skip


def installments(schedule: LoanSchedule) -> list[arithmetic.Installment]:
    return [arithmetic.Installment(row.number, row.due_on, row.amount_cents) for row in schedule.installments]


def next_due_on(loan: Loan) -> date | None:
    """The due date of the first instalment of the current schedule not yet covered by repayments."""
    current = current_schedule(loan)
    return arithmetic.next_due_on(installments(current), repaid_cents(loan) - current.repaid_before_cents)


def reminder_delay() -> Duration:
    return parse_duration(aids.get(AidType.PRET_SANS_INTERET).text("PRET_REMINDER_DELAY"))


def reminder_at(loan: Loan) -> datetime | None:
    """When the borrower is reminded if the next instalment is still unpaid: its due date plus the delay."""
    due_on = next_due_on(loan)
    if due_on is None:
        return None
    due = datetime.combine(due_on, REMINDER_HOUR, tzinfo=local_zone())
    return reminder_delay().after(due)


def _add_schedule(
    loan: Loan, *, months: int, first_due_on: date, scheduled_cents: int, actor: User, reason: str = ""
) -> LoanSchedule:
    rows = arithmetic.build_schedule(amount_cents=scheduled_cents, months=months, first_due_on=first_due_on)
    last = db.session.scalar(select(func.max(LoanSchedule.version)).where(LoanSchedule.loan_id == loan.id))
    version = LoanSchedule(
        centre_id=loan.centre_id, loan_id=loan.id, version=(last or 0) + 1, months=months,
        first_due_on=first_due_on, scheduled_cents=scheduled_cents, repaid_before_cents=repaid_cents(loan),
        reason=reason, created_at=clock.now(), created_by_id=actor.id,
    )  # fmt: skip
    db.session.add(version)
    db.session.flush()
    db.session.add_all(
        LoanInstallment(
            centre_id=loan.centre_id, schedule_id=version.id, number=row.number, due_on=row.due_on,
            amount_cents=row.amount_cents,
        )
        for row in rows
    )  # fmt: skip
    db.session.flush()
    db.session.refresh(version, ["installments"])
    return version
