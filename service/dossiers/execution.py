"""What an aid became: parcels picked up, cheques handed over, a loan and its repayments, a file forwarded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from service.aids.aide_sociale_legale import directory
from service.aids.cheque_accompagnement import stock
from service.aids.colis_alimentaire import parcels_of
from service.aids.pret_sans_interet import ledger
from service.extensions import db
from service.models import Dossier, IssuedCheque, LegalAidRequest, Loan, LoanRepayment, LoanSchedule, Parcel


@dataclass(frozen=True)
class LoanView:
    loan: Loan
    schedule: LoanSchedule
    repayments: Sequence[LoanRepayment]
    repaid_cents: int
    outstanding_cents: int


@dataclass(frozen=True)
class LegalAidView:
    request: LegalAidRequest
    kind_label: str


@dataclass(frozen=True)
class Execution:
    parcels: Sequence[Parcel] = ()
    cheques: Sequence[IssuedCheque] = ()
    loan: LoanView | None = None
    legal_aid: LegalAidView | None = None


def execution_of(dossier: Dossier) -> Execution:
    loan = ledger.loan_of(dossier)
    view = None
    if loan is not None:
        repaid = sum(repayment.amount_cents for repayment in loan.repayments)
        view = LoanView(
            loan, ledger.current_schedule(loan), loan.repayments, repaid, loan.amount_cents - repaid
        )
    request = db.session.scalars(
        select(LegalAidRequest).where(LegalAidRequest.dossier_id == dossier.id)
    ).one_or_none()
    legal_aid = None if request is None else LegalAidView(request, directory.kind_of(request.kind).label)
    return Execution(parcels_of(dossier), stock.cheques_of(dossier), view, legal_aid)
