"""A sixth aid, declared in the test folder as a centre's developer would: help with the driving licence.

Everything it needs is here: this declaration, its diagram and its forms (diagramme/). The instructing agent
evaluates the request; the delegate decides within the delegation the board gave, up to a ceiling the centre
sets (ENTRAIDE_PERMIS_DELEGATION_CEILING_CENTS); the decision letter is printed like every aid's.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from service.aids import Aid, decisions
from service.models import Dossier, User
from service.money import euros_input


def start_data(filed_at: datetime) -> dict[str, Any]:
    return {"plafond_delegation_cents": AID.number("PERMIS_DELEGATION_CEILING_CENTS")}


def evaluate(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    dossier.situation = values["situation"]
    dossier.amount_requested_cents = values["montant_cents"]
    return {"montant_cents": values["montant_cents"]}


def decide(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    granted = values.get("montant_accorde_cents") if values["decision"] == "accord" else None
    if granted is not None:
        decisions.check_granted_amount(
            dossier, granted, delegation_ceiling_cents=AID.number("PERMIS_DELEGATION_CEILING_CENTS")
        )
    decisions.record_decision(
        dossier,
        decision=values["decision"],
        granted_cents=granted,
        reason=values.get("motif", ""),
        actor=actor,
        delegated=True,
    )
    return {"decision": values["decision"]}


def prefill(task_name: str, dossier: Dossier, process: dict[str, Any]) -> dict[str, str]:
    if task_name == "decider" and dossier.amount_requested_cents:
        return {"montant_accorde_cents": euros_input(dossier.amount_requested_cents)}
    return {}


AID = Aid(
    key="aide_permis",
    label="Aide au permis de conduire",
    hooks={"evaluer": evaluate, "decider": decide},
    start_data=start_data,
    prefill=prefill,
    settings={
        "PERMIS_DELEGATION_CEILING_CENTS": 50000,  # the delegate decides alone up to this amount
        "PERMIS_ANNUAL_CEILING_CENTS": 100000,  # the yearly ceiling per household
    },
    annual_ceiling_setting="PERMIS_ANNUAL_CEILING_CENTS",
    diagram_folder=Path(__file__).parent / "diagramme",
    position=6,
)
