"""What an aid became: parcels picked up, cheques handed over, a loan and its repayments, a file forwarded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from service.cheques import stock
from service.dossiers.colis_alimentaire import parcels_of
from service.extensions import db
from service.legal_aid import directory
from service.loans import ledger
from service.models import (
    AidType,
    Dossier,
    IssuedCheque,
    LegalAidRequest,
    Loan,
    LoanRepayment,
    LoanSchedule,
    Parcel,
)


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
    """What the dossier's aid became; only the kind of execution its aid has is looked for."""
    if dossier.aid_type is AidType.COLIS_ALIMENTAIRE:
        return Execution(parcels=parcels_of(dossier))
    if dossier.aid_type is AidType.CHEQUE_ACCOMPAGNEMENT:
        return Execution(cheques=stock.cheques_of(dossier))
    if dossier.aid_type is AidType.PRET_SANS_INTERET:
        return Execution(loan=_loan_view(dossier))
    if dossier.aid_type is AidType.AIDE_SOCIALE_LEGALE:
        request = db.session.scalars(
            select(LegalAidRequest).where(LegalAidRequest.dossier_id == dossier.id)
        ).one_or_none()
        legal_aid = None if request is None else LegalAidView(request, directory.kind_of(request.kind).label)
        return Execution(legal_aid=legal_aid)
    return Execution()


def _loan_view(dossier: Dossier) -> LoanView | None:
    loan = ledger.loan_of(dossier)
    if loan is None:
        return None
    repaid = sum(repayment.amount_cents for repayment in loan.repayments)
    return LoanView(loan, ledger.current_schedule(loan), loan.repayments, repaid, loan.amount_cents - repaid)
