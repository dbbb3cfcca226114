"""The papers of domiciliation: the attestation d'élection de domicile (the content of Cerfa n° 15548), the
reasoned refusal that orients, the notice of the end. Each is a record. The request is acknowledged at filing
by the acknowledgement every request gets (service/documents/procedure.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from service import clock
from service.documents import rendering
from service.documents import service as documents
from service.models import Document, Domiciliation, Dossier, RefusalReason, User

TEMPLATES = Path(__file__).parent / "templates"
ATTESTATION = "attestation_domiciliation"
REFUSAL = "refus_domiciliation"
END_NOTICE = "fin_domiciliation"


def _issue(
    *,
    kind: str,
    template: str,
    title: str,
    filename: str,
    dossier: Dossier,
    author: User | None,
    number: str = "",
    context: dict[str, Any],
) -> Document:
    issued_on = clock.now()
    full = {
        "title": title,
        "centre": documents.centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "salutation": rendering.salutation(dossier.person),
        "author": author,
        "issued_on": issued_on,
        "number": number,
        **context,
    }
    return documents.record(
        kind=kind, number=number, title=title, dossier=dossier, author=author,
        content=rendering.render_pdf(template, full, folder=TEMPLATES), filename=filename,
    )  # fmt: skip


def issue_attestation(*, dossier: Dossier, election: Domiciliation, author: User, number: str) -> Document:
    """The attestation d'élection de domicile, valid from `valid_from` to `valid_until` (one year)."""
    renewal = f"-renouvellement-{election.renewals}" if election.renewals else ""
    return _issue(
        kind=ATTESTATION, template="attestation.html",
        title=f"Attestation d'élection de domicile — {dossier.person.display_name} "
        f"(du {_short(election.valid_from)} au {_short(election.valid_until)})",
        filename=f"attestation-domiciliation-{dossier.number}{renewal}.pdf", dossier=dossier, author=author,
        number=number, context={"election": election},
    )  # fmt: skip


def issue_refusal(*, dossier: Dossier, election: Domiciliation, author: User, number: str) -> Document:
    """The reasoned refusal (L211-2 CRPA), naming the organism that can domicile the person, with appeals."""
    return _issue(
        kind=REFUSAL, template="refus.html",
        title=f"Refus de domiciliation — dossier {dossier.number}",
        filename=f"refus-domiciliation-{dossier.number}.pdf", dossier=dossier, author=author, number=number,
        context={"election": election, "refusal_label": RefusalReason(election.refusal_reason).label.lower()},
    )  # fmt: skip


def issue_end_notice(*, dossier: Dossier, election: Domiciliation, author: User | None) -> Document:
    """The notice that the election ends (no contact for three months, not renewed, or asked for)."""
    return _issue(
        kind=END_NOTICE, template="fin.html",
        title=f"Fin de la domiciliation — dossier {dossier.number}",
        filename=f"fin-domiciliation-{dossier.number}.pdf", dossier=dossier, author=author,
        context={"election": election},
    )  # fmt: skip


def _short(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"
