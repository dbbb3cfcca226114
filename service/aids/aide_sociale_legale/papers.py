"""The papers of legal aid: the slip that goes with the file to the competent authority."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from service.documents import rendering
from service.documents import service as documents
from service.models import Document, Dossier, LegalAidRequest, User

TEMPLATES = Path(__file__).parent / "templates"


_OPINIONS = {"favorable": "Favorable", "defavorable": "Défavorable", "reserve": "Réservé"}
_TRANSMISSION_MODES = {
    "courrier": "par courrier",
    "courriel": "par courriel",
    "depot": "par dépôt auprès de l'autorité",
}


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
        "centre": documents.centre_of(dossier),
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
    return documents.record(
        kind="bordereau_transmission",
        number="",
        title=f"Bordereau de transmission à {request.authority.name} — dossier {dossier.number}",
        dossier=dossier,
        author=author,
        content=rendering.render_pdf("bordereau_transmission.html", context, folder=TEMPLATES),
        filename=f"bordereau-transmission-{dossier.number}.pdf",
    )
