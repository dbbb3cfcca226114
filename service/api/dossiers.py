"""A dossier, in the parts the token's account may read (the same read as the dossier's page, traced)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask_login import current_user

from service.api import problems, schemas
from service.api.auth import authenticate_call
from service.api.parsing import Blueprint
from service.dossiers import reading

bp = Blueprint("api_dossiers", __name__, url_prefix="/api/v1/dossiers", description="Dossiers d'aide.")
bp.before_request(authenticate_call)
problems.register(bp)


@bp.route("/<int:dossier_id>", methods=["GET"])
@bp.response(200, schemas.DossierOut)
def show(dossier_id: int) -> dict[str, Any]:
    """Lire un dossier : ce que la politique d'accès accorde au compte du jeton, le reste à null."""
    page = reading.read_dossier(actor=current_user, dossier_id=dossier_id)
    summary = page.summary
    decision = asdict(summary.decision) if summary.decision else None
    payment = asdict(summary.payment) if summary.payment else None
    return {
        "id": summary.id,
        "numero": summary.number,
        "aide": summary.aid_type,
        "aide_libelle": summary.aid_label,
        "statut": summary.status_label,
        "ouvert_le": summary.opened_at,
        "clos_le": summary.closed_at,
        "parties": sorted(part.value for part in page.grant.read),
        "personne_id": summary.person_id,
        "personne": summary.person_name,
        "coordonnees": summary.contact,
        "motif": summary.reason,
        "situation": summary.situation,
        "decision": None
        if decision is None
        else {
            "montant_demande_centimes": decision["amount_requested_cents"],
            "decision": decision["decision"],
            "montant_accorde_centimes": decision["amount_granted_cents"],
            "decide_le": decision["decided_at"],
            "motifs": decision["reasons"],
        },
        "paiement": None
        if payment is None
        else {
            "montant_accorde_centimes": payment["amount_granted_cents"],
            "mode": payment["payment_mode"],
            "montant_verse_centimes": payment["amount_paid_cents"],
            "reference": payment["reference"],
            "verse_le": payment["paid_at"],
        },
        "etapes_en_cours": [
            {"id": task.id, "titre": task.title, "role": task.role, "echeance": task.due_at}
            for task in page.open_tasks
        ],
    }
