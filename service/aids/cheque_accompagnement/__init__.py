"""Chèques d'accompagnement personnalisé: decision, numbered cheques out of stock, hand-over receipt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service import clock
from service.aids import Aid, Choices, EmptyChoice, ceilings, decisions, pieces, silence
from service.aids.cheque_accompagnement import papers, stock
from service.errors import InvalidInputError
from service.models import AidType, ChequeNature, Dossier, DossierStatus, User
from service.money import euros, euros_input
from service.people import service as people


def start_data(filed_at: datetime) -> dict[str, Any]:
    return {
        "plafond_delegation_cents": AID.number("CHEQUES_DELEGATION_CEILING_CENTS"),
        **pieces.start_data(),
    }


def evaluate(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    dossier.need_kind = values["nature"]
    dossier.amount_requested_cents = values["montant_cents"]
    missing = pieces.record_instruction(dossier, values, actor)
    return {
        "pieces_a_demander": missing,
        "montant_cents": values["montant_cents"],
        "rav_jour_cents": people.budget(dossier.person).rav_per_day_cents,
        "deja_accorde_annee_cents": ceilings.granted_this_year(dossier),
    }


def _grant_text(dossier: Dossier, granted_cents: int) -> str:
    nature = ChequeNature(dossier.need_kind).label.lower()
    return f"des chèques d'accompagnement personnalisé ({nature}) d'une valeur de {euros(granted_cents)}"


def decide_under_delegation(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    authority = decisions.delegated_authority(dossier, actor)
    decision = values["decision"]
    granted = values.get("montant_accorde_cents") if decision == "accord" else None
    if granted is not None:
        ceiling = authority.ceiling_cents(dossier.aid_type)
        decisions.check_granted_amount(dossier, granted, delegation_ceiling_cents=ceiling)
    decisions.record_decision(
        dossier, decision=decision, granted_cents=granted, reason=values.get("motif", ""),
        refusal_category=values.get("categorie_refus") or "", actor=actor,
        delegated=True, grant_text=_grant_text(dossier, granted or 0), authority=authority,
    )  # fmt: skip
    return {"decision": decision, "montant_accorde_cents": granted}


def decide_in_committee(dossier: Dossier, committee: decisions.CommitteeDecision, actor: User) -> None:
    grant = _grant_text(dossier, committee.amount_cents or 0)
    decisions.record_committee_decision(dossier, committee, actor, grant_text=grant)


def notify(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    return {"notifie_le": values["date_notification"]}


def take_from_stock(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """Numbered cheques leave stock for the dossier, recorded by the secretariat (no receipt yet: the person
    signs one when the régisseur hands them over)."""
    chosen = str(values["carnet"]).strip()
    if not (chosen.isascii() and chosen.isdigit() and 0 < int(chosen) < 2**31):  # an id the database can hold
        raise InvalidInputError("Choisissez un carnet de la liste.")
    book_id = int(chosen)
    cheques = stock.issue(
        dossier=dossier, book_id=book_id, count=values["nombre"], actor=actor,
        limit_cents=dossier.amount_granted_cents or 0, nature=dossier.need_kind,
    )  # fmt: skip
    papers.issue_stock_exit(dossier=dossier, author=actor, cheques=cheques)
    return {"cheques": [f"{cheque.book.series}-{cheque.number}" for cheque in cheques]}


def hand_over(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    """The régisseur hands the cheques over: the receipt the person signs is printed then, naming them."""
    cheques = stock.hand_over(dossier=dossier, actor=actor)
    papers.issue_cheque_receipt(
        dossier=dossier,
        regisseur=actor,
        cheques=cheques,
        handed_over_at=cheques[0].handed_over_at or clock.now(),
    )
    dossier.amount_paid_cents = sum(cheque.book.face_value_cents for cheque in cheques)
    dossier.payment_mode = "cheques_cap"
    dossier.paid_at = cheques[0].handed_over_at
    dossier.status = DossierStatus.VERSE
    return {}


def prefill(task_name: str, dossier: Dossier, process: dict[str, Any]) -> dict[str, str]:
    if task_name == "decider_delegation" and dossier.amount_requested_cents:
        return {"montant_accorde_cents": euros_input(dossier.amount_requested_cents)}
    if task_name == "notifier":
        return {"date_notification": people.today().isoformat()}
    if task_name == "delivrer_cheques":
        books = stock.books_for(dossier.need_kind)
        if books and dossier.amount_granted_cents:
            count = dossier.amount_granted_cents // books[0].book.face_value_cents
            return {"carnet": str(books[0].book.id), "nombre": str(min(count, books[0].available))}
    return {}


def choices(task_name: str, dossier: Dossier) -> Choices:
    if task_name != "delivrer_cheques":
        return {}
    return {
        "carnet": [
            (
                str(row.book.id),
                f"Série {row.book.series} — {row.book.nature.label}, {euros(row.book.face_value_cents)} "
                f"— {row.available} disponible(s)",
            )
            for row in stock.books_for(dossier.need_kind)
        ]
    }


def execution(dossier: Dossier) -> dict[str, Any]:
    """The cheques taken from stock and handed over: what the dossier page shows."""
    return {"cheques": stock.cheques_of(dossier)}


AID = Aid(
    key=AidType.CHEQUE_ACCOMPAGNEMENT.value,
    label="Chèques d'accompagnement personnalisé",
    hooks={
        **pieces.HOOKS,
        **silence.HOOKS,
        "evaluer": evaluate,
        "decider_delegation": decide_under_delegation,
        "completer_pour_commission": decisions.complete_for_committee,
        "notifier": notify,
        "delivrer_cheques": take_from_stock,
        "remettre_cheques": hand_over,
    },
    start_data=start_data,
    prefill=prefill,
    choices=choices,
    empty_choices={
        "carnet": EmptyChoice(
            why="Aucun carnet de chèques de la nature accordée n'est en stock : il n'y a rien à sortir.",
            fix_label="Entrer un carnet en stock (secrétariat, régie)",
            fix_endpoint="cheques.stock_page",
        )
    },
    decide_in_committee=decide_in_committee,
    settings={
        # The delegate grants alone up to this amount; above it, the committee.
        "CHEQUES_DELEGATION_CEILING_CENTS": 15000,
        "CHEQUES_ANNUAL_CEILING_CENTS": 40000,  # the yearly ceiling per household
    },
    annual_ceiling_setting="CHEQUES_ANNUAL_CEILING_CENTS",
    position=3,
    execution=execution,
    templates=papers.TEMPLATES,
)
