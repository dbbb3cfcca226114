"""Who offers slots and who books: social workers and the head of service offer, the front desk books too."""

from __future__ import annotations

from service.errors import PermissionDeniedError
from service.models import Role, User

ORGANISING_ROLES = (Role.INSTRUCTEUR, Role.RESPONSABLE)
BOOKING_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)


def require_organiser(actor: User) -> None:
    if not actor.has_role(*ORGANISING_ROLES):
        raise PermissionDeniedError(
            "Seuls les travailleurs sociaux et la direction ouvrent des créneaux de rendez-vous."
        )


def require_booker(actor: User) -> None:
    if not actor.has_role(*BOOKING_ROLES):
        raise PermissionDeniedError(
            "Les rendez-vous sont réservés à l'accueil, aux travailleurs sociaux et à la direction."
        )
