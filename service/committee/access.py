"""Who may see a session: the staff who prepare and hold it, and its members in office on its day, with the
names on its agenda (professional secrecy, L133-5 CASF); nobody else, not even by its number."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from service.documents import service as documents
from service.errors import NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import CommitteeMember, CommitteeSession, Role, User
from service.models.tenancy import get_in_centre

# The staff who prepare and hold sessions.
MANAGING_ROLES = (Role.SECRETARIAT, Role.RESPONSABLE)
_RESERVED = "Les séances de la commission sont réservées au secrétariat, à la direction et à leurs membres."


def may_manage(actor: User) -> bool:
    return actor.has_role(*MANAGING_ROLES)


def membership(actor: User) -> CommitteeMember | None:
    """The actor's seat on the centre's board, if they have one (in office or not)."""
    return db.session.scalars(
        select(CommitteeMember).where(
            CommitteeMember.user_id == actor.id, CommitteeMember.centre_id == actor.centre_id
        )
    ).one_or_none()


def require_reader(actor: User) -> CommitteeMember | None:
    """The staff, or a board member: else refused. Returns the member's seat (None for the staff)."""
    if may_manage(actor):
        return None
    member = membership(actor)
    if member is None:
        raise PermissionDeniedError(_RESERVED)
    return member


def readable_session(actor: User, session_id: int) -> CommitteeSession:
    """The session, for the staff and for its members in office on its day; 404 in another centre."""
    session = get_in_centre(db.session(), CommitteeSession, session_id, actor.centre_id)
    if session is None:
        raise NotFoundError("Cette séance n'existe pas dans votre centre.")
    if not documents.may_read_session(actor, session):
        raise PermissionDeniedError(
            "Cette séance est réservée à ses membres, au secrétariat et à la direction."
        )
    return session


def own_sessions(member: CommitteeMember, sessions: Sequence[CommitteeSession]) -> list[CommitteeSession]:
    """Of these sessions, those the member sits in: in office on the session's day."""
    return [session for session in sessions if member.in_office(documents.session_day(session))]


def require_manager(actor: User) -> None:
    if not may_manage(actor):
        labels = ", ".join(role.label for role in MANAGING_ROLES)
        raise PermissionDeniedError(
            f"La préparation et la tenue des séances sont réservées aux rôles : {labels}."
        )
