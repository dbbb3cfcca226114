"""The committee's papers: the convocation with its agenda, and the minutes (relevé de décisions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from service import clock
from service.aids import decisions
from service.config import current_settings, local_zone
from service.documents import rendering
from service.documents import service as documents
from service.extensions import db
from service.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    BoardDelegation,
    Centre,
    CommitteeMember,
    CommitteeSession,
    Document,
    Dossier,
    ItemStatus,
    User,
)

_OUTCOMES = {"accord": "Accord", "refus": "Refus"}


@dataclass(frozen=True)
class DelegatedDecision:
    """A decision taken under delegation, as reported to the board (R123-22 CASF): what it told the board."""

    number: str
    issued_on: date  # in the centre's time zone
    dossier_number: str
    aid_label: str
    outcome: str
    amount_cents: int | None


def delegated_rows(delegated: Sequence[Document]) -> list[DelegatedDecision]:
    """The delegated decisions with their aid, outcome and amount, read in one statement."""
    ids = {document.subject_id for document in delegated if document.subject_type == "dossier"}
    dossiers = (
        {dossier.id: dossier for dossier in db.session.scalars(select(Dossier).where(Dossier.id.in_(ids)))}
        if ids
        else {}
    )
    rows = []
    for document in sorted(delegated, key=lambda document: (document.created_at, document.id)):
        dossier = dossiers.get(document.subject_id) if document.subject_type == "dossier" else None
        rows.append(
            DelegatedDecision(
                number=document.number,
                issued_on=document.created_at.astimezone(local_zone()).date(),
                dossier_number=dossier.number if dossier else "",
                aid_label=dossier.aid_label if dossier else document.title,
                outcome=_outcome(dossier) if dossier else "—",
                amount_cents=dossier.amount_granted_cents
                if dossier and dossier.decision == "accord"
                else None,
            )
        )
    return rows


def _outcome(dossier: Dossier) -> str:
    """The decision as the board reads it: a grant below the request is said to be partial."""
    if decisions.is_partial(dossier, dossier.decision or "", dossier.amount_granted_cents):
        return "Accord partiel"
    return _OUTCOMES.get(dossier.decision or "", "—")


def issue_convocation(
    *,
    session: CommitteeSession,
    author: User,
    centre: Centre,
    items: Sequence[AgendaItem],
    members: Sequence[CommitteeMember],
    delegated: Sequence[Document],
) -> Document:
    """The convocation with its agenda (inscribed items only) and the delegated decisions for information."""
    title = f"Convocation — {session.kind.label} du {rendering.date_long(session.starts_at)}"
    context = {
        **_session_context(session=session, centre=centre, title=title, delegated=delegated),
        "members": list(members),
        "items": sorted(
            (item for item in items if item.status == ItemStatus.INSCRIT), key=lambda item: item.position
        ),
        "issued_on": clock.now(),
    }
    return documents.record(
        kind="convocation",
        number="",
        title=title,
        session=session,
        author=author,
        content=rendering.render_pdf("convocation.html", context),
        filename=f"convocation-seance-{session.id}.pdf",
    )


def issue_minutes(
    *,
    session: CommitteeSession,
    author: User,
    centre: Centre,
    items: Sequence[AgendaItem],
    attendance: Sequence[Attendance],
    members_by_id: Mapping[int, CommitteeMember],
    quorum_required: int,
    present_count: int,
    delegated: Sequence[Document],
) -> Document:
    """The record of the decisions taken: attendance, quorum, each deliberation with its vote."""
    title = f"Relevé de décisions — {session.kind.label} du {rendering.date_long(session.starts_at)}"
    ordered = sorted(items, key=lambda item: item.position)

    def name_of(member_id: int | None) -> str:
        member = members_by_id.get(member_id) if member_id is not None else None
        return member.full_name if member is not None else ""

    context = {
        **_session_context(session=session, centre=centre, title=title, delegated=delegated),
        "present": [row for row in attendance if row.status == AttendanceStatus.PRESENT],
        "represented": [
            (row, name_of(row.proxy_member_id))
            for row in attendance
            if row.status == AttendanceStatus.REPRESENTE
        ],
        "absent": [row for row in attendance if row.status == AttendanceStatus.ABSENT],
        "quorum_required": quorum_required,
        "present_count": present_count,
        "decided": [
            (
                item,
                [name_of(member_id) or f"Membre n° {member_id}" for member_id in item.not_voting_member_ids],
                decisions.is_partial(item.dossier, item.decision.value, item.amount_cents),
            )
            for item in ordered
            if item.status == ItemStatus.INSCRIT and item.decision is not None
        ],
        "set_aside": [item for item in ordered if item.status in (ItemStatus.RETIRE, ItemStatus.REPORTE)],
        "signed_on": session.signed_at or clock.now(),
        "chair_name": name_of(session.chair_member_id),
        "secretary_name": session.secretary_name,
        "convoked_at": session.convoked_at,
        # Signed by whoever signs them: the president, or a vice-president by delegation (L212-1 CRPA).
        "signatory_name": author.full_name,
        "signatory_title": _signer_title(author, centre),
    }
    return documents.record(
        kind="releve_decisions",
        number="",
        title=title,
        session=session,
        author=author,
        content=rendering.render_pdf("releve_decisions.html", context),
        filename=f"releve-decisions-seance-{session.id}.pdf",
    )


def _signer_title(author: User, centre: Centre) -> str:
    """The signer's quality: their own title; else the president's as the centre records it, or the capacity
    a deliberation of the board gave them."""
    if author.title:
        return author.title
    if author.full_name == centre.president_name:
        return centre.president_title
    capacity = db.session.scalars(
        select(BoardDelegation.capacity)
        .where(BoardDelegation.holder_id == author.id)
        .order_by(BoardDelegation.adopted_on.desc())
        .limit(1)
    ).first()
    return capacity.label if capacity is not None else ""


def _session_context(
    *, session: CommitteeSession, centre: Centre, title: str, delegated: Sequence[Document]
) -> dict[str, object]:
    """What both committee papers print: the session, its time and place, the delegated decisions."""
    return {
        "title": title,
        "centre": centre,
        "session": session,
        "kind_label": session.kind.label,
        "weekday": rendering.weekday(session.starts_at),
        "starts_at": session.starts_at,
        "start_time": rendering.time_of_day(session.starts_at),
        "delegated": delegated_rows(delegated),
        "clear_days": current_settings().COMMISSION_CONVOCATION_CLEAR_DAYS,
        "signatory_name": centre.president_name,
        "signatory_title": centre.president_title,
    }
