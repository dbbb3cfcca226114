"""How a user stands towards dossiers and people, read from the database in the statement that loads them.

The relations of policy.Relation, computed as SQL expressions correlated to the dossier (or the person) a
statement selects, so that loading a dossier and knowing who may read what of it is one statement. Only a
committee member's mandate, checked on the session's local day, takes a second statement, and only when the
user is a member of a session carrying the dossier.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, exists, false, or_, select

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

# The flags are built once per shape of the actor's roles, with the actor as bind parameters (`parameters`):
# a statement carrying them can then be built once too.
_ACTOR_ID = "access_actor_id"
_ACTOR_ROLES = "access_actor_roles"


def parameters(actor: User) -> dict[str, Any]:
    """The values of the actor's bind parameters in `flags`: a statement carrying them is run with them."""
    return {_ACTOR_ID: actor.id, _ACTOR_ROLES: sorted(role.value for role in actor.roles)}


def follows() -> ColumnElement[bool]:
    """The actor follows the dossier of the enclosing statement: opened it, instructs it, holds or held one of
    its tasks, or one of its tasks waits, unclaimed, in the lane of one of the actor's roles."""
    actor_id: BindParameter[int] = bindparam(_ACTOR_ID)
    task = select(HumanTask.id).where(
        HumanTask.dossier_id == Dossier.id,
        or_(
            HumanTask.assignee_id == actor_id,
            HumanTask.completed_by_id == actor_id,
            and_(
                HumanTask.completed_at.is_(None),
                HumanTask.assignee_id.is_(None),
                HumanTask.role.in_(bindparam(_ACTOR_ROLES, expanding=True)),
            ),
        ),
    )
    return or_(Dossier.opened_by_id == actor_id, Dossier.instructor_id == actor_id, task.exists())


def pays(regisseur: bool) -> ColumnElement[bool]:
    """A régisseur and a dossier with a step, done or to do, in the régisseur's lane."""
    if not regisseur:
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


def sits_maybe(secretariat: bool) -> ColumnElement[bool]:
    """The secretariat prepares every session; a member may sit in one carrying it (mandate checked after)."""
    if secretariat:
        return _on_open_agenda()
    return exists().where(
        AgendaItem.dossier_id == Dossier.id,
        AgendaItem.status == ItemStatus.INSCRIT,
        CommitteeSession.id == AgendaItem.session_id,
        CommitteeSession.status != SessionStatus.SIGNEE,
        CommitteeMember.user_id == bindparam(_ACTOR_ID),
        CommitteeMember.centre_id == CommitteeSession.centre_id,
    )


FLAG_COUNT = 3


def flags(actor: User) -> tuple[ColumnElement[bool], ...]:
    """The columns a statement selecting Dossier adds to learn the actor's relations (see relations_of); run
    it with `parameters(actor)`."""
    return flags_for(shape(actor))


def shape(actor: User) -> tuple[bool, bool]:
    """What the flags' SQL depends on besides their parameters: a key for statements built once."""
    return actor.has_role(Role.REGISSEUR), actor.has_role(Role.SECRETARIAT)


@functools.cache
def flags_for(roles_shape: tuple[bool, bool]) -> tuple[ColumnElement[bool], ...]:
    """The flags for actors of this `shape`, built once."""
    regisseur, secretariat = roles_shape
    return (follows(), pays(regisseur), sits_maybe(secretariat))


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
    base = base_relations(actor)
    for dossier_id, (follows_it, pays_it, _) in ((k, tuple(v)) for k, v in flags_by_dossier.items()):
        relations = set(base)
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


@functools.cache
def follows_person() -> ColumnElement[bool]:
    """The actor registered the person of the enclosing statement, or follows one of their dossiers; run it
    with `parameters(actor)`."""
    return or_(
        Person.created_by_id == bindparam(_ACTOR_ID),
        select(Dossier.id).where(Dossier.person_id == Person.id, follows()).exists(),
    )


def person_relations(actor: User, follows_it: object) -> frozenset[Relation]:
    relations = {Relation.AUCUNE, *base_relations(actor)}
    if follows_it:
        relations.add(Relation.SUIT)
    return frozenset(relations)
