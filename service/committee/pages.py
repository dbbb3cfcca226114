"""What the session page shows, to whom: the agenda with names for members and staff, numbers for others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.committee import access, papers, sessions
from service.committee.letter_printing import LettersProgress, progress_of
from service.committee.members import in_office
from service.committee.sitting import Quorum, quorum
from service.config import current_settings, refusal_reasons
from service.documents import batches
from service.documents import service as documents
from service.extensions import db
from service.models import (
    AgendaItem,
    AidType,
    AttendanceStatus,
    CommitteeMember,
    CommitteeSession,
    Document,
    HumanTask,
    Role,
    User,
)
from service.unit_of_work import reading_use_case


@dataclass(frozen=True)
class SessionPage:
    session: CommitteeSession
    step: HumanTask | None
    items: Sequence[AgendaItem]
    members: Sequence[CommitteeMember]
    presence: dict[int, tuple[AttendanceStatus, int | None]]
    quorum: Quorum
    may_manage: bool
    may_sign: bool
    waiting: int
    delegated: Sequence[papers.DelegatedDecision]
    documents: Sequence[Document]
    refusal_reasons: Sequence[str]
    letters: LettersProgress | None = None  # once closed, for the staff holding it
    clear_days: int = 3  # the convocation's delay, from the settings
    started: bool = False  # held (attendance, votes, closing) only from its start
    loan_aid: AidType = AidType.PRET_SANS_INTERET

    @property
    def step_name(self) -> str:
        return self.step.task_name if self.step is not None else ""

    @property
    def state(self) -> str:
        """The state read from the process's current step: the state line and the step box agree."""
        return state_of(self.session, self.step)


# What each step of the sitting's process says of the session while it waits there.
STEP_STATES = {
    "preparer_ordre_du_jour": "Ordre du jour en préparation",
    "convoquer": "Ordre du jour arrêté, membres à convoquer",
    "tenir_seance": "Membres convoqués, séance à tenir (présences, votes, clôture)",
    "signer_releve": "Séance close, relevé de décisions à signer",
}


def state_of(session: CommitteeSession, step: HumanTask | None) -> str:
    """The state of a session from the step its process waits at; once the process is done, its status."""
    if step is not None:
        return STEP_STATES.get(step.task_name, step.title)
    return session.status.label


@dataclass(frozen=True)
class ListedSession:
    session: CommitteeSession
    state: str  # from its process's current step, as on its page


def listed_sessions(*, actor: User) -> list[ListedSession]:
    """The sessions the actor reads, each with its state read from its step (one statement for all)."""
    listed = sessions.sessions(actor=actor)
    instance_ids = [session.instance_id for session in listed if session.instance_id is not None]
    steps = {
        step.instance_id: step
        for step in db.session.scalars(
            select(HumanTask).where(HumanTask.instance_id.in_(instance_ids), HumanTask.completed_at.is_(None))
        )
    }
    return [
        ListedSession(
            session, state_of(session, steps.get(session.instance_id) if session.instance_id else None)
        )
        for session in listed
    ]


@reading_use_case
def step_preview(*, actor: User, session_id: int) -> SessionPage:
    """The session, for the confirmation of one of its steps by the staff holding it (or the signing)."""
    session = access.readable_session(actor, session_id)
    step = sessions.open_step(session)
    if not (step is not None and step.task_name == "signer_releve" and actor.has_role(*_SIGNING)):
        access.require_manager(actor)
    return session_page(actor=actor, session_id=session_id)


@reading_use_case
def session_page(*, actor: User, session_id: int) -> SessionPage:
    """The session, for its members and the staff, with the names on its agenda; each read is audited."""
    session = access.readable_session(actor, session_id)
    step = sessions.open_step(session)
    page = SessionPage(
        session=session,
        step=step,
        items=list(session.items),
        members=in_office(session.centre_id, sessions.session_date(session)),
        presence={row.member_id: (row.status, row.proxy_member_id) for row in session.attendance},
        quorum=quorum(session),
        may_manage=access.may_manage(actor),
        may_sign=step is not None and step.task_name == "signer_releve" and actor.has_role(*_SIGNING),
        waiting=len(sessions.waiting_dossiers(session.centre_id)) if access.may_manage(actor) else 0,
        delegated=papers.delegated_rows(sessions.delegated_decisions(session)),
        documents=documents.documents_of_session(session_id=session.id, centre_id=session.centre_id),
        refusal_reasons=refusal_reasons(current_settings()),
        letters=_letters(actor, session),
        clear_days=current_settings().COMMISSION_CONVOCATION_CLEAR_DAYS,
        started=clock.now() >= session.starts_at,
    )
    audit.record(
        action=AuditAction.COMMISSION_CONSULTATION, subject_type="seance", subject_id=session.id, actor=actor
    )
    return page


def _letters(actor: User, session: CommitteeSession) -> LettersProgress | None:
    """The printing of the session's letters, for the staff holding it."""
    if not access.may_manage(actor):
        return None
    batch = batches.latest_of_session(session_id=session.id, centre_id=session.centre_id)
    return progress_of(batch, with_letters=True)


_SIGNING = (Role.DELEGATAIRE,)
