"""The board's members: elected or appointed, with their mandate and how to reach them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from service.audit import service as audit
from service.audit.actions import AuditAction
from service.committee.access import require_manager
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import CommitteeMember, MemberKind, Role, User
from service.models.tenancy import get_in_centre
from service.unit_of_work import use_case


@dataclass(frozen=True)
class MemberForm:
    full_name: str
    kind: MemberKind
    email: str
    phone: str
    mandate_start: date
    mandate_end: date | None
    user_id: int | None


def members(*, actor: User) -> Sequence[CommitteeMember]:
    require_manager(actor)
    return all_members(actor.centre_id)


def all_members(centre_id: int) -> Sequence[CommitteeMember]:
    return db.session.scalars(
        select(CommitteeMember)
        .where(CommitteeMember.centre_id == centre_id)
        .order_by(CommitteeMember.full_name)
    ).all()


def in_office(centre_id: int, on: date) -> list[CommitteeMember]:
    return [member for member in all_members(centre_id) if member.in_office(on)]


def accounts_for_members(*, actor: User) -> Sequence[User]:
    """The accounts a member may be linked to: board members and the president's delegates."""
    require_manager(actor)
    users = db.session.scalars(
        select(User).where(User.centre_id == actor.centre_id, User.active.is_(True)).order_by(User.full_name)
    ).all()
    return [user for user in users if user.has_role(Role.ELU, Role.DELEGATAIRE)]


@use_case
def save_member(*, actor: User, form: MemberForm, member_id: int | None = None) -> CommitteeMember:
    """Add a member, or change one (a mandate that ends, a new address)."""
    require_manager(actor)
    if not form.full_name.strip():
        raise InvalidInputError("Indiquez le nom du membre.")
    if form.mandate_end is not None and form.mandate_end < form.mandate_start:
        raise InvalidInputError("La fin du mandat ne peut précéder son début.")
    if form.user_id is not None and form.user_id not in {
        user.id for user in accounts_for_members(actor=actor)
    }:
        raise InvalidInputError(
            "Ce compte n'est pas celui d'un membre de la commission (rôle élu·e ou délégataire)."
        )
    if member_id is None:
        member = CommitteeMember(centre_id=actor.centre_id)
        db.session.add(member)
    else:
        found = get_in_centre(db.session(), CommitteeMember, member_id, actor.centre_id)
        if found is None:
            raise NotFoundError("Ce membre n'existe pas dans votre centre.")
        member = found
    member.full_name, member.kind = form.full_name.strip(), form.kind
    member.email, member.phone = form.email.strip(), form.phone.strip()
    member.mandate_start, member.mandate_end, member.user_id = (
        form.mandate_start,
        form.mandate_end,
        form.user_id,
    )
    db.session.flush()
    audit.record(
        action=AuditAction.COMMISSION_MEMBRE,
        subject_type="membre",
        subject_id=member.id,
        actor=actor,
        details={"nom": member.full_name, "mandat": f"{member.mandate_start} – {member.mandate_end or ''}"},
    )
    return member
