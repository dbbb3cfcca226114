"""Who may see a session, and who sees the names on its agenda (professional secrecy, L133-5 CASF)."""

from __future__ import annotations

from service.documents import service as documents
from service.errors import NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import CommitteeSession, Role, User
from service.models.tenancy import get_in_centre

# The staff who prepare and hold sessions.
MANAGING_ROLES = (Role.SECRETARIAT, Role.RESPONSABLE)
# Everyone in the centre may know when the committee sits and which dossiers go before it, by number.
READING_ROLES = tuple(role for role in Role if role is not Role.ADMIN)


def may_manage(actor: User) -> bool:
    return actor.has_role(*MANAGING_ROLES)


def names_visible(actor: User, session: CommitteeSession) -> bool:
    """Names are shown to the members of the session and to the staff preparing it, to nobody else."""
    return documents.may_read_session(actor, session)


def require_reader(actor: User) -> None:
    if not actor.has_role(*READING_ROLES):
        raise PermissionDeniedError("Les séances de la commission ne sont pas consultables avec ce rôle.")


def readable_session(actor: User, session_id: int) -> CommitteeSession:
    require_reader(actor)
    session = get_in_centre(db.session(), CommitteeSession, session_id, actor.centre_id)
    if session is None:
        raise NotFoundError("Cette séance n'existe pas dans votre centre.")
    return session


def require_manager(actor: User) -> None:
    if not may_manage(actor):
        labels = ", ".join(role.label for role in MANAGING_ROLES)
        raise PermissionDeniedError(
            f"La préparation et la tenue des séances sont réservées aux rôles : {labels}."
        )
