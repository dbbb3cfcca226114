"""Use cases of the rights check: ask for an estimate, read it, record what was done; the background job.

The estimate is computed by the scheduler's job `estimate_rights`, never in a request: it takes the
estimates waiting (asked by an agent, or made when a household or budget changed), claims each under a
lease, asks OpenFisca with no transaction open, and records the amounts. An estimate whose household and
budget give the same situation as an earlier one is answered from it (cached).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from service import clock
from service.access import service as access
from service.access.policy import Action, Part
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import current_settings, local_zone
from service.errors import InvalidInputError
from service.extensions import db
from service.models import (
    BudgetKind,
    BudgetLine,
    Commune,
    EstimateStatus,
    FollowUpStatus,
    Housing,
    Person,
    Quartier,
    RightFollowUp,
    RightsEstimate,
    User,
)
from service.models.tenancy import ALL_CENTRES
from service.rights import centre_aids, client, situation
from service.rights.catalogue import BY_KEY, RIGHTS, Right
from service.rights.centre_aids import CentreAid
from service.unit_of_work import reading_use_case, use_case

# Households whose file changed this recently get an estimate without being asked; older files are estimated
# when an agent asks.
AUTOMATIC_WITHIN = timedelta(days=30)
AUTOMATIC_PER_RUN = 20


@dataclass(frozen=True)
class RightLine:
    right: Right
    amount_cents: int | None  # None: OpenFisca found no such right for this month
    open_in_budget: bool  # a resource line of the budget says the right is already paid
    follow_up: RightFollowUp | None


@dataclass(frozen=True)
class RightsPage:
    person: Person
    estimate: RightsEstimate | None
    current: bool  # the estimate was made from the household and budget as they are now
    missing: Sequence[str]  # what must be entered before an estimate can be made
    lines: Sequence[RightLine]
    housing: Housing
    disability: bool
    may_ask: bool
    centre_aids: Sequence[CentreAid] = ()  # the centre's own aids, as their barèmes answer


def _today() -> date:
    return clock.now().astimezone(local_zone()).date()


def _month(today: date) -> date:
    return today.replace(day=1)


def _missing(person: Person) -> list[str]:
    missing = []
    if person.birth_date is None:
        missing.append("la date de naissance de la personne")
    if not person.budget_lines:
        missing.append("son budget (au moins une ressource ou une charge, le loyer par exemple)")
    return missing


def _default_housing(person: Person) -> Housing:
    pays_rent = any(
        line.kind is BudgetKind.CHARGE and line.category == situation.RENT_CATEGORY
        for line in person.budget_lines
    )
    return Housing.LOCATAIRE_VIDE if pays_rent else Housing.HEBERGE


def _default_disability(person: Person) -> bool:
    return any(line.kind is BudgetKind.RESSOURCE and line.category == "aah" for line in person.budget_lines)


def _depcom(person: Person) -> str:
    """The INSEE code of the person's commune (their quartier's), else of the centre's first commune."""
    if person.quartier_id is not None:
        statement = select(Commune.insee_code).join(Quartier, Quartier.commune_id == Commune.id)
        return db.session.scalar(statement.where(Quartier.id == person.quartier_id)) or ""
    first = select(Commune.insee_code).where(Commune.centre_id == person.centre_id).order_by(Commune.id)
    return db.session.scalar(first.limit(1)) or ""


def facts_of(person: Person, *, month: date, housing: Housing, disability: bool) -> situation.Facts:
    if person.birth_date is None:
        raise InvalidInputError("Renseignez la date de naissance de la personne.")
    resources: dict[str, int] = {}
    rent = 0
    for line in person.budget_lines:
        if line.kind is BudgetKind.RESSOURCE:
            resources[line.category] = resources.get(line.category, 0) + line.monthly_amount_cents
        elif line.category == situation.RENT_CATEGORY:
            rent += line.monthly_amount_cents
    members = [situation.Member(member.birth_date, member.relationship_kind) for member in person.members]
    return situation.Facts(
        month=month,
        birth_date=person.birth_date,
        members=members,
        resources_cents=resources,
        rent_cents=rent,
        housing=housing,
        disability=disability,
        depcom=_depcom(person),
    )


def _latest(person_id: int) -> RightsEstimate | None:
    return db.session.scalars(
        select(RightsEstimate)
        .where(RightsEstimate.person_id == person_id)
        .order_by(RightsEstimate.id.desc())
        .limit(1)
    ).first()


