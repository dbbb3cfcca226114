"""The papers of support cheques: the stock exit the secretariat records, and the hand-over receipt the person
signs before the régisseur who hands the cheques over."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from service.documents import rendering
from service.documents import service as documents
from service.models import Document, Dossier, IssuedCheque, User

TEMPLATES = Path(__file__).parent / "templates"


def issue_stock_exit(*, dossier: Dossier, author: User, cheques: Sequence[IssuedCheque]) -> Document:
    """The secretariat's record of the cheques taken out of stock for the dossier, to hand to the régie."""
    title = f"Sortie de stock de chèques — dossier {dossier.number}"
    context = {
        "title": title,
        "centre": documents.centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "author": author,
        "issued_on": cheques[0].issued_at,
        "cheques": cheques,
        "total_cents": sum(cheque.book.face_value_cents for cheque in cheques),
    }
    return documents.record(
        kind="sortie_cheques", number="", title=title, dossier=dossier, author=author,
        content=rendering.render_pdf("sortie_cheques.html", context, folder=TEMPLATES),
        filename=f"sortie-cheques-{dossier.number}.pdf",
    )  # fmt: skip


def issue_cheque_receipt(
    *, dossier: Dossier, regisseur: User, cheques: Sequence[IssuedCheque], handed_over_at: datetime
) -> Document:
    """The hand-over receipt the person signs, printed at the hand-over by the régisseur it names: every
    cheque by series, number, nature and face value."""
    title = f"Reçu de remise de chèques — dossier {dossier.number}"
    context = {
        "title": title,
        "centre": documents.centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "regisseur": regisseur,
        "handed_over_at": handed_over_at,
        "cheques": cheques,
        "total_cents": sum(cheque.book.face_value_cents for cheque in cheques),
    }
    return documents.record(
        kind="recu_cheques", number="", title=title, dossier=dossier, author=regisseur,
        content=rendering.render_pdf("recu_cheques.html", context, folder=TEMPLATES),
        filename=f"recu-cheques-{dossier.number}.pdf", issued_at=handed_over_at,
    )  # fmt: skip
