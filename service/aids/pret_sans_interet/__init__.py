"""Prêt sans intérêt: budget study, committee decision, contract and schedule, repayments, amendments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from service import clock
from service.aids import Aid, ceilings, decisions, pieces, silence
from service.aids.pret_sans_interet import ledger, papers
from service.errors import InvalidInputError
from service.models import AidType, Dossier, DossierStatus, Loan, LoanRepayment, LoanSchedule, User
from service.money import euros
from service.people import service as people


def start_data(filed_at: datetime) -> dict[str, Any]:
    return dict(pieces.start_data())


def study(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    ledger.check_amount(values["montant_cents"], values["duree_mois"])
    dossier.need_kind = values["objet"]
    dossier.amount_requested_cents = values["montant_cents"]
    missing = pieces.record_instruction(dossier, values, actor)
    return {
        "pieces_a_demander": missing,
        "montant_cents": values["montant_cents"],
        "duree_proposee_mois": values["duree_mois"],
        "rav_jour_cents": people.budget(dossier.person).rav_per_day_cents,
        "deja_accorde_annee_cents": ceilings.granted_this_year(dossier),
    }


def _instalments(months: int | None) -> str:
    """« 9 mensualités », « une mensualité »: the count written as a letter writes it."""
    return "une mensualité" if months == 1 else f"{months} mensualités"


def decide_in_committee(dossier: Dossier, committee: decisions.CommitteeDecision, actor: User) -> None:
    """Only the committee grants a loan: an amount and a number of instalments the règlement allows."""
    amount, months = committee.amount_cents, committee.months
    if committee.decision == "accord":
        ledger.check_amount(amount or 0, months or 0)
    grant = f"un prêt sans intérêt de {euros(amount or 0)}, remboursable en {_instalments(months)}"
    decisions.record_committee_decision(dossier, committee, actor, grant_text=grant)


def notify(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    return {"notifie_le": values["date_notification"]}


def draw_up_contract(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The loan and its first schedule exist from here; the contract to sign is printed with it."""
    loan = ledger.create(
        dossier=dossier, amount_cents=dossier.amount_granted_cents or 0, months=int(process["duree_mois"]),
        first_due_on=date.fromisoformat(values["premiere_echeance"]), actor=actor,
    )  # fmt: skip
    papers.issue_loan_schedule(
        dossier=dossier, author=actor, loan=loan, schedule=ledger.current_schedule(loan)
    )
    return {}


def disburse(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    loan = _loan(dossier)
    loan.disbursed_on = date.fromisoformat(values["date_versement"])
    loan.disbursement_reference = values["reference"]
    dossier.amount_paid_cents, dossier.paid_at, dossier.payment_mode = (
        loan.amount_cents,
        clock.now(),
        "virement",
    )
    dossier.status = DossierStatus.EN_COURS
    return _follow_up(loan)


def record_repayment(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    loan = _loan(dossier)
    left = ledger.record_repayment(
        loan=loan, paid_on=date.fromisoformat(values["date_paiement"]), amount_cents=values["montant_cents"],
        reference=values.get("reference", ""), actor=actor,
    )  # fmt: skip
    if left == 0:
        dossier.status = DossierStatus.CLOS
    return _follow_up(loan)


def remind(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    """A reminder made: the next one comes after the same delay if the instalment stays unpaid."""
    data = _follow_up(_loan(dossier), reminded_at=clock.now())
    return {**data, "suite_relance": values["suite_relance"]}


def amend(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    """An amendment is decided by the body that granted the loan, or by a delegatee whose deliberation
    covers amendments (or an agent signing for him); an instructing agent alone never amends a loan."""
    authority = decisions.delegated_authority(dossier, actor, amendment=True)
    loan = _loan(dossier)
    schedule = ledger.amend(
        loan=loan, months=values["duree_mois"], first_due_on=date.fromisoformat(values["premiere_echeance"]),
        reason=values["motif"], actor=actor,
    )  # fmt: skip
    papers.issue_loan_schedule(
        dossier=dossier, author=actor, loan=loan, schedule=schedule,
        authority=papers.AmendmentAuthority(authority.citation, authority.signing_line),
    )  # fmt: skip
    return _follow_up(loan)


def _follow_up(loan: Loan, *, reminded_at: datetime | None = None) -> dict[str, Any]:
    """What the process needs after each step: what remains due, and when to remind if it stays unpaid.

    Nothing remains due exactly when no instalment is left uncovered: the process then ends.
    """
    reminder = ledger.reminder_at(loan)
    if reminder is not None and reminded_at is not None:  # after a reminder, wait the delay again
        reminder = max(reminder, ledger.reminder_delay().after(reminded_at))
    return {
        "solde_cents": ledger.outstanding_cents(loan),
        "relance_le": reminder.isoformat() if reminder else "",
    }


def _loan(dossier: Dossier) -> Loan:
    loan = ledger.loan_of(dossier)
    if loan is None:
        raise InvalidInputError("Le contrat de ce prêt n'est pas encore établi.")
    return loan


def prefill(task_name: str, dossier: Dossier, process: dict[str, Any]) -> dict[str, str]:
    today = people.today()
    if task_name == "notifier":
        return {"date_notification": today.isoformat()}
    if task_name == "etablir_contrat":
        return {"premiere_echeance": (today.replace(day=1) + timedelta(days=62)).replace(day=5).isoformat()}
    if task_name in {"decaisser", "enregistrer_remboursement"}:
        return {"date_versement": today.isoformat(), "date_paiement": today.isoformat()}
    return {}


@dataclass(frozen=True)
class LoanView:
    """The loan as the dossier page shows it: the schedule in force, the repayments, what remains due."""

    loan: Loan
    schedule: LoanSchedule
    repayments: Sequence[LoanRepayment]
    repaid_cents: int
    outstanding_cents: int


def execution(dossier: Dossier) -> dict[str, Any]:
    loan = ledger.loan_of(dossier)
    if loan is None:
        return {"loan": None}
    repaid = sum(repayment.amount_cents for repayment in loan.repayments)
    schedule = ledger.current_schedule(loan)
    return {"loan": LoanView(loan, schedule, loan.repayments, repaid, loan.amount_cents - repaid)}


AID = Aid(
    key=AidType.PRET_SANS_INTERET.value,
    label="Prêt sans intérêt",
    hooks={
        **pieces.HOOKS,
        **silence.HOOKS,
        "etudier_budget": study,
        "completer_pour_commission": decisions.complete_for_committee,
        "notifier": notify,
        "etablir_contrat": draw_up_contract,
        "decaisser": disburse,
        "enregistrer_remboursement": record_repayment,
        "relancer_emprunteur": remind,
        "etablir_avenant": amend,
    },
    start_data=start_data,
    prefill=prefill,
    decide_in_committee=decide_in_committee,
    settings={
        "PRET_ANNUAL_CEILING_CENTS": 170000,  # the yearly ceiling per household
        # The amounts a loan may have (36 monthly instalments at most).
        "PRET_MIN_CENTS": 30000,
        "PRET_MAX_CENTS": 170000,
        # An instalment still unpaid this long after its due date hands the dossier to the instructor.
        "PRET_REMINDER_DELAY": "P10D",
    },
    annual_ceiling_setting="PRET_ANNUAL_CEILING_CENTS",
    check_settings=lambda values: (
        "ENTRAIDE_PRET_MIN_CENTS ne peut dépasser ENTRAIDE_PRET_MAX_CENTS"
        if int(values["PRET_MIN_CENTS"]) > int(values["PRET_MAX_CENTS"])
        else None
    ),
    position=4,
    execution=execution,
    templates=papers.TEMPLATES,
)
