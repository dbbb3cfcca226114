"""Holding a session live: who sits, the quorum, and each item's vote and decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.aids import ceilings, decisions
from service.aids.pret_sans_interet import ledger
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.committee.access import readable_session, require_manager
from service.committee.members import in_office
from service.committee.sessions import require_started, session_date
from service.config import current_settings, refusal_reasons
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    AgendaItem,
    AidType,
    Attendance,
    AttendanceStatus,
    CommitteeMember,
    CommitteeSession,
    ItemDecision,
    ItemStatus,
    SessionStatus,
    User,
)
from service.unit_of_work import use_case


@dataclass(frozen=True)
class Quorum:
    in_office: int
    required: int
    present: int

    @property
    def reached(self) -> bool:
        return self.present >= self.required


def quorum(session: CommitteeSession) -> Quorum:
    """Members present (proxies do not count) against the setting, default: a majority in office."""
    members = in_office(session.centre_id, session_date(session))
    present = sum(1 for row in session.attendance if row.status is AttendanceStatus.PRESENT)
    required = current_settings().COMMISSION_QUORUM or len(members) // 2 + 1
    return Quorum(len(members), required, present)


def voters(session: CommitteeSession) -> list[CommitteeMember]:
    """Members who sit, present or represented; an item's vote leaves out those with a personal interest."""
    return [
        row.member
        for row in session.attendance
        if row.status in (AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTE)
    ]


def _held(actor: User, session_id: int, doing: str) -> CommitteeSession:
    require_manager(actor)
    session = readable_session(actor, session_id)
    if session.status is not SessionStatus.CONVOQUEE:
        raise InvalidInputError(
            "Cette séance n'est pas en cours : elle se tient une fois les membres convoqués, "
            "jusqu'à sa clôture."
        )
    require_started(session, doing)
    return session


@use_case
def record_attendance(
    *,
    actor: User,
    session_id: int,
    presence: Mapping[int, tuple[AttendanceStatus, int | None]],
    chair_member_id: int | None = None,
    secretary_name: str = "",
) -> Quorum:
    """Present, absent or represented, for every member in office; a proxy goes to one present member.
    The chair (a present member) and the secretary of the session, as the minutes name them."""
    session = _held(actor, session_id, "pointer les présences")
    members = {member.id: member for member in in_office(session.centre_id, session_date(session))}
    unknown = set(presence) - set(members)
    if unknown:
        raise InvalidInputError("Seuls les membres en fonction à la date de la séance peuvent être pointés.")
    if chair_member_id is not None and presence.get(chair_member_id, (None, None))[0] is not (
        AttendanceStatus.PRESENT
    ):
        raise InvalidInputError("La séance est présidée par un membre présent.")
    if len(secretary_name.strip()) > 200:
        raise InvalidInputError(
            "Le nom du ou de la secrétaire de séance est trop long (200 caractères au plus)."
        )
    session.chair_member_id = chair_member_id
    session.secretary_name = secretary_name.strip()
    holders: dict[int, int] = {}
    for member_id, (status, proxy) in presence.items():
        if status is not AttendanceStatus.REPRESENTE:
            continue
        name = members[member_id].full_name
        if proxy is None:
            raise InvalidInputError(f"Indiquez à qui {name} a donné pouvoir.")
        if (
            proxy == member_id
            or presence.get(proxy, (AttendanceStatus.ABSENT, None))[0] is not AttendanceStatus.PRESENT
        ):
            raise InvalidInputError(f"Le pouvoir de {name} doit être donné à un membre présent.")
        if proxy in holders:
            raise InvalidInputError(
                f"{members[proxy].full_name} détient déjà un pouvoir : un seul pouvoir par membre."
            )
        holders[proxy] = member_id
    rows = {row.member_id: row for row in session.attendance}
    for member_id in members:
        status, proxy = presence.get(member_id, (AttendanceStatus.ABSENT, None))
        row = rows.get(member_id)
        if row is None:
            row = Attendance(
                centre_id=session.centre_id, session_id=session.id, member_id=member_id, status=status
            )
            session.attendance.append(row)
        row.status = status
        row.proxy_member_id = proxy if status is AttendanceStatus.REPRESENTE else None
    db.session.flush()
    result = quorum(session)
    audit.record(
        action=AuditAction.COMMISSION_PRESENCES,
        subject_type="seance",
        subject_id=session.id,
        actor=actor,
        details={"présents": result.present, "quorum": result.required},
    )
    return result


