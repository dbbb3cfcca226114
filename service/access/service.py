"""Load a dossier or a person's file with what the actor may read and do of it; trace every read.

Every use case that shows a dossier or a person goes through here: a row of another centre is not found (404),
a row of the centre outside the actor's relations is refused (403) with a message that names nobody, and a
page receives only the parts the policy grants.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, or_, select

from service.access import relations
from service.access.policy import Action, Grant, Part, Relation, dossier_grant, person_grant
from service.audit import service as audit
from service.audit.actions import READS, AuditAction
from service.errors import NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import AuditEvent, Dossier, Person, User

__all__ = [
    "Consultation",
    "DossierAccess",
    "Grant",
    "LoadedWith",
    "PersonAccess",
    "ReadableDossier",
    "consultations",
    "dossier",
    "dossier_loaded",
    "dossiers_of_person",
    "flag_parameters",
    "flags_for",
    "flags_shape",
    "person",
    "record_read",
]
CONSULTATIONS_SHOWN = 50

DOSSIER_REFUSED = "Ce dossier ne fait pas partie de ceux que vous suivez : il ne vous est pas accessible."
PERSON_REFUSED = "Cette fiche ne fait pas partie de celles que vous suivez : elle ne vous est pas accessible."
_NOT_IN_CENTRE = "Ce dossier n'existe pas dans votre centre."
_PERSON_NOT_IN_CENTRE = "Cette personne n'existe pas dans votre centre."


@dataclass(frozen=True)
class DossierAccess:
    dossier: Dossier
    relations: frozenset[Relation]
    grant: Grant
    extra: tuple[Any, ...] = ()  # the columns the caller asked for with the dossier

    def reads(self, part: Part) -> bool:
        return self.grant.reads(part)

    def may(self, action: Action) -> bool:
        return self.grant.may(action)


@dataclass(frozen=True)
class PersonAccess:
    person: Person
    relations: frozenset[Relation]
    grant: Grant

    def reads(self, part: Part) -> bool:
        return self.grant.reads(part)

    def may(self, action: Action) -> bool:
        return self.grant.may(action)


@dataclass(frozen=True, eq=False)
class LoadedWith:
    """Columns a page loads with the dossier, with the outer joins they need. Declared once, at import: the
    dossier's statement is then built once per shape of the actor's roles, and only run after."""

    columns: tuple[Any, ...] = ()
    outer_joins: tuple[tuple[Any, ColumnElement[bool]], ...] = ()


_DOSSIER_ALONE = LoadedWith()


def dossier(
    actor: User,
    dossier_id: int,
    *,
    needs: Part | Action | None = None,
    loaded_with: LoadedWith = _DOSSIER_ALONE,
) -> DossierAccess:
    """The dossier, its person and what the actor may read and do of it, in one statement.

    Not in the actor's centre: NotFoundError. Outside the actor's relations, or without `needs`:
    PermissionDeniedError, naming nobody. The columns of `loaded_with` come back in `extra`.
    """
    row = db.session.execute(
        _dossier_statement(relations.shape(actor), loaded_with),
        {**relations.parameters(actor), "dossier_id": dossier_id, "centre_id": actor.centre_id},
    ).first()
    if row is None:
        raise NotFoundError(_NOT_IN_CENTRE)
    found: Dossier = row[0]
    extra = tuple(row[1 + relations.FLAG_COUNT :])
    related = relations.relations_of(actor, found.id, _flags(row))
    access = DossierAccess(found, related, dossier_grant(actor.roles, related), extra)
    _require(access.grant, needs, DOSSIER_REFUSED)
    return access


@functools.cache
def _dossier_statement(roles_shape: tuple[bool, bool], loaded_with: LoadedWith) -> Select[Any]:
    statement = select(Dossier, *relations.flags_for(roles_shape), *loaded_with.columns).where(
        Dossier.id == bindparam("dossier_id"), Dossier.centre_id == bindparam("centre_id")
    )
    for target, on in loaded_with.outer_joins:
        statement = statement.outerjoin(target, on)
    return statement


def flag_parameters(actor: User) -> dict[str, Any]:
    """The bind parameters of the flags of `flags_for`."""
    return relations.parameters(actor)


def flags_shape(actor: User) -> tuple[bool, bool]:
    """What the flags depend on besides their parameters: statements carrying them are built once per shape,
    with `flags_for`."""
    return relations.shape(actor)


def flags_for(roles_shape: tuple[bool, bool]) -> tuple[ColumnElement[bool], ...]:
    """The columns a statement selecting (or joining) Dossier adds to learn the relations of actors of this
    shape, so that `dossier_loaded` decides without a statement of its own; run it with
    `flag_parameters(actor)`."""
    return relations.flags_for(roles_shape)


def dossier_loaded(
    actor: User, found: Dossier, flags: Sequence[object], *, needs: Part | Action | None = None
) -> DossierAccess:
    """What `dossier` says of a dossier the caller loaded itself, with the flags of `flags_for` selected."""
    if found.centre_id != actor.centre_id:
        raise NotFoundError(_NOT_IN_CENTRE)
    related = relations.relations_of(actor, found.id, tuple(flags))
    access = DossierAccess(found, related, dossier_grant(actor.roles, related))
    _require(access.grant, needs, DOSSIER_REFUSED)
    return access


@dataclass(frozen=True)
class ReadableDossier:
    """One of a person's dossiers, as a list shows it, to a reader the policy grants something of it."""

    id: int
    number: str
    aid_label: str
    status_label: str
    opened_at: datetime
    grant: Grant
    aid_type: str = ""


