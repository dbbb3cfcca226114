"""What a granted aid became: parcels picked up, cheques handed over, a loan and its repayments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.cheques import stock
from service.dossiers.colis_alimentaire import parcels_of
from service.loans import ledger
from service.models import Dossier, IssuedCheque, Loan, LoanRepayment, LoanSchedule, Parcel


@dataclass(frozen=True)
class LoanView:
    loan: Loan
    schedule: LoanSchedule
    repayments: Sequence[LoanRepayment]
    repaid_cents: int
    outstanding_cents: int


@dataclass(frozen=True)
class Execution:
    parcels: Sequence[Parcel] = ()
    cheques: Sequence[IssuedCheque] = ()
    loan: LoanView | None = None


def execution_of(dossier: Dossier) -> Execution:
    loan = ledger.loan_of(dossier)
    view = None
    if loan is not None:
        repaid = ledger.repaid_cents(loan)
        view = LoanView(
            loan, ledger.current_schedule(loan), loan.repayments, repaid, loan.amount_cents - repaid
        )
    return Execution(parcels_of(dossier), stock.cheques_of(dossier), view)
