"""Use cases of documents: issue a decision letter as a record, read it back for those allowed to."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select

from service import clock
from service.audit import service as audit
from service.documents.rendering import render_pdf
from service.errors import NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import (
    Centre,
    Document,
    Dossier,
    IssuedCheque,
    LegalAidRequest,
    Loan,
    LoanSchedule,
    Role,
    User,
)
from service.models.tenancy import get_in_centre

# Who may read a dossier's documents: as for the dossier itself, never the IT administrator.
READING_ROLES = tuple(role for role in Role if role is not Role.ADMIN)
_PAYMENT_MODES = {"bon": "sous forme de bon d'achat", "virement": "par virement", "cheque": "par chèque"}
_OPINIONS = {"favorable": "Favorable", "defavorable": "Défavorable", "reserve": "Réservé"}
_TRANSMISSION_MODES = {
    "courrier": "par courrier",
    "courriel": "par courriel",
    "depot": "par dépôt auprès de l'autorité",
}


def issue_decision_letter(*, dossier: Dossier, author: User, number: str, grant_text: str = "") -> Document:
    """Print the decision on the dossier and keep it; the caller's transaction commits it."""
    centre = _centre_of(dossier)
    delegated = bool(number)
    context = {
        "title": f"Décision — dossier {dossier.number}",
        "centre": centre,
        "dossier": dossier,
        "person": dossier.person,
        "number": number,
        "issued_on": clock.now(),
        "payment_modes": _PAYMENT_MODES,
        "grant_text": grant_text,
        "signatory_name": author.full_name if delegated else centre.president_name,
        "signatory_title": author.title if delegated else centre.president_title,
    }
    return _record(
        kind="decision",
        number=number,
        title=f"Décision {number or ''} — dossier {dossier.number}".replace("  ", " "),
        dossier=dossier,
        author=author,
        content=render_pdf("decision.html", context),
        filename=f"decision-{dossier.number}{'-' + number if number else ''}.pdf",
    )


def issue_cheque_receipt(*, dossier: Dossier, author: User, cheques: Sequence[IssuedCheque]) -> Document:
    """The hand-over receipt the person signs: every cheque by series, number, nature and face value."""
    context = {
        "title": f"Reçu de remise de chèques — dossier {dossier.number}",
        "centre": _centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "author": author,
        "issued_on": clock.now(),
        "cheques": cheques,
        "total_cents": sum(cheque.book.face_value_cents for cheque in cheques),
    }
    return _record(
        kind="recu_cheques",
        number="",
        title=f"Reçu de remise de chèques — dossier {dossier.number}",
        dossier=dossier,
        author=author,
        content=render_pdf("recu_cheques.html", context),
        filename=f"recu-cheques-{dossier.number}.pdf",
    )


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
        "centre": _centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "issued_on": clock.now(),
        "loan": loan,
        "schedule": schedule,
    }
    return _record(
        kind="avenant_pret" if amendment else "contrat_pret",
        number="",
        title=title,
        dossier=dossier,
        author=author,
        content=render_pdf("echeancier_pret.html", context),
        filename=f"pret-{dossier.number}-v{schedule.version}.pdf",
    )


def issue_transmission_slip(
    *,
    dossier: Dossier,
    author: User,
    request: LegalAidRequest,
    pieces: Sequence[str],
    kind_label: str,
    missing: Sequence[str] = (),
) -> Document:
    """The slip that goes with a legal-aid file to the competent authority (art. L131-1 CASF).

    It states the filing date, the aid asked for, the pieces joined (and those still awaited), the
    centre's opinion with its reasons, the authority and the sender; the caller's transaction commits it.
    """
    if request.authority is None or request.transmitted_at is None:
        raise ValueError("a transmission slip needs the authority and the instant of the transmission")
    context = {
        "title": f"Bordereau de transmission — dossier {dossier.number}",
        "centre": _centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "request": request,
        "authority": request.authority,
        "kind_label": kind_label,
        "pieces": list(pieces),
        "missing": list(missing),
        "opinion": _OPINIONS.get(request.opinion, request.opinion),
        "mode": _TRANSMISSION_MODES.get(request.transmission_mode, ""),
        "author": author,
        "issued_on": request.transmitted_at,
    }
    return _record(
        kind="bordereau_transmission",
        number="",
        title=f"Bordereau de transmission à {request.authority.name} — dossier {dossier.number}",
        dossier=dossier,
        author=author,
        content=render_pdf("bordereau_transmission.html", context),
        filename=f"bordereau-transmission-{dossier.number}.pdf",
    )


def _centre_of(dossier: Dossier) -> Centre:
    centre = db.session.get(Centre, dossier.centre_id)
    assert centre is not None  # noqa: S101 - every dossier has its centre
    return centre


def _record(
    *, kind: str, number: str, title: str, dossier: Dossier, author: User, content: bytes, filename: str
) -> Document:
    document = Document(
        centre_id=dossier.centre_id,
        kind=kind,
        number=number,
        title=title,
        subject_type="dossier",
        subject_id=dossier.id,
        filename=filename,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        author_id=author.id,
        author_name=author.full_name,
        created_at=clock.now(),
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        action="document.émission", subject_type="dossier", subject_id=dossier.id, actor=author,
        details={"document": document.id, "type": kind, "numéro": number, "sha256": document.sha256},
    )  # fmt: skip
    return document


def documents_of(*, actor: User, dossier: Dossier) -> Sequence[Document]:
    if not actor.has_role(*READING_ROLES):
        return []
    return db.session.scalars(
        select(Document)
        .where(Document.subject_type == "dossier", Document.subject_id == dossier.id)
        .order_by(Document.created_at, Document.id)
    ).all()


def download(*, actor: User, document_id: int) -> Document:
    """The document, for a user allowed to read its dossier; every attempt is audited, refused or not."""
    document = get_in_centre(db.session(), Document, document_id, actor.centre_id)
    if document is None:
        raise NotFoundError("Ce document n'existe pas dans votre centre.")
    allowed = actor.has_role(*READING_ROLES)
    audit.record(
        action="document.téléchargement" if allowed else "document.téléchargement_refusé",
        subject_type=document.subject_type, subject_id=document.subject_id, actor=actor,
        details={"document": document.id},
    )  # fmt: skip
    db.session.commit()
    if not allowed:
        raise PermissionDeniedError("Ce document est réservé aux personnes qui suivent le dossier.")
    return document
