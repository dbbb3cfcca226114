"""The papers of interest-free loans: the contract with its schedule, and each amendment."""

from __future__ import annotations

from pathlib import Path

from service import clock
from service.documents import rendering
from service.documents import service as documents
from service.models import Document, Dossier, Loan, LoanSchedule, User

TEMPLATES = Path(__file__).parent / "templates"


def issue_loan_schedule(*, dossier: Dossier, author: User, loan: Loan, schedule: LoanSchedule) -> Document:
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
