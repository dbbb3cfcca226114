"""Closing a session: number the deliberations and send each decision to its dossier, all or nothing;
then the president signs the minutes."""

from __future__ import annotations

from sqlalchemy import select

from service import aids, clock, processes
from service.aids.decisions import CommitteeDecision
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.committee import papers, sessions
from service.committee.access import readable_session, require_manager
from service.committee.members import all_members
from service.committee.sitting import quorum
from service.config import local_zone
from service.documents import batches
from service.documents.rendering import date_long
from service.errors import ConflictError, InvalidInputError
from service.extensions import db
from service.models import (
    AgendaItem,
    Centre,
    CommitteeSession,
    Document,
    HumanTask,
    ProcessInstance,
    Role,
    SessionStatus,
    User,
)
from service.numbering import next_value
from service.permissions import require_role
from service.unit_of_work import reading_use_case, transaction, use_case


def close_session(*, actor: User, session_id: int) -> list[AgendaItem]:
    """Number the deliberations (DEL2026_014) and route each decision to its dossier's process.

    One transaction: every dossier moves, its letter rendered and queued, or none does and nothing is
    numbered. The letters are printed to PDF afterwards, in the background (documents.batches).
    The session row is locked first, so two closings never both run; the second is refused.
    """
    with transaction(lost_race=_MOVED_DURING_CLOSING):
        return _close(actor, session_id)


_MOVED_DURING_CLOSING = (
    "Un dossier de l'ordre du jour a bougé pendant la clôture : rien n'a été transmis. "
    "Rechargez la page et recommencez."
)


def _close(actor: User, session_id: int) -> list[AgendaItem]:
    require_manager(actor)
    readable_session(actor, session_id)
    session = db.session.scalars(
        select(CommitteeSession).where(CommitteeSession.id == session_id).with_for_update()
    ).one()
    db.session.refresh(session)  # what the lock holder committed, not what this session had cached
    if session.status in (SessionStatus.CLOSE, SessionStatus.SIGNEE):
        raise ConflictError(
            f"Cette séance est déjà close (le {date_long(session.closed_at or clock.now())}) : "
            "ses décisions ont été transmises aux dossiers."
        )
    step, decided = _closable(session)
    _route_decisions(actor, session, decided)
    processes.complete(task=step, actor=actor, data={"deliberations": len(decided), "issue": "tenue"})
    session.status = SessionStatus.CLOSE
    session.closed_at = clock.now()
    audit.record(
        action=AuditAction.COMMISSION_CLOTURE,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
        details={"délibérations": [item.deliberation_number for item in decided]},
    )
    return decided


def _route_decisions(actor: User, session: CommitteeSession, decided: list[AgendaItem]) -> None:
    zone = local_zone()
    year = session.starts_at.astimezone(zone).year
    label = f"{session.kind.named} du {date_long(session.starts_at.astimezone(zone))}"
    letters = batches.open_batch(centre_id=session.centre_id, session_id=session.id) if decided else None
    for item in decided:
        assert item.decision is not None  # noqa: S101 - checked by the caller
        number = next_value(centre_id=session.centre_id, series="DEL", year=year)
        item.deliberation_number = f"DEL{year}_{number:03d}"
        dossier = item.dossier
        instance = db.session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.dossier_id == dossier.id, ProcessInstance.awaiting_message == sessions.MESSAGE
            )
        ).first()
        if instance is None:
            raise InvalidInputError(
                f"Le dossier {dossier.number} n'attend plus de décision de la commission (clos ou décidé "
                "entre-temps) : retirez-le de l'ordre du jour, puis closez la séance."
            )
        decision = CommitteeDecision(
            decision=item.decision.value,
            amount_cents=item.amount_cents,
            months=item.months,
            reasons=_reasons(item),
            deliberation=item.deliberation_number,
            session_label=label,
            decided_at=session.starts_at,
            letters=letters,
        )
        decide = aids.get(dossier.aid_type).decide_in_committee
        if decide is None:  # only an aid the committee decides waits for its message
            raise InvalidInputError(f"Le dossier {dossier.number} n'est pas décidé par la commission.")
        decide(dossier, decision, actor)
        # Correlated by the dossier id: the instance was found by it, and the message carries it.
        processes.deliver(
            instance, message=sessions.MESSAGE, payload={**decision.message(), "dossier_id": dossier.id}
        )
        audit.record(
            action=AuditAction.COMMISSION_DECISION,
            subject_type="dossier",
            subject_id=dossier.id,
            actor=actor,
            details={
                "délibération": item.deliberation_number,
                "décision": item.decision.value,
                "séance": session.id,
            },
        )


def _reasons(item: AgendaItem) -> str:
    """A refusal's reasons as the letter prints them: the rules of the list, then the facts."""
    if item.refusal_reasons:
        return "; ".join(item.refusal_reasons) + ". " + item.reason_text
    return item.reason_text


@use_case
@reading_use_case
def closing_preview(*, actor: User, session_id: int) -> list[AgendaItem]:
    """The decisions closing would number and send, changing nothing; refused as closing would be."""
    require_manager(actor)
    session = readable_session(actor, session_id)
    if session.status in (SessionStatus.CLOSE, SessionStatus.SIGNEE):
        raise InvalidInputError(
            "Cette séance est déjà close : ses décisions ont été transmises aux dossiers."
        )
    return _closable(session)[1]


def _closable(session: CommitteeSession) -> tuple[HumanTask, list[AgendaItem]]:
    """The step that closes the session and the items it decides; refused while an item has no vote."""
    step = sessions.open_step(session)
    if session.status is not SessionStatus.CONVOQUEE or step is None or step.task_name != "tenir_seance":
        raise InvalidInputError("Seule une séance dont les membres ont été convoqués peut être close.")
    sessions.require_started(session, "clore la séance")
    undecided = [item for item in sessions.agenda(session) if item.decision is None]
    if undecided:
        numbers = ", ".join(item.dossier.number for item in undecided)
        raise InvalidInputError(
            f"Chaque point de l'ordre du jour doit être voté, retiré ou reporté avant la clôture : {numbers}."
        )
    decided = sessions.agenda(session)
    if decided and not quorum(session).reached:
        raise InvalidInputError("Le quorum n'est pas atteint : la séance ne peut clore des décisions.")
    return step, decided


def sign_minutes(*, actor: User, session_id: int) -> Document:
    """The president signs the minutes (relevé de décisions): printed as a record, the session is done."""
    session = readable_session(actor, session_id)
    step = sessions.open_step(session)
    if step is None or step.task_name != "signer_releve":
        raise InvalidInputError(
            "Le relevé de décisions se signe une fois la séance close, et une seule fois."
        )
    require_role(actor, Role.DELEGATAIRE)  # the president, or the vice-president by delegation
    centre = db.session.get(Centre, session.centre_id)
    assert centre is not None  # noqa: S101 - every session has its centre
    processes.complete(task=step, actor=actor, data={})
    session.status = SessionStatus.SIGNEE
    session.signed_at = clock.now()
    state = quorum(session)
    minutes = papers.issue_minutes(
        session=session,
        author=actor,
        centre=centre,
        items=list(session.items),
        attendance=session.attendance,
        members_by_id={member.id: member for member in all_members(session.centre_id)},
        quorum_required=state.required,
        present_count=state.present,
        delegated=sessions.delegated_decisions(session),
    )
    audit.record(
        action=AuditAction.COMMISSION_RELEVE_SIGNE,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
        details={"document": minutes.id},
    )
    return minutes
