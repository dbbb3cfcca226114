"""Sessions of the committee: plan one, build its agenda from the dossiers waiting, convene the members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from service import aids, clock, processes
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.committee import papers
from service.committee.access import (
    may_manage,
    membership,
    own_sessions,
    readable_session,
    require_manager,
    require_reader,
)
from service.committee.members import in_office
from service.config import current_settings, local_zone
from service.documents.rendering import date_long
from service.engine import runtime, worklist
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    AgendaItem,
    Centre,
    CommitteeSession,
    Document,
    Dossier,
    HumanTask,
    ItemStatus,
    ProcessInstance,
    SessionKind,
    SessionStatus,
    User,
)
from service.notifications import ical as calendar
from service.notifications import outbox
from service.unit_of_work import use_case

PROCESS_KEY = "seance_commission"
MESSAGE = "decision_commission"  # what a dossier's process waits for, and what closing a session sends
SESSION_LENGTH = timedelta(hours=2)
OPEN_STATUSES = (SessionStatus.PREPARATION, SessionStatus.CONVOQUEE)


def sessions(*, actor: User) -> Sequence[CommitteeSession]:
    """The centre's sessions for the staff, a member's own sessions for a member; the coming ones first."""
    member = require_reader(actor)
    listed = db.session.scalars(
        select(CommitteeSession)
        .where(CommitteeSession.centre_id == actor.centre_id)
        .order_by(CommitteeSession.starts_at.desc())
    ).all()
    return listed if member is None else own_sessions(member, listed)


def next_session(*, actor: User) -> CommitteeSession | None:
    """The next session still to be held: the centre's for the staff, one the member sits in for a member;
    None for the other roles (their home page shows none)."""
    member = None if may_manage(actor) else membership(actor)
    if member is None and not may_manage(actor):
        return None
    coming = db.session.scalars(
        select(CommitteeSession)
        .where(
            CommitteeSession.centre_id == actor.centre_id,
            CommitteeSession.starts_at >= clock.now() - SESSION_LENGTH,
            CommitteeSession.status.in_(OPEN_STATUSES),
        )
        .order_by(CommitteeSession.starts_at)
        .limit(5)
    ).all()
    listed = coming if member is None else own_sessions(member, coming)
    return listed[0] if listed else None


@use_case
def plan_session(*, actor: User, kind: SessionKind, starts_at: datetime, place: str) -> CommitteeSession:
    """A new session and its process; the secretariat is asked to prepare the agenda in time to convene."""
    require_manager(actor)
    if starts_at.tzinfo is None:
        raise InvalidInputError("L'heure de la séance doit être donnée avec son fuseau horaire.")
    if starts_at <= clock.now():
        raise InvalidInputError("La séance doit avoir lieu dans le futur.")
    if not place.strip():
        raise InvalidInputError("Indiquez le lieu de la séance.")
    now = clock.now()
    session = CommitteeSession(
        centre_id=actor.centre_id,
        kind=kind,
        starts_at=starts_at,
        place=place.strip(),
        status=SessionStatus.PREPARATION,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(session)
    db.session.flush()
    advance = processes.start(
        process_key=PROCESS_KEY,
        centre_id=actor.centre_id,
        data={
            "seance_id": session.id,
            "convoquer_avant": convocation_deadline(starts_at).isoformat(),
            "seance_le": starts_at.isoformat(),
        },
    )
    session.instance_id = advance.instance.id
    audit.record(
        action=AuditAction.COMMISSION_SEANCE_PREVUE,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
        details={"type": kind.label, "le": starts_at.isoformat(), "lieu": session.place},
    )
    return session


def session_date(session: CommitteeSession) -> date:
    return session.starts_at.astimezone(local_zone()).date()


def require_started(session: CommitteeSession, doing: str) -> None:
    """A session is held (attendance, votes, closing) only from its start, in the centre's time zone.

    Its acts are dated the session's day: recording them before it would date them from a day that has not
    come. A session that could not meet is postponed or cancelled, never closed early.
    """
    if clock.now() < session.starts_at:
        starts = session.starts_at.astimezone(local_zone())
        raise InvalidInputError(
            f"La séance n'a pas encore commencé (le {date_long(starts.date())} à {starts:%H:%M}) : "
            f"on ne peut {doing} qu'à partir de son ouverture. Si elle ne peut se tenir, reportez-la ou "
            "annulez-la."
        )


def convocation_deadline(starts_at: datetime) -> datetime:
    """The last moment to send the convocation: N clear days (jours francs) must separate it from the session.

    Neither the day it is sent nor the day of the session counts: for a Friday session and 3 clear days,
    the convocation leaves on Monday at the latest.
    """
    zone = local_zone()
    last_day = starts_at.astimezone(zone).date() - timedelta(
        days=current_settings().COMMISSION_CONVOCATION_CLEAR_DAYS + 1
    )
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=zone)


def _session_id_of(task: HumanTask) -> int | None:
    return db.session.scalar(
        select(CommitteeSession.id).where(CommitteeSession.instance_id == task.instance_id)
    )


SITTING = processes.SubjectKind(
    name="seance_commission", label="Séance de la commission", subject_of=_session_id_of
)


def register_processes() -> None:
    """A committee sitting's steps are done from its page."""
    processes.register(PROCESS_KEY, SITTING)