@dataclass(frozen=True)
class Vote:
    decision: ItemDecision
    amount_cents: int | None
    months: int | None
    reasons: Sequence[str]
    text: str  # refusal: the facts; adjournment: what is asked for
    votes_for: int
    votes_against: int
    votes_abstain: int
    not_voting: Sequence[int]  # members with a personal interest


@use_case
def record_vote(*, actor: User, session_id: int, item_id: int, vote: Vote) -> AgendaItem:
    """Record an item's vote and decision; refused without quorum, or when the counts do not add up."""
    session = _held(actor, session_id, "enregistrer un vote")
    item = next((item for item in session.items if item.id == item_id), None)
    if item is None or item.status is not ItemStatus.INSCRIT:
        raise NotFoundError("Ce point n'est pas (ou plus) à l'ordre du jour de cette séance.")
    state = quorum(session)
    if not state.reached:
        raise InvalidInputError(
            f"Le quorum n'est pas atteint ({state.present} membre(s) présent(s), {state.required} requis) : "
            "aucun vote ne peut être enregistré."
        )
    seated = {member.id for member in voters(session)}
    if not set(vote.not_voting) <= seated:
        raise InvalidInputError(
            "Seul un membre présent ou représenté peut être déclaré ne prenant pas part au vote."
        )
    _check_decision(item, vote)
    taking_part = len(seated - set(vote.not_voting))
    cast = vote.votes_for + vote.votes_against + vote.votes_abstain
    if min(vote.votes_for, vote.votes_against, vote.votes_abstain) < 0 or cast != taking_part:
        raise InvalidInputError(
            f"{taking_part} membre(s) prennent part à ce vote "
            "(présents et représentés, hors membres intéressés) : "
            f"pour, contre et abstentions doivent faire {taking_part}, pas {cast}."
        )
    if vote.votes_for <= vote.votes_against:
        raise InvalidInputError(
            "Cette proposition n'a pas la majorité des suffrages exprimés : enregistrez la décision que la "
            "commission a effectivement adoptée."
        )
    item.decision, item.amount_cents = (
        vote.decision,
        vote.amount_cents if vote.decision is ItemDecision.ACCORD else None,
    )
    item.months = vote.months if vote.decision is ItemDecision.ACCORD else None
    item.refusal_reasons = list(vote.reasons) if vote.decision is ItemDecision.REFUS else []
    partial = vote.decision is ItemDecision.ACCORD and decisions.is_partial(
        item.dossier, "accord", vote.amount_cents
    )
    item.reason_text = vote.text.strip() if vote.decision is not ItemDecision.ACCORD or partial else ""
    item.votes_for, item.votes_against, item.votes_abstain = (
        vote.votes_for,
        vote.votes_against,
        vote.votes_abstain,
    )
    item.not_voting_member_ids = sorted(vote.not_voting)
    audit.record(
        action=AuditAction.COMMISSION_VOTE,
        subject_type="dossier",
        subject_id=item.dossier_id,
        actor=actor,
        details={
            "séance": session.id,
            "décision": vote.decision.value,
            "pour": vote.votes_for,
            "contre": vote.votes_against,
            "abstention": vote.votes_abstain,
        },
    )
    return item


def _check_decision(item: AgendaItem, vote: Vote) -> None:
    """What the decision needs, checked now rather than at closing: an amount, reasons, a request."""
    dossier = item.dossier
    if vote.decision is ItemDecision.ACCORD:
        if not vote.amount_cents or vote.amount_cents <= 0:
            raise InvalidInputError("Un accord indique le montant accordé.")
        if dossier.aid_type == AidType.PRET_SANS_INTERET:
            ledger.check_amount(vote.amount_cents, vote.months or 0)
        decisions.check_granted_amount(dossier, vote.amount_cents, delegation_ceiling_cents=None)
        ceilings.check_annual_ceiling(dossier, vote.amount_cents)
        if decisions.is_partial(dossier, "accord", vote.amount_cents) and len(vote.text.strip()) < 10:
            raise InvalidInputError(
                "Un accord partiel doit être motivé : décrivez les faits et la règle qui font accorder moins "
                "que le montant demandé."
            )
    elif vote.decision is ItemDecision.REFUS:
        allowed = refusal_reasons(current_settings())
        if not vote.reasons or not set(vote.reasons) <= set(allowed):
            raise InvalidInputError("Un refus doit être motivé : cochez au moins un motif de la liste.")
        if len(vote.text.strip()) < 10:
            raise InvalidInputError("Un refus doit être motivé : décrivez aussi les faits pris en compte.")
    elif len(vote.text.strip()) < 10:
        raise InvalidInputError("Un ajournement dit ce que la commission demande avant de décider.")