@reading_use_case
def read(*, actor: User, person_id: int) -> RightsPage:
    """The person's potential rights as last estimated, and whether the estimate still fits their file."""
    found = access.person(actor, person_id, needs=Part.BUDGET)
    person = found.person
    estimate = _latest(person.id)
    housing = estimate.housing if estimate else _default_housing(person)
    disability = estimate.disability if estimate else _default_disability(person)
    missing = _missing(person)
    current = False
    if estimate is not None and not missing:
        facts = facts_of(person, month=_month(_today()), housing=housing, disability=disability)
        current = estimate.inputs_hash == situation.fingerprint(situation.build(facts))
    follow_ups: dict[str, RightFollowUp] = {}
    for follow_up in db.session.scalars(
        select(RightFollowUp).where(RightFollowUp.person_id == person.id).order_by(RightFollowUp.id)
    ):
        follow_ups[follow_up.right] = follow_up
    open_categories = {line.category for line in person.budget_lines if line.kind is BudgetKind.RESSOURCE}
    amounts = estimate.amounts if estimate and estimate.status is EstimateStatus.CALCULEE else {}
    lines = [
        RightLine(
            right,
            amounts.get(right.key),
            bool(right.open_category) and right.open_category in open_categories,
            follow_ups.get(right.key),
        )
        for right in RIGHTS
        if right.key in amounts or right.key in follow_ups
    ]
    access.record_read(
        actor=actor, action=AuditAction.PERSONNE_CONSULTATION, subject_type="personne", subject_id=person.id,
        parts=[Part.BUDGET], details={"page": "droits potentiels"},
    )  # fmt: skip
    return RightsPage(
        person=person,
        estimate=estimate,
        current=current,
        missing=missing,
        lines=lines,
        housing=housing,
        disability=disability,
        may_ask=found.grant.may(Action.MODIFIER_BUDGET),
        centre_aids=() if missing else centre_aids.estimate(person),
    )


def _enqueue(person: Person, *, housing: Housing, disability: bool, asked_by: User | None) -> RightsEstimate:
    """A new estimate for the person's file as it is now: answered at once from an equal earlier one."""
    month = _month(_today())
    body = situation.build(facts_of(person, month=month, housing=housing, disability=disability))
    digest = situation.fingerprint(body)
    latest = _latest(person.id)
    if (
        latest is not None
        and latest.inputs_hash == digest
        and latest.status is not EstimateStatus.INDISPONIBLE
    ):
        return latest  # computed or on its way, from the same facts
    estimate = RightsEstimate(
        centre_id=person.centre_id,
        person_id=person.id,
        month=month,
        housing=housing,
        disability=disability,
        inputs_hash=digest,
        situation=body,
        asked_at=clock.now(),
        asked_by_id=asked_by.id if asked_by else None,
        amounts={},
    )
    earlier = db.session.scalars(
        select(RightsEstimate)
        .where(RightsEstimate.inputs_hash == digest, RightsEstimate.status == EstimateStatus.CALCULEE)
        .order_by(RightsEstimate.id.desc())
        .limit(1)
    ).first()
    if earlier is not None:  # the same situation was computed before: OpenFisca would answer the same
        estimate.status = EstimateStatus.CALCULEE
        estimate.amounts = dict(earlier.amounts)
        estimate.computed_at = clock.now()
        estimate.duration_ms = 0
    db.session.add(estimate)
    return estimate


@use_case
def ask(*, actor: User, person_id: int, housing: Housing, disability: bool) -> RightsEstimate:
    """An agent asks for an estimate (with the housing situation and disability they know of)."""
    person = access.person(actor, person_id, needs=Action.MODIFIER_BUDGET).person
    missing = _missing(person)
    if missing:
        raise InvalidInputError("Avant d'estimer les droits, renseignez " + " et ".join(missing) + ".")
    estimate = _enqueue(person, housing=housing, disability=disability, asked_by=actor)
    audit.record(
        action=AuditAction.DROITS_ESTIMATION, subject_type="personne", subject_id=person.id, actor=actor,
        details={"logement": housing.value, "handicap": disability},
    )  # fmt: skip
    return estimate


@use_case
def record_follow_up(
    *, actor: User, person_id: int, right: str, status: FollowUpStatus, on_date: date
) -> RightFollowUp:
    """What became of a potential right: already open, a request made on that day, or declined."""
    person = access.person(actor, person_id, needs=Action.MODIFIER_BUDGET).person
    if right not in BY_KEY:
        raise InvalidInputError("Choisissez un droit de la liste.")
    if on_date > _today():
        raise InvalidInputError("La date ne peut pas être dans le futur.")
    follow_up = RightFollowUp(
        centre_id=person.centre_id,
        person_id=person.id,
        right=right,
        status=status,
        on_date=on_date,
        recorded_at=clock.now(),
        recorded_by_id=actor.id,
    )
    db.session.add(follow_up)
    audit.record(
        action=AuditAction.DROITS_SUIVI, subject_type="personne", subject_id=person.id, actor=actor,
        details={"droit": right, "suite": status.value, "date": on_date.isoformat()},
    )  # fmt: skip
    return follow_up


# --- the background job -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EstimateReport:
    computed: int
    unavailable: int
    enqueued: int