def open_step(session: CommitteeSession) -> HumanTask | None:
    """The step of the session's process to do now (prepare, convene, hold, sign), if any."""
    return worklist.open_task(session.instance_id)


def _step(session: CommitteeSession, name: str, refusal: str) -> HumanTask:
    step = open_step(session)
    if step is None or step.task_name != name:
        raise InvalidInputError(refusal)
    return step


def _managed(actor: User, session_id: int) -> CommitteeSession:
    require_manager(actor)
    return readable_session(actor, session_id)


def waiting_dossiers(centre_id: int) -> list[Dossier]:
    """Dossiers whose process waits for the committee and that no open session has on its agenda."""
    return [dossier for dossier, _ in _waiting(centre_id)]


def _waiting(centre_id: int) -> list[tuple[Dossier, ProcessInstance]]:
    """The waiting dossiers with their instances, by aid then filing date."""
    on_agenda = (
        select(AgendaItem.dossier_id)
        .join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
        .where(CommitteeSession.status.in_(OPEN_STATUSES), AgendaItem.status == ItemStatus.INSCRIT)
    )
    found = db.session.execute(
        select(Dossier, ProcessInstance)
        .join(ProcessInstance, ProcessInstance.dossier_id == Dossier.id)
        .where(
            Dossier.centre_id == centre_id,
            ProcessInstance.awaiting_message == MESSAGE,
            Dossier.id.not_in(on_agenda),
        )
    ).all()
    pairs = [(dossier, instance) for dossier, instance in found]
    order = {aid.key: rank for rank, aid in enumerate(aids.all_aids())}
    return sorted(pairs, key=lambda pair: (order[pair[0].aid_type], pair[0].opened_at, pair[0].id))


@use_case
def compose_agenda(*, actor: User, session_id: int) -> int:
    """Put every dossier waiting for the committee on the agenda, by aid then date; return how many."""
    session = _managed(actor, session_id)
    _step(
        session,
        "preparer_ordre_du_jour",
        "L'ordre du jour est arrêté : il ne peut plus recevoir de dossiers.",
    )
    position = max((item.position for item in session.items), default=0)
    added = 0
    for dossier, instance in _waiting(actor.centre_id):
        if any(item.dossier_id == dossier.id for item in session.items):
            continue  # withdrawn earlier from this very session: put back by hand, not by the batch
        proposed = runtime.waiting_data(instance)
        position += 1
        added += 1
        session.items.append(
            AgendaItem(
                centre_id=actor.centre_id,
                dossier=dossier,
                position=position,
                status=ItemStatus.INSCRIT,
                proposal_summary=dossier.situation,
                proposed_amount_cents=dossier.amount_requested_cents,
                proposed_months=int(proposed["duree_proposee_mois"])
                if proposed.get("duree_proposee_mois")
                else None,
            )
        )
    audit.record(
        action=AuditAction.COMMISSION_ORDRE_DU_JOUR,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
        details={"ajoutés": added},
    )
    return added


@use_case
def move_item(*, actor: User, session_id: int, item_id: int, offset: int) -> None:
    """Move an item up (-1) or down (+1) the agenda."""
    session = _managed(actor, session_id)
    _step(session, "preparer_ordre_du_jour", "L'ordre du jour est arrêté : son ordre ne change plus.")
    items = list(session.items)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise NotFoundError("Ce point n'est pas à l'ordre du jour de cette séance.")
    other = index + offset
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, items[index].position


