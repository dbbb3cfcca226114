"""How a user stands towards dossiers and people, read from the database in the statement that loads them.

The relations of policy.Relation, computed as SQL expressions correlated to the dossier (or the person) a
statement selects, so that loading a dossier and knowing who may read what of it is one statement. Only a
committee member's mandate, checked on the session's local day, takes a second statement, and only when the
user is a member of a session carrying the dossier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from service.access.policy import Relation
from service.config import local_zone
from service.extensions import db
from service.models import (
    AgendaItem,
    CommitteeMember,
    CommitteeSession,
    Dossier,
    HumanTask,
    ItemStatus,
    Person,
    Role,
    SessionStatus,
    User,
)


def follows(actor: User) -> ColumnElement[bool]:
    """The actor follows the dossier of the enclosing statement: opened it, instructs it, holds or held one of
    its tasks, or one of its tasks waits, unclaimed, in the lane of one of the actor's roles."""
    roles = sorted(role.value for role in actor.roles)
    task = select(HumanTask.id).where(
        HumanTask.dossier_id == Dossier.id,
        or_(
            HumanTask.assignee_id == actor.id,
            HumanTask.completed_by_id == actor.id,
            and_(
                HumanTask.completed_at.is_(None), HumanTask.assignee_id.is_(None), HumanTask.role.in_(roles)
            ),
        ),
    )
    return or_(Dossier.opened_by_id == actor.id, Dossier.instructor_id == actor.id, task.exists())


def pays(actor: User) -> ColumnElement[bool]:
    """A régisseur and a dossier with a step, done or to do, in the régisseur's lane."""
    if not actor.has_role(Role.REGISSEUR):
        return false()
    return exists().where(HumanTask.dossier_id == Dossier.id, HumanTask.role == Role.REGISSEUR.value)


def _on_open_agenda() -> ColumnElement[bool]:
    """The dossier is inscribed on a session whose minutes are not signed yet."""
    return exists().where(
        AgendaItem.dossier_id == Dossier.id,
        AgendaItem.status == ItemStatus.INSCRIT,
        CommitteeSession.id == AgendaItem.session_id,
        CommitteeSession.status != SessionStatus.SIGNEE,
    )


def sits_maybe(actor: User) -> ColumnElement[bool]:
    """The secretariat prepares every session; a member may sit in one carrying it (mandate checked after)."""
    if actor.has_role(Role.SECRETARIAT):
        return _on_open_agenda()
    return exists().where(
        AgendaItem.dossier_id == Dossier.id,
        AgendaItem.status == ItemStatus.INSCRIT,
        CommitteeSession.id == AgendaItem.session_id,
        CommitteeSession.status != SessionStatus.SIGNEE,
        CommitteeMember.user_id == actor.id,
        CommitteeMember.centre_id == CommitteeSession.centre_id,
    )


FLAG_COUNT = 3


def flags(actor: User) -> tuple[ColumnElement[bool], ...]:
    """The columns a statement selecting Dossier adds to learn the actor's relations (see relations_of)."""
    return (follows(actor), pays(actor), sits_maybe(actor))


def relations_of(actor: User, dossier_id: int, row_flags: Sequence[object]) -> frozenset[Relation]:
    """The actor's relations to one dossier, from the flags its statement selected."""
    return relations_of_many(actor, {dossier_id: row_flags})[dossier_id]


def relations_of_many(
    actor: User, flags_by_dossier: dict[int, Sequence[object]]
) -> dict[int, frozenset[Relation]]:
    """The actor's relations to several dossiers; one more statement only if the actor may sit for some."""
    maybe_sitting = [dossier_id for dossier_id, row in flags_by_dossier.items() if row[2]]
    sitting = set(maybe_sitting) if actor.has_role(Role.SECRETARIAT) else sits_in(actor, maybe_sitting)
    found: dict[int, frozenset[Relation]] = {}
    for dossier_id, (follows_it, pays_it, _) in ((k, tuple(v)) for k, v in flags_by_dossier.items()):
        relations = set(base_relations(actor))
        if follows_it:
            relations.add(Relation.SUIT)
        if pays_it:
            relations.add(Relation.PAIE)
        if dossier_id in sitting:
            relations.add(Relation.SIEGE)
        found[dossier_id] = frozenset(relations)
    return found


def base_relations(actor: User) -> frozenset[Relation]:
    """What holds whatever the dossier: the head of service heads every one of its centre."""
    return frozenset({Relation.DIRIGE}) if actor.has_role(Role.RESPONSABLE) else frozenset()


def sits_in(actor: User, dossier_ids: Iterable[int]) -> set[int]:
    """Of these dossiers, those on the agenda of an unsigned session the actor sits in, in office that day."""
    wanted = sorted(set(dossier_ids))
    if not wanted:
        return set()
    rows = db.session.execute(
        select(AgendaItem.dossier_id, CommitteeSession.starts_at, CommitteeMember)
        .join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
        .join(CommitteeMember, CommitteeMember.centre_id == CommitteeSession.centre_id)
        .where(
            CommitteeMember.user_id == actor.id,
            AgendaItem.dossier_id.in_(wanted),
            AgendaItem.status == ItemStatus.INSCRIT,
            CommitteeSession.status != SessionStatus.SIGNEE,
        )
    ).all()
    zone = local_zone()
    return {
        dossier_id
        for dossier_id, starts_at, member in rows
        if member.in_office(starts_at.astimezone(zone).date())
    }


def follows_person(actor: User) -> ColumnElement[bool]:
    """The actor registered the person of the enclosing statement, or follows one of their dossiers."""
    return or_(
        Person.created_by_id == actor.id,
        select(Dossier.id).where(Dossier.person_id == Person.id, follows(actor)).exists(),
    )


def person_relations(actor: User, follows_it: object) -> frozenset[Relation]:
    relations = {Relation.AUCUNE, *base_relations(actor)}
    if follows_it:
        relations.add(Relation.SUIT)
    return frozenset(relations)
