"""What every aid's decision does to its dossier: the facts kept, the status, the letter printed."""

from __future__ import annotations

from service import clock
from service.documents import service as documents
from service.dossiers import ceilings
from service.dossiers.numbering import decision_number
from service.errors import InvalidInputError
from service.models import Dossier, DossierStatus, User
from service.money import euros
from service.people import service as people


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
) -> None:
    """Keep the decision on the dossier and print its letter; a grant is checked against the yearly ceiling.

    A delegated decision is numbered (DEC2026_…) and signed by its author; a committee one by the president.
    `grant_text` says what is granted, in the letter's words ("huit colis alimentaires, à retirer…").
    """
    if decision == "refus" and not reason.strip():
        raise InvalidInputError("Un refus doit être motivé : indiquez les faits et la règle appliquée.")
    if decision == "accord" and granted_cents is not None:
        ceilings.check_annual_ceiling(dossier, granted_cents)
    dossier.decision = decision
    dossier.amount_granted_cents = granted_cents if decision == "accord" else None
    dossier.decision_reason = reason if decision == "refus" else ""
    dossier.decided_by_id = actor.id
    dossier.decided_at = clock.now()
    dossier.status = DossierStatus.ACCORDE if decision == "accord" else DossierStatus.REFUSE
    number = decision_number(centre_id=dossier.centre_id, year=people.today().year) if delegated else ""
    documents.issue_decision_letter(dossier=dossier, author=actor, number=number, grant_text=grant_text)