def estimate_pending(*, limit: int = 10) -> EstimateReport:
    """The scheduler's job: estimate for the files that changed, then compute what waits."""
    settings = current_settings()
    if not settings.OPENFISCA_URL:
        return EstimateReport(0, 0, 0)
    enqueued = _enqueue_changed()
    computed = unavailable = 0
    for estimate_id in _waiting_ids(limit):
        claim = _claim(estimate_id, settings.RIGHTS_CLAIM_LEASE_SECONDS)
        if claim is None:
            continue
        started = time.monotonic()
        try:
            answer = client.calculate(
                settings.OPENFISCA_URL, claim, timeout=settings.OPENFISCA_TIMEOUT_SECONDS
            )
        except client.OpenFiscaUnavailableError as error:
            if _record_failure(estimate_id, str(error), settings.RIGHTS_MAX_ATTEMPTS):
                unavailable += 1
            continue
        _record_answer(
            estimate_id, situation.amounts(claim, answer), round((time.monotonic() - started) * 1000)
        )
        computed += 1
    return EstimateReport(computed, unavailable, enqueued)


@use_case
def _enqueue_changed() -> int:
    """Files with a budget, changed recently, whose last estimate (if any) is older than the change."""
    now = clock.now()
    changed_at = func.coalesce(Person.updated_at, Person.created_at)
    last_asked = (
        select(func.max(RightsEstimate.asked_at))
        .where(RightsEstimate.person_id == Person.id)
        .scalar_subquery()
    )
    people = db.session.scalars(
        select(Person)
        .where(
            changed_at >= now - AUTOMATIC_WITHIN,
            Person.birth_date.is_not(None),
            Person.pseudonymised_at.is_(None),
            select(BudgetLine.id).where(BudgetLine.person_id == Person.id).exists(),
            or_(last_asked.is_(None), last_asked < changed_at),
        )
        .order_by(changed_at.desc())
        .limit(AUTOMATIC_PER_RUN)
        .execution_options(**{ALL_CENTRES: True})
    ).all()
    for person in people:
        latest = _latest(person.id)
        _enqueue(
            person,
            housing=latest.housing if latest else _default_housing(person),
            disability=latest.disability if latest else _default_disability(person),
            asked_by=None,
        )
    return len(people)


def _claimable(now: datetime) -> Any:
    return and_(
        RightsEstimate.status == EstimateStatus.EN_ATTENTE,
        or_(RightsEstimate.claimed_until.is_(None), RightsEstimate.claimed_until < now),
    )


@use_case
def _waiting_ids(limit: int) -> list[int]:
    return list(
        db.session.scalars(
            select(RightsEstimate.id)
            .where(_claimable(clock.now()))
            .order_by(RightsEstimate.asked_at, RightsEstimate.id)
            .limit(limit)
            .execution_options(**{ALL_CENTRES: True})
        )
    )


@use_case
def _claim(estimate_id: int, lease_seconds: int) -> dict[str, Any] | None:
    """Take one waiting estimate under a lease (one conditional UPDATE); its situation, or None if taken."""
    now = clock.now()
    taken = db.session.execute(
        update(RightsEstimate)
        .where(RightsEstimate.id == estimate_id, _claimable(now))
        .values(claimed_until=now + timedelta(seconds=lease_seconds), attempts=RightsEstimate.attempts + 1)
        .execution_options(**{ALL_CENTRES: True})
    )
    if getattr(taken, "rowcount", 0) != 1:
        return None
    return db.session.scalar(
        select(RightsEstimate.situation)
        .where(RightsEstimate.id == estimate_id)
        .execution_options(**{ALL_CENTRES: True})
    )


def _held(estimate_id: int) -> RightsEstimate:
    return db.session.scalars(
        select(RightsEstimate)
        .where(RightsEstimate.id == estimate_id)
        .execution_options(**{ALL_CENTRES: True})
    ).one()


@use_case
def _record_answer(estimate_id: int, amounts: dict[str, int], duration_ms: int) -> None:
    estimate = _held(estimate_id)
    estimate.status = EstimateStatus.CALCULEE
    estimate.amounts = amounts
    estimate.computed_at = clock.now()
    estimate.duration_ms = duration_ms
    estimate.claimed_until = None
    estimate.error = ""


@use_case
def _record_failure(estimate_id: int, reason: str, max_attempts: int) -> bool:
    """OpenFisca did not answer: try again 1, 2, 4… minutes later, or give up (True): unavailable."""
    estimate = _held(estimate_id)
    estimate.error = reason[:2000]
    if estimate.attempts >= max_attempts:
        estimate.status = EstimateStatus.INDISPONIBLE
        estimate.claimed_until = None
        return True
    estimate.claimed_until = clock.now() + timedelta(minutes=2 ** (estimate.attempts - 1))
    return False