@use_case
def set_aside(*, actor: User, session_id: int, item_id: int, status: ItemStatus, note: str) -> None:
    """Withdraw an item, or postpone it to a later session; its dossier waits for the next agenda."""
    session = _managed(actor, session_id)
    if session.status not in OPEN_STATUSES:
        raise InvalidInputError("La séance est close : son ordre du jour ne change plus.")
    if status is ItemStatus.INSCRIT:
        raise InvalidInputError("Choisissez de retirer ou de reporter ce point.")
    if not note.strip():
        raise InvalidInputError("Indiquez pourquoi ce point est retiré ou reporté.")
    item = next((item for item in session.items if item.id == item_id), None)
    if item is None:
        raise NotFoundError("Ce point n'est pas à l'ordre du jour de cette séance.")
    item.status, item.status_note = status, note.strip()
    item.decision = None
    audit.record(
        action=AuditAction.COMMISSION_POINT_RETIRE
        if status is ItemStatus.RETIRE
        else AuditAction.COMMISSION_POINT_REPORTE,
        subject_type="dossier",
        subject_id=item.dossier_id,
        actor=actor,
        details={"séance": session.id, "motif": item.status_note[:120]},
    )


@use_case
def settle_agenda(*, actor: User, session_id: int) -> None:
    """The agenda is final: the secretariat may now convene the members."""
    session = _managed(actor, session_id)
    step = _step(session, "preparer_ordre_du_jour", "L'ordre du jour est déjà arrêté.")
    processes.complete(task=step, actor=actor, data={})
    audit.record(
        action=AuditAction.COMMISSION_ORDRE_DU_JOUR_ARRETE,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
    )


def agenda(session: CommitteeSession) -> list[AgendaItem]:
    return [item for item in session.items if item.status is ItemStatus.INSCRIT]


def delegated_decisions(session: CommitteeSession) -> Sequence[Document]:
    """Decisions taken under delegation since the previous session closed (R123-22 CASF: for information)."""
    previous = db.session.scalar(
        select(CommitteeSession.closed_at)
        .where(
            CommitteeSession.centre_id == session.centre_id,
            CommitteeSession.closed_at.is_not(None),
            CommitteeSession.starts_at < session.starts_at,
        )
        .order_by(CommitteeSession.starts_at.desc())
        .limit(1)
    )
    query = select(Document).where(
        Document.centre_id == session.centre_id, Document.kind == "decision", Document.number.like("DEC%")
    )
    if previous is not None:
        query = query.where(Document.created_at > previous)
    if session.closed_at is not None:
        query = query.where(Document.created_at <= session.closed_at)
    return db.session.scalars(query.order_by(Document.created_at, Document.id)).all()


def clear_days_left(session: CommitteeSession, today: date) -> int:
    """Clear days between today and the session: neither today nor the session's day counts."""
    return (session_date(session) - today).days - 1


@use_case
def convene(*, actor: User, session_id: int) -> Document:
    """Print the convocation with the agenda and mail every member in office, with the session as iCal.

    Refused once fewer clear days remain than the règlement requires: nothing is sent then.
    The mail carries dossier numbers, not names: names stay in Entraide and on the printed agenda.
    """
    session = _managed(actor, session_id)
    step = _step(session, "convoquer", "Arrêtez d'abord l'ordre du jour, ou la séance est déjà convoquée.")
    settings = current_settings()
    zone = local_zone()
    today = clock.now().astimezone(zone).date()
    required = settings.COMMISSION_CONVOCATION_CLEAR_DAYS
    if clear_days_left(session, today) < required:
        deadline = convocation_deadline(session.starts_at)
        raise InvalidInputError(
            f"Trop tard pour convoquer : la convocation doit partir au moins {required} jours francs avant "
            f"la séance, soit au plus tard le {date_long(deadline.date())}. Reportez la séance à une date "
            "ultérieure, puis convoquez."
        )
    members = in_office(session.centre_id, session_date(session))
    if not members:
        raise InvalidInputError(
            "Aucun membre en fonction à la date de la séance : enregistrez d'abord les membres."
        )
    centre = db.session.get(Centre, session.centre_id)
    assert centre is not None  # noqa: S101 - every session has its centre
    items = agenda(session)
    convocation = papers.issue_convocation(
        session=session,
        author=actor,
        centre=centre,
        items=items,
        members=members,
        delegated=delegated_decisions(session),
    )
    url = f"{settings.PUBLIC_URL.rstrip('/')}/commission/seances/{session.id}"
    invitation = ics_of(session, centre=centre, url=url)
    for member in members:
        outbox.queue(
            centre_id=session.centre_id,
            kind="convocation",
            recipients=[member.email],
            template="convocation",
            context={"member": member, "session": session, "items": items, "centre": centre, "url": url},
            attachments=[
                {
                    "filename": f"seance-{session.id}.ics",
                    "content_type": "text/calendar; method=PUBLISH",
                    "text": invitation,
                }
            ],
        )
    processes.complete(task=step, actor=actor, data={})
    session.status = SessionStatus.CONVOQUEE
    session.convoked_at = clock.now()
    audit.record(
        action=AuditAction.COMMISSION_CONVOCATION,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
        details={
            "membres": len(members),
            "sans_courriel": sum(1 for m in members if not m.email),
            "document": convocation.id,
        },
    )
    return convocation


