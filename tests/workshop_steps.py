"""Plan workshop sessions and register people with the use cases, as the centre's agents would."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from service import clock
from service.extensions import db
from service.models import Referral, User, WorkshopRegistration, WorkshopSession, WorkshopTheme
from service.people import service as people
from service.scheduling.wake import wake_due_instances
from service.workshops import planning, registrations, themes

PARIS = ZoneInfo("Europe/Paris")
PLACE = "Mairie annexe des Grillons"


def theme(organiser: User, name: str = "Budget au quotidien") -> WorkshopTheme:
    return themes.save_theme(actor=organiser, name=name, description="Tenir son budget, repérer les aides.")


def in_days(days: int, hour: int = 14) -> datetime:
    """A session `days` from today at `hour` o'clock in the centre's time zone."""
    day = clock.now().astimezone(PARIS).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def planned(
    organiser: User, *, days: int = 6, capacity: int = 8, minimum: int = 1, topic: WorkshopTheme | None = None
) -> WorkshopSession:
    return planning.plan_session(
        actor=organiser,
        plan=planning.Plan(
            theme_id=(topic or theme(organiser)).id,
            starts_at=in_days(days),
            duration=timedelta(hours=2),
            place=PLACE,
            facilitators="Julie Martin, conseillère en économie sociale et familiale",
            capacity=capacity,
            minimum=minimum,
        ),
    )


def person(agent: User, last_name: str, *, email: str = "") -> int:
    created = people.create(
        actor=agent,
        identity=people.Identity(
            last_name=last_name, first_name="Camille", email=email, address_line="3 rue des Lilas",
            postal_code="35000", city="Rennes",
        ),
        confirm_duplicate=True,
    )  # fmt: skip
    return created.id


def register(
    agent: User, session: WorkshopSession, last_name: str, *, email: str = ""
) -> WorkshopRegistration:
    return registrations.register(
        actor=agent,
        session_id=session.id,
        person_id=person(agent, last_name, email=email),
        referral=Referral.AGENT,
    )


def wake() -> int:
    """Fire what is due, as the scheduler would, then forget the loaded rows."""
    fired = wake_due_instances()
    db.session.expire_all()
    return fired
