"""Plan workshop sessions, one at a time or as a weekly or monthly series; each runs its own process."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from service import clock, processes
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import current_settings, local_zone, workshop_places
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    Frequency,
    User,
    WorkshopSeries,
    WorkshopSession,
    WorkshopStatus,
    WorkshopTheme,
)
from service.models.tenancy import get_in_centre
from service.unit_of_work import use_case
from service.workshops.access import require_organiser

PROCESS_KEY = "atelier_collectif"
MAX_OCCURRENCES = 52
MAX_DURATION = timedelta(hours=8)


@dataclass(frozen=True)
class Plan:
    """What an organiser types to plan a session (the first one, for a series)."""

    theme_id: int
    starts_at: datetime
    duration: timedelta
    place: str
    facilitators: str
    capacity: int
    minimum: int


@use_case
def plan_session(*, actor: User, plan: Plan) -> WorkshopSession:
    require_organiser(actor)
    session = _create(actor, plan, series_id=None)
    return session


@use_case
def plan_series(*, actor: User, plan: Plan, frequency: Frequency, count: int) -> list[WorkshopSession]:
    """N sessions at the same local time, every week or every month (same day, or the month's last)."""
    require_organiser(actor)
    if not 2 <= count <= MAX_OCCURRENCES:
        raise InvalidInputError(f"Une série compte de 2 à {MAX_OCCURRENCES} séances.")
    series = WorkshopSeries(
        centre_id=actor.centre_id,
        theme_id=plan.theme_id,
        frequency=frequency,
        occurrences=count,
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(series)
    db.session.flush()
    planned = [
        _create(actor, Plan(**{**plan.__dict__, "starts_at": moment}), series_id=series.id)
        for moment in occurrences(plan.starts_at, frequency, count)
    ]
    return planned


def occurrences(first: datetime, frequency: Frequency, count: int) -> list[datetime]:
    """The start of each session of a series, keeping the local time across daylight saving changes."""
    local = first.astimezone(local_zone())
    moments = []
    for index in range(count):
        if frequency is Frequency.HEBDOMADAIRE:
            day = local.date() + timedelta(weeks=index)
        else:
            month_index = local.month - 1 + index
            year, month = local.year + month_index // 12, month_index % 12 + 1
            day = local.date().replace(
                year=year, month=month, day=min(local.day, calendar.monthrange(year, month)[1])
            )
        moments.append(datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=local_zone()))
    return moments


def _create(actor: User, plan: Plan, *, series_id: int | None) -> WorkshopSession:
    theme = _check(actor, plan)
    settings = current_settings()
    session = WorkshopSession(
        centre_id=actor.centre_id,
        theme_id=theme.id,
        series_id=series_id,
        starts_at=plan.starts_at,
        ends_at=plan.starts_at + plan.duration,
        place=plan.place,
        facilitators=plan.facilitators.strip(),
        capacity=plan.capacity,
        minimum=plan.minimum,
        seats_taken=0,
        status=WorkshopStatus.OUVERTE,
        organiser_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(session)
    db.session.flush()
    advance = processes.start(
        process_key=PROCESS_KEY,
        centre_id=actor.centre_id,
        data={
            "seance_id": session.id,
            "controle_minimum_le": (
                plan.starts_at - timedelta(days=settings.WORKSHOP_MINIMUM_CHECK_DAYS)
            ).isoformat(),
            "rappel_le": (plan.starts_at - timedelta(days=settings.WORKSHOP_REMINDER_DAYS)).isoformat(),
            "debut": plan.starts_at.isoformat(),
            "fin": session.ends_at.isoformat(),
        },
    )
    session.instance_id = advance.instance.id
    audit.record(
        action=AuditAction.ATELIER_SEANCE_PLANIFIEE,
        subject_type="atelier", subject_id=session.id, actor=actor,
        details={"thème": theme.name, "le": plan.starts_at.isoformat(), "lieu": plan.place,
                 "places": plan.capacity, "minimum": plan.minimum},
    )  # fmt: skip
    return session


def _check(actor: User, plan: Plan) -> WorkshopTheme:
    theme = get_in_centre(db.session(), WorkshopTheme, plan.theme_id, actor.centre_id)
    if theme is None:
        raise NotFoundError("Ce thème n'existe pas dans votre centre.")
    if not theme.active:
        raise InvalidInputError(f"Le thème « {theme.name} » n'est plus proposé.")
    if plan.starts_at.tzinfo is None:
        raise InvalidInputError("L'heure de la séance doit être donnée avec son fuseau horaire.")
    if plan.starts_at <= clock.now():
        raise InvalidInputError("La séance doit avoir lieu dans le futur.")
    if not timedelta(minutes=15) <= plan.duration <= MAX_DURATION:
        raise InvalidInputError("Une séance dure de 15 minutes à 8 heures.")
    if plan.place not in workshop_places(current_settings()):
        raise InvalidInputError("Choisissez le lieu parmi ceux du centre.")
    if not plan.facilitators.strip():
        raise InvalidInputError("Indiquez qui anime la séance.")
    if plan.capacity < 1:
        raise InvalidInputError("La séance doit offrir au moins une place.")
    if not 0 <= plan.minimum <= plan.capacity:
        raise InvalidInputError(
            "Le minimum pour tenir la séance doit être compris entre 0 et le nombre de places."
        )
    return theme
