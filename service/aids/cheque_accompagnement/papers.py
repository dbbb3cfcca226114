"""The papers of support cheques: the hand-over receipt the person signs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from service import clock
from service.documents import rendering
from service.documents import service as documents
from service.models import Document, Dossier, IssuedCheque, User

TEMPLATES = Path(__file__).parent / "templates"


def issue_cheque_receipt(*, dossier: Dossier, author: User, cheques: Sequence[IssuedCheque]) -> Document:
    """The hand-over receipt the person signs: every cheque by series, number, nature and face value."""
    context = {
        "title": f"Reçu de remise de chèques — dossier {dossier.number}",
        "centre": documents.centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "author": author,
        "issued_on": clock.now(),
        "cheques": cheques,
        "total_cents": sum(cheque.book.face_value_cents for cheque in cheques),
    }
    return documents.record(
        kind="recu_cheques",
        number="",
        title=f"Reçu de remise de chèques — dossier {dossier.number}",
        dossier=dossier,
        author=author,
        content=rendering.render_pdf("recu_cheques.html", context, folder=TEMPLATES),
        filename=f"recu-cheques-{dossier.number}.pdf",
    )