def ics_of(session: CommitteeSession, *, centre: Centre, url: str) -> str:
    return calendar.session_ics(
        uid=f"seance-{session.id}@{centre.code}.entraide",
        starts_at=session.starts_at,
        ends_at=session.starts_at + SESSION_LENGTH,
        summary=f"{session.kind.label} — {centre.name}",
        location=session.place,
        description=f"Séance de {session.kind.named} du {centre.name}. Ordre du jour : {url}",
        url=url,
        stamp=session.convoked_at or clock.now(),
    )


def calendar_file(*, actor: User, session_id: int) -> str:
    session = readable_session(actor, session_id)
    centre = db.session.get(Centre, session.centre_id)
    assert centre is not None  # noqa: S101 - every session has its centre
    url = f"{current_settings().PUBLIC_URL.rstrip('/')}/commission/seances/{session.id}"
    return ics_of(session, centre=centre, url=url)


def _could_not_meet(actor: User, session_id: int, doing: str) -> tuple[CommitteeSession, HumanTask]:
    session = _managed(actor, session_id)
    step = open_step(session)
    if session.status is not SessionStatus.CONVOQUEE or step is None or step.task_name != "tenir_seance":
        raise InvalidInputError(
            f"Seule une séance convoquée et pas encore close peut être {doing} ; avant la convocation, "
            "l'ordre du jour se prépare librement."
        )
    return session, step


def _forget_sitting(session: CommitteeSession) -> None:
    """What a session that did not meet had recorded is void: attendance and votes."""
    session.attendance.clear()
    for item in session.items:
        item.decision, item.amount_cents, item.months = None, None, None
        item.refusal_reasons, item.reason_text, item.not_voting_member_ids = [], "", []
        item.votes_for = item.votes_against = item.votes_abstain = None


@use_case
def postpone_session(*, actor: User, session_id: int, starts_at: datetime, reason: str) -> CommitteeSession:
    """A session that could not meet (no quorum, an event) gets a new date; its members are convened again,
    with the same clear-days rule. Its agenda stays."""
    session, step = _could_not_meet(actor, session_id, "reportée")
    if starts_at.tzinfo is None:
        raise InvalidInputError("L'heure de la séance doit être donnée avec son fuseau horaire.")
    if not reason.strip():
        raise InvalidInputError("Indiquez pourquoi la séance est reportée.")
    if starts_at <= max(clock.now(), session.starts_at):
        raise InvalidInputError("La nouvelle date doit suivre la date prévue, et être à venir.")
    required = current_settings().COMMISSION_CONVOCATION_CLEAR_DAYS
    today = clock.now().astimezone(local_zone()).date()
    if (starts_at.astimezone(local_zone()).date() - today).days - 1 < required:
        raise InvalidInputError(
            f"La nouvelle date doit laisser {required} jours francs pour convoquer de nouveau les membres."
        )
    previous = session.starts_at
    _forget_sitting(session)
    session.postponed_from = session.postponed_from or previous
    session.starts_at = starts_at
    session.status = SessionStatus.PREPARATION
    session.convoked_at = None
    session.status_note = reason.strip()
    processes.complete(
        task=step,
        actor=actor,
        data={
            "issue": "reportee",
            "seance_le": starts_at.isoformat(),
            "convoquer_avant": convocation_deadline(starts_at).isoformat(),
        },
    )
    audit.record(
        action=AuditAction.COMMISSION_SEANCE_REPORTEE,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
        details={"du": previous.isoformat(), "au": starts_at.isoformat(), "motif": reason.strip()[:120]},
    )
    return session


@use_case
def cancel_session(*, actor: User, session_id: int, reason: str) -> None:
    """A session that will not meet is cancelled: nothing it recorded stands; its dossiers wait again."""
    session, step = _could_not_meet(actor, session_id, "annulée")
    if not reason.strip():
        raise InvalidInputError("Indiquez pourquoi la séance est annulée.")
    _forget_sitting(session)
    session.status = SessionStatus.ANNULEE
    session.cancelled_at = clock.now()
    session.status_note = reason.strip()
    processes.complete(task=step, actor=actor, data={"issue": "annulee"})
    audit.record(
        action=AuditAction.COMMISSION_SEANCE_ANNULEE,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
        details={"motif": reason.strip()[:120]},
    )
