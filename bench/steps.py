"""Dossiers and committee sessions made through the use cases, for the benchmarks (the same steps as the
tests' kit, tests/factories.py and tests/committee_steps.py, which the benches do not import)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from service import clock
from service.committee import sessions, sitting
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.extensions import db
from service.models import (
    AgendaItem,
    AttendanceStatus,
    BudgetKind,
    Centre,
    CentreKind,
    CommitteeMember,
    CommitteeSession,
    Dossier,
    HumanTask,
    ItemDecision,
    MemberKind,
    SessionKind,
    User,
)
from service.organisation import service as organisation
from service.people import service as people

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


def all_present(secretary: User, session: CommitteeSession) -> None:
    presence = {
        row.id: (AttendanceStatus.PRESENT, None)
        for row in sitting.in_office(session.centre_id, sessions.session_date(session))
    }
    sitting.record_attendance(actor=secretary, session_id=session.id, presence=presence)


def item_of(session: CommitteeSession, dossier: Dossier) -> AgendaItem:
    return next(item for item in session.items if item.dossier_id == dossier.id)


def accord(amount_cents: int, voters: int, months: int | None = None) -> sitting.Vote:
    return sitting.Vote(ItemDecision.ACCORD, amount_cents, months, [], "", voters, 0, 0, [])


def refus(
    voters: int, facts: str = "Reste à vivre de 14 € par jour et par part, au-dessus du seuil de 12 €."
) -> sitting.Vote:
    return sitting.Vote(ItemDecision.REFUS, None, None, [REFUSAL], facts, voters, 0, 0, [])


def make_centre(code: str, name: str, *, quartiers: tuple[str, ...] = ("Centre",)) -> Centre:
    """A CCAS serving one commune, with its quartiers."""
    return organisation.create_centre(
        code=code,
        name=name,
        kind=CentreKind.CCAS,
        communes={("99999", name.removeprefix("CCAS de ")): list(quartiers)},
    )


def person_with_budget(agent: User, last_name: str, *, resources: int = 60000, charges: int = 45000) -> int:
    """A person living alone with monthly resources and charges in cents; returns the person's id."""
    person = people.create(
        actor=agent,
        identity=people.Identity(last_name=last_name, first_name="Camille"),
        confirm_duplicate=True,
    )
    people.add_budget_line(
        actor=agent, person_id=person.id, kind=BudgetKind.RESSOURCE, category="rsa", label="",
        monthly_amount_cents=resources,
    )  # fmt: skip
    people.add_budget_line(
        actor=agent, person_id=person.id, kind=BudgetKind.CHARGE, category="loyer", label="",
        monthly_amount_cents=charges,
    )  # fmt: skip
    return person.id


def open_aid(agent: User, person_id: int, aid_type: str, reason: str = "Demande d'aide") -> Dossier:
    """A request opened for the person: the dossier at its first step."""
    return dossiers.open_request(actor=agent, person_id=person_id, aid_type=aid_type, reason=reason)


def open_task(dossier: Dossier | int, task_name: str) -> HumanTask:
    """The dossier's open task of that name (the one a test completes next)."""
    dossier_id = dossier if isinstance(dossier, int) else dossier.id
    db.session.expire_all()
    return db.session.scalars(
        select(HumanTask).where(
            HumanTask.dossier_id == dossier_id,
            HumanTask.task_name == task_name,
            HumanTask.completed_at.is_(None),
        )
    ).one()


def do(actor: User, dossier: Dossier, task_name: str, form: dict[str, str]) -> None:
    """Complete the dossier's open task of that name with the form, as the actor."""
    tasks.complete_task(actor=actor, task_id=open_task(dossier, task_name).id, form=form)
