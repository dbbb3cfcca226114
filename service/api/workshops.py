"""Collective workshops: the coming sessions, register a person, cancel a registration."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from service.api import paging, problems, schemas
from service.api.auth import authenticate_call
from service.api.parsing import Blueprint
from service.models import Referral
from service.workshops import pages, registrations

bp = Blueprint("api_workshops", __name__, url_prefix="/api/v1/ateliers", description="Ateliers collectifs.")
bp.before_request(authenticate_call)
problems.register(bp)


@bp.route("/seances", methods=["GET"])
@bp.arguments(schemas.SessionQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.SessionPage)
def sessions(limite: int, curseur: str | None = None) -> dict[str, Any]:
    """Les séances à venir, dans l'ordre du calendrier."""
    found = pages.calendar(actor=current_user)
    chosen, following = paging.page_of(found, key=lambda session: session.id, cursor=curseur, limit=limite)
    return {
        "elements": [
            {
                "id": session.id,
                "theme": session.theme.name,
                "debut": session.starts_at,
                "fin": session.ends_at,
                "lieu": session.place,
                "capacite": session.capacity,
                "places_prises": session.seats_taken,
                "statut": session.status.value,
            }
            for session in chosen
        ],
        "suivant": following,
    }


@bp.route("/seances/<int:session_id>/inscriptions", methods=["POST"])
@bp.arguments(schemas.RegistrationIn, as_kwargs=True)
@bp.response(201, schemas.RegistrationOut)
def register(session_id: int, personne_id: int, orientation: str, detail: str) -> dict[str, Any]:
    """Inscrire une personne : confirmée s'il reste une place, sinon en liste d'attente."""
    registration = registrations.register(
        actor=current_user,
        session_id=session_id,
        person_id=personne_id,
        referral=Referral(orientation),
        referral_detail=detail,
    )
    return {
        "id": registration.id,
        "seance_id": registration.session_id,
        "personne_id": registration.person_id,
        "statut": registration.status.value,
    }


@bp.route("/inscriptions/<int:registration_id>/annulation", methods=["POST"])
@bp.response(200, schemas.CancellationOut)
def cancel(registration_id: int) -> dict[str, Any]:
    """Annuler une inscription ; une place libérée va à la première personne en attente."""
    promoted = registrations.cancel(actor=current_user, registration_id=registration_id)
    return {"annulee": registration_id, "promue": promoted.id if promoted is not None else None}
