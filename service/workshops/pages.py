"""What the workshop pages show: the calendar, a session with its lists, the figures per theme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from service import clock
from service.config import local_zone
from service.documents import service as documents
from service.extensions import db
from service.models import (
    Centre,
    Document,
    HumanTask,
    RegistrationStatus,
    User,
    WorkshopRegistration,
    WorkshopSession,
    WorkshopStatus,
    WorkshopTheme,
)
from service.people import service as people
from service.workshops import messages
from service.workshops.access import REGISTERING_ROLES, may_organise, readable_session, require_registrar
from service.workshops.holding import open_step

HELD = (WorkshopStatus.TENUE, WorkshopStatus.CLOSE)
# What each step of a sitting's process says of the session while it waits there.
STEP_STATES = {
    "decider_maintien": "Minimum non atteint : à maintenir ou annuler",
    "saisir_presences": "Séance commencée : présences à saisir",
    "evaluer": "Séance tenue : évaluation à saisir",
}


def calendar(*, actor: User, theme_id: int | None = None, past_days: int = 0) -> Sequence[WorkshopSession]:
    """Sessions from today on (or `past_days` before), soonest first; cancelled ones stay, marked."""
    require_registrar(actor)
    today = datetime.combine(people.today(), time(), tzinfo=local_zone())
    query = select(WorkshopSession).where(
        WorkshopSession.centre_id == actor.centre_id,
        WorkshopSession.starts_at >= today - timedelta(days=past_days),
    )
    if theme_id is not None:
        query = query.where(WorkshopSession.theme_id == theme_id)
    return db.session.scalars(query.order_by(WorkshopSession.starts_at)).all()


def next_session(*, actor: User) -> WorkshopSession | None:
    """The next workshop session not cancelled, for those who register people (else None)."""
    if not actor.has_role(*REGISTERING_ROLES):
        return None
    return db.session.scalars(
        select(WorkshopSession)
        .where(
            WorkshopSession.centre_id == actor.centre_id,
            WorkshopSession.starts_at >= clock.now(),
            WorkshopSession.status != WorkshopStatus.ANNULEE,
        )
        .order_by(WorkshopSession.starts_at)
        .limit(1)
    ).first()


def to_follow_up(*, actor: User) -> Sequence[WorkshopSession]:
    """Sessions already started whose attendance or evaluation is still to enter."""
    require_registrar(actor)
    return db.session.scalars(
        select(WorkshopSession)
        .where(
            WorkshopSession.centre_id == actor.centre_id,
            WorkshopSession.starts_at < clock.now(),
            WorkshopSession.status.in_((WorkshopStatus.CONFIRMEE, WorkshopStatus.TENUE)),
        )
        .order_by(WorkshopSession.starts_at)
    ).all()


@dataclass(frozen=True)
class SessionPage:
    session: WorkshopSession
    step: HumanTask | None
    confirmed: list[WorkshopRegistration]
    waiting: list[WorkshopRegistration]
    cancelled: list[WorkshopRegistration]
    documents: Sequence[Document]
    may_organise: bool

    @property
    def without_email(self) -> list[WorkshopRegistration]:
        """People to reach by phone or by post: mails cannot tell them."""
        return [r for r in self.confirmed + self.waiting if not r.person.email.strip()]

    @property
    def state(self) -> str:
        """The state read from the process's current step: the state line and the step box agree."""
        if self.step is not None and self.step.task_name in STEP_STATES:
            return STEP_STATES[self.step.task_name]
        label = self.session.status.label
        return f"{label} — {self.session.status_note}" if self.session.status_note else label

    @property
    def present(self) -> int:
        return sum(1 for registration in self.confirmed if registration.attended)


def session_page(*, actor: User, session_id: int) -> SessionPage:
    session = readable_session(actor, session_id)
    by_status = {
        status: [r for r in session.registrations if r.status is status] for status in RegistrationStatus
    }
    return SessionPage(
        session=session,
        step=open_step(session),
        confirmed=by_status[RegistrationStatus.CONFIRMEE],
        waiting=by_status[RegistrationStatus.ATTENTE],
        cancelled=by_status[RegistrationStatus.ANNULEE],
        documents=documents.documents_of_workshop(session_id=session.id, centre_id=session.centre_id),
        may_organise=may_organise(actor),
    )


def calendar_file(*, actor: User) -> str:
    """The coming sessions as an iCalendar file, for the centre's shared agenda."""
    centre = db.session.get(Centre, actor.centre_id)
    assert centre is not None  # noqa: S101 - every user has a centre
    return messages.calendar_of(calendar(actor=actor), centre)


@dataclass(frozen=True)
class ThemeFigures:
    theme: WorkshopTheme
    held: int  # sessions whose attendance was recorded
    cancelled: int
    registered: int  # confirmed registrations in the sessions held
    present: int
    participants: int  # different people present at least once
    answers: int
    satisfied: int

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.registered if self.registered else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.answers if self.answers else None


def figures(*, actor: User) -> list[ThemeFigures]:
    """Per theme: sessions held and cancelled, registrations, attendance rate, participants, satisfaction."""
    require_registrar(actor)
    centre = WorkshopSession.centre_id == actor.centre_id
    sessions = db.session.execute(
        select(
            WorkshopSession.theme_id,
            func.count().filter(WorkshopSession.status.in_(HELD)),
            func.count().filter(WorkshopSession.status == WorkshopStatus.ANNULEE),
            func.coalesce(func.sum(WorkshopSession.evaluation_answers), 0),
            func.coalesce(func.sum(WorkshopSession.evaluation_satisfied), 0),
        )
        .where(centre)
        .group_by(WorkshopSession.theme_id)
    ).all()
    attended = WorkshopRegistration.attended.is_(True)
    people = {
        theme_id: (registered, present, participants)
        for theme_id, registered, present, participants in db.session.execute(
            select(
                WorkshopSession.theme_id,
                func.count(),
                func.count().filter(attended),
                func.count(func.distinct(WorkshopRegistration.person_id)).filter(attended),
            )
            .join(WorkshopSession, WorkshopSession.id == WorkshopRegistration.session_id)
            .where(
                centre,
                WorkshopSession.status.in_(HELD),
                WorkshopRegistration.status == RegistrationStatus.CONFIRMEE,
            )
            .group_by(WorkshopSession.theme_id)
        ).all()
    }
    themes = {theme.id: theme for theme in db.session.scalars(
        select(WorkshopTheme).where(WorkshopTheme.centre_id == actor.centre_id))}  # fmt: skip
    rows = [
        ThemeFigures(themes[theme_id], held, cancelled, *people.get(theme_id, (0, 0, 0)), answers, satisfied)
        for theme_id, held, cancelled, answers, satisfied in sessions
    ]
    return sorted(rows, key=lambda row: row.theme.name)