def dossiers_of_person(actor: User, person_id: int) -> list[ReadableDossier]:
    """The person's dossiers the actor may read something of, newest first; the others are not listed."""
    rows = db.session.execute(
        select(Dossier, *relations.flags(actor))
        .where(Dossier.person_id == person_id, Dossier.centre_id == actor.centre_id)
        .order_by(Dossier.opened_at.desc(), Dossier.id.desc()),
        relations.parameters(actor),
    ).all()
    related = relations.relations_of_many(actor, {row[0].id: _flags(row) for row in rows})
    listed = []
    for row in rows:
        found: Dossier = row[0]
        grant = dossier_grant(actor.roles, related[found.id])
        if grant:
            listed.append(
                ReadableDossier(
                    found.id,
                    found.number,
                    found.aid_label,
                    found.status.label,
                    found.opened_at,
                    grant,
                    found.aid_type,
                )
            )
    return listed


def grants_of(actor: User, dossier_ids: Iterable[int]) -> dict[int, Grant]:
    """What the actor may read and do of each of these dossiers (a list's rows), in one or two statements."""
    wanted = sorted(set(dossier_ids))
    if not wanted:
        return {}
    rows = db.session.execute(
        _grants_statement(relations.shape(actor)),
        {**relations.parameters(actor), "dossier_ids": wanted, "centre_id": actor.centre_id},
    ).all()
    related = relations.relations_of_many(actor, {row[0]: _flags(row) for row in rows})
    roles = actor.roles
    return {dossier_id: dossier_grant(roles, found) for dossier_id, found in related.items()}


@functools.cache
def _grants_statement(roles_shape: tuple[bool, bool]) -> Select[Any]:
    return select(Dossier.id, *relations.flags_for(roles_shape)).where(
        Dossier.id.in_(bindparam("dossier_ids", expanding=True)), Dossier.centre_id == bindparam("centre_id")
    )


@dataclass(frozen=True)
class Consultation:
    at: datetime
    actor_name: str
    action: str
    subject: str
    parts: tuple[str, ...]


def consultations(*, person_id: int, dossier_ids: Sequence[int]) -> list[Consultation]:
    """The latest reads of the person's file and of their dossiers and documents, newest first."""
    about = [(AuditEvent.subject_type == "personne") & (AuditEvent.subject_id == str(person_id))]
    if dossier_ids:
        about.append(
            (AuditEvent.subject_type == "dossier")
            & AuditEvent.subject_id.in_([str(dossier_id) for dossier_id in dossier_ids])
        )
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(*about), AuditEvent.action.in_(sorted(READS)))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(CONSULTATIONS_SHOWN)
    ).all()
    return [
        Consultation(
            event.at,
            event.actor_name,
            AuditAction(event.action).label,
            "fiche" if event.subject_type == "personne" else f"dossier n° {event.subject_id}",
            tuple(str(part) for part in event.details.get("parties", ())),
        )
        for event in events
    ]


def _flags(row: Sequence[Any]) -> tuple[object, ...]:
    return tuple(row[1 : 1 + relations.FLAG_COUNT])


_PERSON = select(Person, relations.follows_person()).where(
    Person.id == bindparam("person_id"), Person.centre_id == bindparam("centre_id")
)


def person(actor: User, person_id: int, *, needs: Part | Action | None = None) -> PersonAccess:
    """The person and what the actor may read and do of their file, in one statement."""
    row = db.session.execute(
        _PERSON,
        {**relations.parameters(actor), "person_id": person_id, "centre_id": actor.centre_id},
    ).first()
    if row is None:
        raise NotFoundError(_PERSON_NOT_IN_CENTRE)
    related = relations.person_relations(actor, row[1])
    access = PersonAccess(row[0], related, person_grant(actor.roles, related))
    _require(access.grant, needs, PERSON_REFUSED)
    return access


def _require(grant: Grant, needs: Part | Action | None, refusal: str) -> None:
    if not grant:
        raise PermissionDeniedError(refusal)
    if isinstance(needs, Part) and not grant.reads(needs):
        raise PermissionDeniedError(f"Votre rôle ne donne pas accès à cette partie : {needs.label.lower()}.")
    if isinstance(needs, Action) and not grant.may(needs):
        raise PermissionDeniedError(f"Votre rôle ne permet pas de {needs.label} ici.")


def record_read(
    *,
    actor: User,
    action: AuditAction,
    subject_type: str,
    subject_id: object,
    parts: Iterable[Part],
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append who read what, and which parts, to the caller's transaction: one INSERT, nothing read back."""
    audit.record(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor=actor,
        details={"parties": [part.value for part in Part if part in set(parts)], **(details or {})},
    )
