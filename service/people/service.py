"""Use cases of people: search without duplicates, create, household members, budget lines."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import BudgetKind, BudgetLine, HouseholdMember, Person, Relationship, Role, User
from service.models.tenancy import get_in_centre
from service.people.budget import CHARGE_CATEGORIES, RESOURCE_CATEGORIES, BudgetSummary, summarise
from service.permissions import require_role
from service.unit_of_work import use_case

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


def normalise(text: str) -> str:
    """'Élodie  D'Arc-Müller' → 'elodie d arc muller': no accents, no case, no punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


def search(*, actor: User, query: str) -> Sequence[Person]:
    """Find people whose name contains every word of the query, accents and case ignored."""
    require_role(actor, *PEOPLE_ROLES)
    words = normalise(query).split()
    if not words:
        return []
    criteria = and_(*(Person.search_key.contains(word, autoescape=True) for word in words))
    statement = select(Person).where(criteria).order_by(Person.search_key).limit(SEARCH_LIMIT)
    return db.session.scalars(statement).all()


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


@use_case
def create(*, actor: User, identity: Identity, confirm_duplicate: bool = False) -> Person:
    """Create a person; refuse while people with the same name exist, unless the agent confirms."""
    require_role(actor, *PEOPLE_ROLES)
    last_name, first_name = identity.last_name.strip(), identity.first_name.strip()
    if not last_name or not first_name:
        raise InvalidInputError("Le nom et le prénom sont obligatoires.")
    key = normalise(f"{last_name} {first_name}")
    if not confirm_duplicate:
        candidates = search(actor=actor, query=key)
        if candidates:
            raise DuplicateSuspectedError(candidates)
    person = Person(
        centre_id=actor.centre_id,
        last_name=last_name,
        first_name=first_name,
        search_key=key,
        birth_date=identity.birth_date,
        phone=identity.phone.strip(),
        email=identity.email.strip(),
        address_line=identity.address_line.strip(),
        postal_code=identity.postal_code.strip(),
        city=identity.city.strip(),
        quartier_id=identity.quartier_id,
        created_at=clock.now(),
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        action=AuditAction.PERSONNE_CREATION, subject_type="personne", subject_id=person.id, actor=actor
    )
    return person


def get(*, actor: User, person_id: int) -> Person:
    require_role(actor, *PEOPLE_ROLES)
    person = get_in_centre(db.session(), Person, person_id, actor.centre_id)
    if person is None:
        raise NotFoundError("Cette personne n'existe pas dans votre centre.")
    return person


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
    person = get(actor=actor, person_id=person_id)
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
    audit.record(
        action=AuditAction.FOYER_AJOUT, subject_type="personne", subject_id=person.id, actor=actor,
        details={"lien": relationship.value},
    )  # fmt: skip
    return member


@use_case
def remove_member(*, actor: User, person_id: int, member_id: int) -> None:
    person = get(actor=actor, person_id=person_id)
    member = next((m for m in person.members if m.id == member_id), None)
    if member is None:
        raise NotFoundError("Ce membre du foyer n'existe pas.")
    person.members.remove(member)
    audit.record(action=AuditAction.FOYER_RETRAIT, subject_type="personne", subject_id=person.id, actor=actor)


@use_case
def add_budget_line(
    *, actor: User, person_id: int, kind: BudgetKind, category: str, label: str, monthly_amount_cents: int
) -> BudgetLine:
    person = get(actor=actor, person_id=person_id)
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
    audit.record(
        action=AuditAction.BUDGET_AJOUT, subject_type="personne", subject_id=person.id, actor=actor,
        details={"type": kind.value, "catégorie": category, "montant_cents": monthly_amount_cents},
    )  # fmt: skip
    return line


@use_case
def remove_budget_line(*, actor: User, person_id: int, line_id: int) -> None:
    person = get(actor=actor, person_id=person_id)
    line = next((line for line in person.budget_lines if line.id == line_id), None)
    if line is None:
        raise NotFoundError("Cette ligne de budget n'existe pas.")
    person.budget_lines.remove(line)
    audit.record(
        action=AuditAction.BUDGET_RETRAIT, subject_type="personne", subject_id=person.id, actor=actor,
        details={"catégorie": line.category, "montant_cents": line.monthly_amount_cents},
    )  # fmt: skip


def budget(person: Person) -> BudgetSummary:
    return summarise(person, today())


def today() -> date:
    """Today in the centre's time zone."""
    return clock.now().astimezone(local_zone()).date()
