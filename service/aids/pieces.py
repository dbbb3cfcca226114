"""The missing-documents step every aid calls: what its tasks hand back to the process."""

from __future__ import annotations

from typing import Any

from service.config import current_settings
from service.models import Dossier, DossierStatus, User


def start_data() -> dict[str, Any]:
    """The reminder and closure delays in force when the request is filed."""
    settings = current_settings()
    return {
        "delai_relance_pieces": settings.PIECES_REMINDER_DELAY,
        "delai_cloture_pieces": settings.PIECES_CLOSURE_DELAY,
    }


def record_instruction(dossier: Dossier, values: dict[str, Any], actor: User) -> str:
    """The instructor's assessment of the situation; return the documents to ask for ("" when complete)."""
    dossier.situation = values["situation"]
    dossier.instructor_id = actor.id
    missing: str = values.get("pieces_manquantes", "")
    dossier.status = DossierStatus.EN_ATTENTE_PIECES if missing else DossierStatus.EN_ATTENTE_DECISION
    return missing


def record(dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]) -> dict[str, Any]:
    """A request or a reminder sent: the audit keeps it, the process only moves on."""
    return {}


def received(
    dossier: Dossier, values: dict[str, Any], actor: User, process: dict[str, Any]
) -> dict[str, Any]:
    return {"pieces_recues": True}


HOOKS = {
    "demander_pieces": record,
    "relancer_pieces": record,
    "recevoir_pieces": received,
    "recevoir_pieces_relance": received,
}
