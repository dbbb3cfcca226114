"""The missing-documents step every aid calls: what its tasks hand back to the process."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.config import current_settings
from service.documents import procedure
from service.errors import InvalidInputError
from service.models import BudgetKind, Dossier, DossierStatus, Person, User


def start_data() -> dict[str, Any]:
    """The reminder and closure delays in force when the request is filed."""
    settings = current_settings()
    return {
        "delai_relance_pieces": settings.PIECES_REMINDER_DELAY,
        "delai_cloture_pieces": settings.PIECES_CLOSURE_DELAY,
    }


BUDGET_DECLARED = "budget_declare"
_DECLARED_NOTE = (
    "Budget : la personne a déclaré n'avoir aucune ressource ou aucune charge (déclaration enregistrée)."
)


def record_instruction(dossier: Dossier, values: dict[str, Any], actor: User) -> str:
    """The instructor's assessment of the situation; return the documents to ask for ("" when complete).

    A complete file goes on to the barème, which never runs on facts nobody entered: the household's resources
    and charges must be in its budget, or the agent records that the person declared none.
    """
    situation = values["situation"]
    if not values.get("pieces_manquantes") and not budget_entered(dossier.person):
        if not values.get(BUDGET_DECLARED):
            raise InvalidInputError(
                "Le budget du foyer n'est pas saisi (ressources et charges) : complétez-le depuis la "
                "fiche de la personne, ou cochez que la personne a déclaré n'avoir aucune ressource ou "
                "aucune charge."
            )
        situation = f"{situation}\n\n{_DECLARED_NOTE}"
    dossier.situation = situation
    dossier.instructor_id = actor.id
    missing: str = values.get("pieces_manquantes", "")
    dossier.status = DossierStatus.EN_ATTENTE_PIECES if missing else DossierStatus.EN_ATTENTE_DECISION
    return missing


def budget_entered(person: Person) -> bool:
    """The household's budget holds at least one resource and one charge: what the barème needs."""
    kinds = {line.kind for line in person.budget_lines}
    return BudgetKind.RESSOURCE in kinds and BudgetKind.CHARGE in kinds


def record(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    """A reminder sent: the audit keeps it, the process only moves on."""
    return {}


def ask(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    """The request for the missing documents is printed with the day they are expected by (L114-5 CRPA):
    the day the reminder and the closure delays run out, counted from the request."""
    asked_on = date.fromisoformat(values["date_demande"])
    due_on = procedure.due_after(
        asked_on, str(process["delai_relance_pieces"]), str(process["delai_cloture_pieces"])
    )
    procedure.issue_missing_documents_request(
        dossier=dossier, author=actor, missing=str(process.get("pieces_a_demander", "")), asked_on=asked_on,
        due_on=due_on,
    )  # fmt: skip
    return {}


def received(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    return {"pieces_recues": True}


HOOKS = {
    "demander_pieces": ask,
    "relancer_pieces": record,
    "recevoir_pieces": received,
    "recevoir_pieces_relance": received,
}
