"""Open a series of slots: on a day, from a start to an end, of a given length, at one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from service import clock
from service.appointments.access import require_organiser
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import AppointmentSlot, Commune, Role, User
from service.models.tenancy import get_in_centre
from service.unit_of_work import use_case

MIN_LENGTH_MINUTES = 10
MAX_LENGTH_MINUTES = 240
MAX_SLOTS = 40
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class Series:
    """What the agent types: the day, from when to when, each slot's length, the place (None: the centre)."""

    agent_id: int
    day: date
    start: time
    end: time
    length_minutes: int
    commune_id: int | None


@use_case
def add_series(*, actor: User, series: Series) -> list[AppointmentSlot]:
    """The slots of one day, one after the other; an agent opens their own, the head of service anyone's."""
    require_organiser(actor)
    agent = _agent(actor, series.agent_id)
    commune = _commune(actor, series.commune_id)
    moments = _moments(series)
    overlapping = db.session.scalars(
        select(AppointmentSlot.starts_at)
        .where(
            AppointmentSlot.agent_id == agent.id,
            AppointmentSlot.starts_at < moments[-1][1],
            AppointmentSlot.ends_at > moments[0][0],
        )
        .order_by(AppointmentSlot.starts_at)
    ).first()
    if overlapping is not None:
        raise InvalidInputError(
            f"{agent.full_name} a déjà un créneau à {overlapping.astimezone(local_zone()):%H:%M} ce jour-là"
            " : choisissez des heures libres.",
            field="start",
        )
    now = clock.now()
    slots = [
        AppointmentSlot(
            centre_id=actor.centre_id,
            agent_id=agent.id,
            commune_id=commune.id if commune else None,
            starts_at=start,
            ends_at=end,
            created_by_id=actor.id,
            created_at=now,
        )
        for start, end in moments
    ]
    db.session.add_all(slots)
    db.session.flush()
    audit.record(
        action=AuditAction.RDV_CRENEAUX, subject_type="agent", subject_id=agent.id, actor=actor,
        details={"jour": series.day.isoformat(), "de": series.start.strftime("%H:%M"),
                 "à": series.end.strftime("%H:%M"), "durée": series.length_minutes,
                 "lieu": commune.name if commune else "centre", "créneaux": len(slots)},
    )  # fmt: skip
    return slots


def _agent(actor: User, agent_id: int) -> User:
    agent = get_in_centre(db.session(), User, agent_id, actor.centre_id)
    if agent is None or not agent.active or not agent.has_role(Role.INSTRUCTEUR):
        raise InvalidInputError("Choisissez un travailleur social du centre.", field="agent_id")
    if agent.id != actor.id and not actor.has_role(Role.RESPONSABLE):
        raise PermissionDeniedError("Vous ouvrez vos propres créneaux ; la direction ouvre ceux des autres.")
    return agent


def _commune(actor: User, commune_id: int | None) -> Commune | None:
    if commune_id is None:
        return None
    commune = get_in_centre(db.session(), Commune, commune_id, actor.centre_id)
    if commune is None:
        raise NotFoundError("Cette commune n'est pas desservie par votre centre.")
    return commune


def _moments(series: Series) -> list[tuple[datetime, datetime]]:
    today = clock.now().astimezone(local_zone()).date()
    if series.day < today:
        raise InvalidInputError("Le jour des créneaux est passé.", field="day")
    if series.day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInputError("Ouvrez des créneaux au plus un an à l'avance.", field="day")
    if not MIN_LENGTH_MINUTES <= series.length_minutes <= MAX_LENGTH_MINUTES:
        raise InvalidInputError(
            f"Un rendez-vous dure de {MIN_LENGTH_MINUTES} à {MAX_LENGTH_MINUTES} minutes.",
            field="length_minutes",
        )
    zone = local_zone()
    start = datetime.combine(series.day, series.start, tzinfo=zone)
    end = datetime.combine(series.day, series.end, tzinfo=zone)
    if end <= start:
        raise InvalidInputError("L'heure de fin doit suivre l'heure de début.", field="end")
    length = timedelta(minutes=series.length_minutes)
    moments = []
    while start + length <= end:
        moments.append((start, start + length))
        start += length
    if not moments:
        raise InvalidInputError("La plage est plus courte qu'un rendez-vous.", field="end")
    if len(moments) > MAX_SLOTS:
        raise InvalidInputError(f"Une série compte au plus {MAX_SLOTS} créneaux.", field="length_minutes")
    if moments[0][0] <= clock.now():
        raise InvalidInputError("Les créneaux doivent commencer dans le futur.", field="start")
    return moments
