"""Secours d'urgence: what each task writes into the dossier, and what it hands to the process."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service import clock
from service.aids import Aid, ceilings, decisions, pieces, silence
from service.errors import InvalidInputError
from service.models import AidType, Dossier, DossierStatus, User
from service.money import euros, euros_input
from service.people import service as people


def start_data(filed_at: datetime) -> dict[str, Any]:
    """What the process needs from the start: the ceiling and delays in force when the request is filed."""
    return {
        "plafond_delegation_cents": AID.number("SECOURS_DELEGATION_CEILING_CENTS"),
        "plafond_annuel_cents": AID.number("SECOURS_ANNUAL_CEILING_CENTS"),
        "delai_decision": AID.text("SECOURS_DECISION_DELAY"),
        **pieces.start_data(),
    }


def evaluate(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    dossier.need_kind = values["nature_besoin"]
    dossier.amount_requested_cents = values["montant_cents"]
    dossier.payment_mode = values["mode_paiement"]
    missing = pieces.record_instruction(dossier, values, actor)
    summary = people.budget(dossier.person)
    return {
        "pieces_a_demander": missing,
        "montant_cents": values["montant_cents"],
        "rav_jour_cents": summary.rav_per_day_cents,
        "deja_accorde_annee_cents": ceilings.granted_this_year(dossier),
    }


def decide_under_delegation(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """Only the holder of the board's delegation (or an agent signing for him) decides, within its ceiling."""
    authority = decisions.delegated_authority(dossier, actor)
    decision = values["decision"]
    granted = values.get("montant_accorde_cents") if decision == "accord" else None
    if granted is not None:
        ceiling = authority.ceiling_cents(dossier.aid_type)
        decisions.check_granted_amount(dossier, granted, delegation_ceiling_cents=ceiling)
    decisions.record_decision(
        dossier, decision=decision, granted_cents=granted, reason=values.get("motif", ""),
        refusal_category=values.get("categorie_refus") or "", actor=actor, delegated=True,
        authority=authority,
    )  # fmt: skip
    return {"decision": decision, "montant_accorde_cents": granted}


def decide_in_committee(dossier: Dossier, committee: decisions.CommitteeDecision, actor: User) -> None:
    """Above the delegation ceiling (or late), the committee decides; its session's closing brings it here."""
    decisions.record_committee_decision(dossier, committee, actor)


def notify(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    return {"notifie_le": values["date_notification"], "moyen_notification": values["moyen"]}


def record_payment(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    paid = values["montant_verse_cents"]
    granted = dossier.amount_granted_cents or 0
    if paid > granted:
        raise InvalidInputError(f"Le montant versé ne peut dépasser le montant accordé ({euros(granted)}).")
    dossier.amount_paid_cents = paid
    dossier.payment_mode = values["mode_paiement"]
    dossier.payment_reference = values["reference"]
    dossier.paid_at = clock.now()
    dossier.status = DossierStatus.VERSE
    return {}


def prefill(task_name: str, dossier: Dossier, process: dict[str, Any]) -> dict[str, str]:
    """What a form shows before the agent types: the amounts already known."""
    if task_name == "decider_delegation" and dossier.amount_requested_cents:
        return {"montant_accorde_cents": euros_input(dossier.amount_requested_cents)}
    if task_name == "payer" and dossier.amount_granted_cents:
        return {
            "montant_verse_cents": euros_input(dossier.amount_granted_cents),
            "mode_paiement": dossier.payment_mode,
        }
    return {}


def handle_late_decision(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    return {"suite_retard": values["suite_retard"]}


AID = Aid(
    key=AidType.SECOURS_URGENCE.value,
    label="Secours d'urgence",
    hooks={
        **pieces.HOOKS,
        "traiter_retard": handle_late_decision,
        **silence.HOOKS,
        "evaluer": evaluate,
        "decider_delegation": decide_under_delegation,
        "completer_pour_commission": decisions.complete_for_committee,
        "notifier": notify,
        "payer": record_payment,
    },
    start_data=start_data,
    prefill=prefill,
    decide_in_committee=decide_in_committee,
    settings={
        # The amount above which a request goes to the committee rather than to the delegate; the ceiling
        # the delegate may grant is the board's deliberation's (Commission › Délégations).
        "SECOURS_DELEGATION_CEILING_CENTS": 30000,
        # The delegate's deadline (ISO 8601), then the head of service is alerted by mail and a task.
        "SECOURS_DECISION_DELAY": "PT48H",
        # The yearly ceiling per household (règlement des aides facultatives), checked at each decision.
        "SECOURS_ANNUAL_CEILING_CENTS": 80000,
    },
    annual_ceiling_setting="SECOURS_ANNUAL_CEILING_CENTS",
    position=1,
)
