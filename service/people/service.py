"""Use cases of people: search without duplicates, create, household members, budget lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select

from service import clock
from service.access import service as access
from service.access.policy import Action, Part
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    BudgetKind,
    BudgetLine,
    Commune,
    HouseholdMember,
    Person,
    Quartier,
    Relationship,
    Role,
    User,
)
from service.models.people import HOUSING_LABELS
from service.organisation import service as organisation
from service.people import search as finder
from service.people.budget import CHARGE_CATEGORIES, RESOURCE_CATEGORIES, BudgetSummary, summarise
from service.permissions import require_role
from service.unit_of_work import reading_use_case, use_case

# Who receives people and keeps their file up to date.
PEOPLE_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)
SEARCH_LIMIT = 50


class DuplicateSuspectedError(InvalidInputError):
    """People with a close name already exist: creating one more needs a confirmation."""

    def __init__(self, candidates: Sequence[Person]) -> None:
        super().__init__(
            "Des personnes au nom proche sont déjà connues : vérifiez qu'il ne s'agit pas de l'une d'elles."
        )
        self.candidates = list(candidates)


normalise = finder.normalise


@reading_use_case
def search(*, actor: User, query: str, after_id: int = 0, limit: int = SEARCH_LIMIT) -> Sequence[Person]:
    """Find the centre's people by name (accents, case, one or two wrong letters and the order of first and
    last names forgiven), date of birth or phone, the most similar first.

    Each person listed is a read of their identity and contact: it is traced on their file. `after_id`
    resumes the ranked list after that person (the API's cursor), in the same order.
    """
    require_role(actor, *PEOPLE_ROLES)
    found = list(finder.find(actor.centre_id, finder.parse(query)))
    if after_id:
        ids = [person.id for person in found]
        found = found[ids.index(after_id) + 1 :] if after_id in ids else []
    found = found[: max(1, min(limit, SEARCH_LIMIT))]
    _trace_search(actor, found)
    return found


def _same_name(actor: User, key: str) -> Sequence[Person]:
    """The centre's people whose name contains every word of this one: the duplicates creating would make."""
    words = key.split()
    criteria = and_(*(Person.search_key.contains(word, autoescape=True) for word in words))
    statement = (
        select(Person)
        .where(criteria, Person.centre_id == actor.centre_id)
        .order_by(Person.search_key)
        .limit(SEARCH_LIMIT)
    )
    return db.session.scalars(statement).all()


def _trace_search(actor: User, found: Sequence[Person]) -> None:
    for person in found:
        access.record_read(
            actor=actor, action=AuditAction.PERSONNE_RECHERCHE, subject_type="personne", subject_id=person.id,
            parts=SEARCH_PARTS,
        )  # fmt: skip


SEARCH_PARTS = (Part.IDENTITE, Part.COORDONNEES)  # what a list of results shows


def quartiers(*, actor: User) -> Sequence[Quartier]:
    """The quartiers a person may be registered in, for those who register people."""
    require_role(actor, *PEOPLE_ROLES)
    return organisation.list_quartiers()


def communes(*, actor: User) -> Sequence[Commune]:
    """The communes a person may live in, for those who register people."""
    require_role(actor, *PEOPLE_ROLES)
    return organisation.list_communes()


@dataclass(frozen=True)
class Identity:
    last_name: str
    first_name: str
    birth_date: date | None = None
    phone: str = ""
    email: str = ""
    address_line: str = ""
    postal_code: str = ""
    city: str = ""
    quartier_id: int | None = None
    civility: str = ""  # "madame", "monsieur", or "" when the person did not say
    commune_id: int | None = None
    housing: str = ""


CIVILITIES = ("madame", "monsieur")


@use_case
def create(*, actor: User, identity: Identity, confirm_duplicate: bool = False) -> Person:
    """Create a person; refuse while people with the same name exist, unless the agent confirms."""
    require_role(actor, *PEOPLE_ROLES)
    last_name, first_name = identity.last_name.strip(), identity.first_name.strip()
    if not last_name or not first_name:
        raise InvalidInputError("Le nom et le prénom sont obligatoires.")
    if identity.civility and identity.civility not in CIVILITIES:
        raise InvalidInputError("Choisissez la civilité dans la liste, ou laissez-la non renseignée.")
    key = normalise(f"{last_name} {first_name}")
    commune_id = organisation.commune_of(commune_id=identity.commune_id, quartier_id=identity.quartier_id)
    if identity.housing and identity.housing not in HOUSING_LABELS:
        raise InvalidInputError("Choisissez une des situations de logement proposées.")
    if not confirm_duplicate:
        candidates = _same_name(actor, key)
        _trace_search(actor, candidates)
        if candidates:
            raise DuplicateSuspectedError(candidates)
    person = Person(
        centre_id=actor.centre_id,
        last_name=last_name,
        first_name=first_name,
        civility=identity.civility,
        search_key=key,
        birth_date=identity.birth_date,
        phone=identity.phone.strip(),
        email=identity.email.strip(),
        address_line=identity.address_line.strip(),
        postal_code=identity.postal_code.strip(),
        city=identity.city.strip(),
        quartier_id=identity.quartier_id,
        commune_id=commune_id,
        housing=identity.housing,
        created_at=clock.now(),
        created_by_id=actor.id,
        updated_at=clock.now(),
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        action=AuditAction.PERSONNE_CREATION, subject_type="personne", subject_id=person.id, actor=actor
    )
    return person


def get(*, actor: User, person_id: int, needs: Part | Action = Part.IDENTITE) -> Person:
    """The person, for an actor the policy lets read or do `needs` on their file (else 404 or 403)."""
    return access.person(actor, person_id, needs=needs).person


@dataclass(frozen=True)
class PersonPage:
    """A person's file as the actor may see it: what the policy does not grant is left empty."""

    person: Person
    grant: access.Grant
    members: Sequence[HouseholdMember]
    budget_lines: Sequence[BudgetLine]
    budget: BudgetSummary | None
    dossiers: Sequence[access.ReadableDossier]
    consultations: Sequence[access.Consultation]

    def reads(self, part: Part) -> bool:
        return self.grant.reads(part)

    def may(self, action: Action) -> bool:
        return self.grant.may(action)


@reading_use_case
def read_person(*, actor: User, person_id: int) -> PersonPage:
    """The person's file, in the parts the actor may read; the read is traced with those parts."""
    found = access.person(actor, person_id)
    person, grant = found.person, found.grant
    household = grant.reads(Part.FOYER) or grant.reads(Part.BUDGET)  # the parts of the budget count them
    members = list(person.members) if household else []
    lines = list(person.budget_lines) if grant.reads(Part.BUDGET) else []
    readable = access.dossiers_of_person(actor, person.id)
    consultations = (
        access.consultations(person_id=person.id, dossier_ids=[d.id for d in readable])
        if grant.reads(Part.CONSULTATIONS)
        else []
    )
    access.record_read(
        actor=actor, action=AuditAction.PERSONNE_CONSULTATION, subject_type="personne", subject_id=person.id,
        parts=grant.read,
    )  # fmt: skip
    return PersonPage(
        person=person,
        grant=grant,
        members=members if grant.reads(Part.FOYER) else [],
        budget_lines=lines,
        budget=summarise(person, today()) if grant.reads(Part.BUDGET) else None,
        dossiers=readable,
        consultations=consultations,
    )


@use_case
def add_member(
    *,
    actor: User,
    person_id: int,
    first_name: str,
    last_name: str,
    birth_date: date,
    relationship: Relationship,
) -> HouseholdMember:
    person = get(actor=actor, person_id=person_id, needs=Action.MODIFIER_FOYER)
    if birth_date > today():
        raise InvalidInputError("La date de naissance ne peut pas être dans le futur.")
    member = HouseholdMember(
        centre_id=person.centre_id,
        person=person,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        relationship_kind=relationship,
    )
    db.session.add(member)
    person.updated_at = clock.now()
    audit.record(
        action=AuditAction.FOYER_AJOUT, subject_type="personne", subject_id=person.id, actor=actor,
        details={"lien": relationship.value},
    )  # fmt: skip
    return member


@use_case
def remove_member(*, actor: User, person_id: int, member_id: int) -> None:
    person = get(actor=actor, person_id=person_id, needs=Action.MODIFIER_FOYER)
    member = next((m for m in person.members if m.id == member_id), None)
    if member is None:
        raise NotFoundError("Ce membre du foyer n'existe pas.")
    person.members.remove(member)
    person.updated_at = clock.now()
    audit.record(action=AuditAction.FOYER_RETRAIT, subject_type="personne", subject_id=person.id, actor=actor)


@use_case
def add_budget_line(
    *, actor: User, person_id: int, kind: BudgetKind, category: str, label: str, monthly_amount_cents: int
) -> BudgetLine:
    person = get(actor=actor, person_id=person_id, needs=Action.MODIFIER_BUDGET)
    categories = RESOURCE_CATEGORIES if kind is BudgetKind.RESSOURCE else CHARGE_CATEGORIES
    if category not in categories:
        raise InvalidInputError("Choisissez une catégorie de la liste.")
    if monthly_amount_cents <= 0:
        raise InvalidInputError("Le montant mensuel doit être positif.")
    line = BudgetLine(
        centre_id=person.centre_id,
        person=person,
        kind=kind,
        category=category,
        label=label.strip(),
        monthly_amount_cents=monthly_amount_cents,
    )
    db.session.add(line)
    person.updated_at = clock.now()
    audit.record(
        action=AuditAction.BUDGET_AJOUT, subject_type="personne", subject_id=person.id, actor=actor,
        details={"type": kind.value, "catégorie": category, "montant_cents": monthly_amount_cents},
    )  # fmt: skip
    return line


@use_case
def remove_budget_line(*, actor: User, person_id: int, line_id: int) -> None:
    person = get(actor=actor, person_id=person_id, needs=Action.MODIFIER_BUDGET)
    line = next((line for line in person.budget_lines if line.id == line_id), None)
    if line is None:
        raise NotFoundError("Cette ligne de budget n'existe pas.")
    person.budget_lines.remove(line)
    person.updated_at = clock.now()
    audit.record(
        action=AuditAction.BUDGET_RETRAIT, subject_type="personne", subject_id=person.id, actor=actor,
        details={"catégorie": line.category, "montant_cents": line.monthly_amount_cents},
    )  # fmt: skip


def budget(person: Person) -> BudgetSummary:
    return summarise(person, today())


def today() -> date:
    """Today in the centre's time zone."""
    return clock.now().astimezone(local_zone()).date()
