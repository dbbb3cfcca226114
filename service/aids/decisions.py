"""What every aid's decision does to its dossier: the facts kept, the status, the letter printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service import clock
from service.aids import ceilings
from service.delegations.authority import Authority, authority_for
from service.documents import letters
from service.errors import InvalidInputError
from service.models import Dossier, DossierStatus, LetterBatch, User
from service.money import euros
from service.numbering import decision_number
from service.people import service as people


def delegated_authority(dossier: Dossier, actor: User, *, amendment: bool = False) -> Authority:
    """The act under which the actor decides this dossier today; refused in French without one."""
    return authority_for(actor, dossier.aid_type, people.today(), amendment=amendment)


def check_granted_amount(
    dossier: Dossier, granted_cents: int, *, delegation_ceiling_cents: int | None
) -> None:
    """A grant never exceeds what was asked for, nor, under delegation, the ceiling the board delegated."""
    requested = dossier.amount_requested_cents or 0
    if granted_cents > requested:
        raise InvalidInputError(
            f"Le montant accordé ne peut dépasser le montant demandé ({euros(requested)})."
        )
    if delegation_ceiling_cents is not None and granted_cents > delegation_ceiling_cents:
        raise InvalidInputError(
            f"Au-delà de {euros(delegation_ceiling_cents)}, plafond de la délégation, "
            "la décision revient à la commission."
        )


def record_decision(
    dossier: Dossier,
    *,
    decision: str,
    granted_cents: int | None,
    reason: str,
    actor: User,
    delegated: bool,
    grant_text: str = "",
    committee: CommitteeDecision | None = None,
    refusal_category: str = "",
    authority: Authority | None = None,
) -> None:
    """Keep the decision on the dossier and print its letter (a committee's is queued with its session's);
    a grant is checked against the yearly ceiling.

    A delegated decision is numbered (DEC2026_…) and signed by its author; a committee one carries its
    deliberation's number (DEL2026_…) and is signed by the president.
    `grant_text` says what is granted, in the letter's words ("huit colis alimentaires, à retirer…");
    `authority` is the act a delegated decision is taken under, which its letter cites.
    """
    if decision == "refus" and not reason.strip():
        raise InvalidInputError("Un refus doit être motivé : indiquez les faits et la règle appliquée.")
    partial = is_partial(dossier, decision, granted_cents)
    if partial and not reason.strip():
        raise InvalidInputError(
            "Un accord partiel doit être motivé : le montant accordé est inférieur au montant demandé "
            f"({euros(dossier.amount_requested_cents or 0)}) ; indiquez les faits et la règle appliquée."
        )
    if decision == "accord" and granted_cents is not None:
        ceilings.check_annual_ceiling(dossier, granted_cents)
    dossier.decision = decision
    dossier.amount_granted_cents = granted_cents if decision == "accord" else None
    dossier.decision_reason = reason if decision == "refus" or partial else ""
    dossier.decided_by_id = actor.id
    # A committee's decision is dated the day of the session that took it, not the day it was closed.
    dossier.decided_at = committee.decided_at if committee is not None else clock.now()
    dossier.decided_under_delegation = delegated
    dossier.refusal_category = refusal_category if decision == "refus" else ""
    dossier.status = DossierStatus.ACCORDE if decision == "accord" else DossierStatus.REFUSE
    if delegated:
        number = decision_number(centre_id=dossier.centre_id, year=people.today().year)
    else:
        number = committee.deliberation if committee else ""
    _letter(dossier, actor, number=number, grant_text=grant_text, committee=committee, authority=authority)


def is_partial(dossier: Dossier, decision: str, granted_cents: int | None) -> bool:
    """A grant below what was asked for: unfavourable in part, so it must be reasoned (L211-2 CRPA)."""
    requested = dossier.amount_requested_cents
    return (
        decision == "accord"
        and granted_cents is not None
        and requested is not None
        and granted_cents < requested
    )


@dataclass(frozen=True)
class CommitteeDecision:
    """What the committee decided on one dossier, as its session's closing hands it over."""

    decision: str  # accord, refus or ajournement
    amount_cents: int | None
    months: int | None  # a loan's length, when granted
    reasons: str  # a refusal's reasons, or what an adjournment asks for
    deliberation: str  # DEL2026_014
    session_label: str  # "la commission permanente du 27 novembre 2026"
    decided_at: datetime  # the session's start: its acts are dated that day
    letters: LetterBatch | None = None  # where the session's letters are queued, to be printed after it

    def message(self) -> dict[str, Any]:
        """What the dossier's process receives: the decision and the amounts, nothing about the person."""
        return {
            "decision": self.decision,
            "montant_accorde_cents": self.amount_cents if self.decision == "accord" else None,
            "duree_mois": self.months if self.decision == "accord" else None,
            "deliberation": self.deliberation,
        }


def record_committee_decision(
    dossier: Dossier, committee: CommitteeDecision, actor: User, *, grant_text: str = ""
) -> None:
    """An accord or a refusal is a decision like any other; an adjournment sends the dossier back to its
    instructor with what the committee asks for, and the person is told by letter."""
    if committee.decision != "ajournement":
        if committee.amount_cents is not None and committee.decision == "accord":
            check_granted_amount(dossier, committee.amount_cents, delegation_ceiling_cents=None)
        record_decision(
            dossier, decision=committee.decision, granted_cents=committee.amount_cents,
            reason=committee.reasons, actor=actor, delegated=False, grant_text=grant_text,
            committee=committee,
        )  # fmt: skip
        return
    if not committee.reasons.strip():
        raise InvalidInputError("Un ajournement doit dire ce que la commission demande.")
    dossier.status = DossierStatus.EN_INSTRUCTION
    _letter(dossier, actor, number=committee.deliberation, committee=committee, adjournment=committee.reasons)


def _letter(
    dossier: Dossier,
    actor: User,
    *,
    number: str,
    committee: CommitteeDecision | None,
    grant_text: str = "",
    adjournment: str = "",
    authority: Authority | None = None,
) -> None:
    """A delegated decision's letter is printed at once; a committee's is queued with its session's."""
    if committee is None or committee.letters is None:
        act = letters.Delegation(authority.citation, authority.signing_line) if authority else None
        letters.issue_decision_letter(
            dossier=dossier, author=actor, number=number, grant_text=grant_text,
            committee=committee.session_label if committee else "", adjournment=adjournment, delegation=act,
        )  # fmt: skip
        return
    letters.queue_decision_letter(
        batch=committee.letters, dossier=dossier, author=actor, number=number,
        committee=committee.session_label, grant_text=grant_text, adjournment=adjournment,
    )  # fmt: skip


def complete_for_committee(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """After an adjournment: what the instructor adds, and the amount asked for if it changed."""
    dossier.situation = (
        f"{dossier.situation}\n\nComplément pour la commission : {values['complement']}".strip()
    )
    if values.get("montant_cents"):
        dossier.amount_requested_cents = values["montant_cents"]
    dossier.status = DossierStatus.EN_ATTENTE_DECISION
    return {"montant_cents": dossier.amount_requested_cents}
