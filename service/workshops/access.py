"""Who plans and holds workshops, who registers people, who reads the calendar."""

from __future__ import annotations

from service.documents import service as documents
from service.errors import NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import Role, User, WorkshopSession
from service.models.tenancy import get_in_centre

# The social workers who lead workshops, and the head of service.
ORGANISING_ROLES = (Role.INSTRUCTEUR, Role.RESPONSABLE)
# Whoever receives people (and so may read their file) registers them, reads the lists and the papers.
REGISTERING_ROLES = documents.WORKSHOP_READING_ROLES


def may_organise(actor: User) -> bool:
    return actor.has_role(*ORGANISING_ROLES)


def require_organiser(actor: User) -> None:
    if not may_organise(actor):
        labels = ", ".join(role.label for role in ORGANISING_ROLES)
        raise PermissionDeniedError(f"L'organisation des ateliers est réservée aux rôles : {labels}.")


def require_registrar(actor: User) -> None:
    if not actor.has_role(*REGISTERING_ROLES):
        raise PermissionDeniedError("Les ateliers collectifs ne sont pas consultables avec ce rôle.")


def readable_session(actor: User, session_id: int) -> WorkshopSession:
    require_registrar(actor)
    session = get_in_centre(db.session(), WorkshopSession, session_id, actor.centre_id)
    if session is None:
        raise NotFoundError("Cette séance d'atelier n'existe pas dans votre centre.")
    return session
