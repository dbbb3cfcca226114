"""The papers of interest-free loans: the contract with its schedule, and each amendment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from service import clock
from service.config import local_zone
from service.documents import rendering
from service.documents import service as documents
from service.extensions import db
from service.models import (
    AgendaItem,
    CommitteeSession,
    Document,
    Dossier,
    ItemDecision,
    Loan,
    LoanSchedule,
    User,
)

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class AmendmentAuthority:
    """The act an amendment is decided under, as it prints it."""

    citation: str
    signing_line: str


def granting_act(dossier: Dossier) -> str:
    """The deliberation that granted the loan, as the contract cites it: number, body and session's day."""
    found = db.session.execute(
        select(AgendaItem.deliberation_number, CommitteeSession.kind, CommitteeSession.starts_at)
        .join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
        .where(
            AgendaItem.dossier_id == dossier.id,
            AgendaItem.decision == ItemDecision.ACCORD,
            AgendaItem.deliberation_number != "",
        )
        .order_by(CommitteeSession.starts_at.desc())
        .limit(1)
    ).first()
    if found is None:
        return ""
    number, kind, starts_at = found
    day = rendering.date_long(starts_at.astimezone(local_zone()))
    return f"délibération n° {number} de {kind.named} du {day}"


def issue_loan_schedule(
    *,
    dossier: Dossier,
    author: User,
    loan: Loan,
    schedule: LoanSchedule,
    authority: AmendmentAuthority | None = None,
) -> Document:
    """The loan contract with its schedule (version 1), or an amendment with the new schedule."""
    amendment = schedule.version > 1
    title = (
        f"Avenant n° {schedule.version - 1} — prêt du dossier {dossier.number}"
        if amendment
        else f"Contrat de prêt et échéancier — dossier {dossier.number}"
    )
    context = {
        "title": title,
        "centre": documents.centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "issued_on": clock.now(),
        "loan": loan,
        "schedule": schedule,
        "granting_act": granting_act(dossier),
        "authority": authority,
        "author": author,
    }
    return documents.record(
        kind="avenant_pret" if amendment else "contrat_pret",
        number="",
        title=title,
        dossier=dossier,
        author=author,
        content=rendering.render_pdf("echeancier_pret.html", context, folder=TEMPLATES),
        filename=f"pret-{dossier.number}-v{schedule.version}.pdf",
    )
