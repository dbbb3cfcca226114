"""Take dossiers through a committee session with the use cases, as the secretariat would."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from service import clock
from service.committee import closing, sessions, sitting
from service.documents import batches
from service.extensions import db
from service.models import (
    AgendaItem,
    AttendanceStatus,
    CommitteeMember,
    CommitteeSession,
    Dossier,
    ItemDecision,
    MemberKind,
    SessionKind,
    User,
)

PARIS = ZoneInfo("Europe/Paris")
REFUSAL = "Ressources supérieures au barème du règlement des aides facultatives"


def members(centre_id: int, count: int = 3) -> list[CommitteeMember]:
    """Board members in office since January, each with an address."""
    created = [
        CommitteeMember(
            centre_id=centre_id,
            full_name=f"Membre {chr(65 + n)}",
            kind=MemberKind.ELU,
            email=f"membre{n}@conseil.invalid",
            mandate_start=date(2026, 1, 1),
        )
        for n in range(count)
    ]
    db.session.add_all(created)
    db.session.commit()
    return created


def next_week() -> datetime:
    """A session a week ahead, at 18:00 in the centre's time zone: time enough to convene."""
    day = clock.now().astimezone(PARIS).date() + timedelta(days=7)
    return datetime(day.year, day.month, day.day, 18, 0, tzinfo=PARIS)


def convened(secretary: User, *, starts_at: datetime | None = None) -> CommitteeSession:
    """A session planned, its agenda built from every dossier waiting, settled, and its members convened."""
    session = sessions.plan_session(
        actor=secretary,
        kind=SessionKind.COMMISSION_PERMANENTE,
        starts_at=starts_at or next_week(),
        place="Salle du conseil, mairie",
    )
    sessions.compose_agenda(actor=secretary, session_id=session.id)
    sessions.settle_agenda(actor=secretary, session_id=session.id)
    sessions.convene(actor=secretary, session_id=session.id)
    return session


def sit_on_its_day(session: CommitteeSession) -> None:
    """Move the test clock to the session's start: a session is held and closed only from then."""
    travelling = current_app.extensions.get("entraide.clock")
    if not isinstance(travelling, clock.TravellingClock):  # a benchmark on the system clock
        travelling = clock.TravellingClock(clock.now())
        clock.install(current_app, travelling)
    if travelling.now() < session.starts_at:
        travelling.set(session.starts_at)


def all_present(secretary: User, session: CommitteeSession) -> None:
    """On the session's day (the clock moves to its start), every member in office is present."""
    sit_on_its_day(session)
    presence = {
        row.id: (AttendanceStatus.PRESENT, None)
        for row in sitting.in_office(session.centre_id, sessions.session_date(session))
    }
    sitting.record_attendance(actor=secretary, session_id=session.id, presence=presence)


def item_of(session: CommitteeSession, dossier: Dossier) -> AgendaItem:
    return next(item for item in session.items if item.dossier_id == dossier.id)


def accord(amount_cents: int, voters: int, months: int | None = None, reasons: str = "") -> sitting.Vote:
    """`reasons`: why less than asked is granted (a partial grant is reasoned)."""
    return sitting.Vote(ItemDecision.ACCORD, amount_cents, months, [], reasons, voters, 0, 0, [])


def refus(
    voters: int, facts: str = "Reste à vivre de 14 € par jour et par part, au-dessus du seuil de 12 €."
) -> sitting.Vote:
    return sitting.Vote(ItemDecision.REFUS, None, None, [REFUSAL], facts, voters, 0, 0, [])


def committee_decides(secretary: User, votes: Mapping[Dossier, sitting.Vote]) -> CommitteeSession:
    """Convene (three members enter office if the centre has none), wait for the session's day, sit with
    everyone present, vote, close; then the scheduler's job prints the session's letters."""
    if not sitting.in_office(secretary.centre_id, next_week().date()):
        members(secretary.centre_id)
    session = convened(secretary)
    sit_on_its_day(session)
    all_present(secretary, session)
    for dossier, vote in votes.items():
        sitting.record_vote(
            actor=secretary, session_id=session.id, item_id=item_of(session, dossier).id, vote=vote
        )
    closing.close_session(actor=secretary, session_id=session.id)
    batches.print_letter_batches()
    return session
