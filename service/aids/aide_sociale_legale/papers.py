"""The papers of legal aid: the slip that goes with the file to the competent authority, the notice telling
the person the file was sent (when, to whom), and the letter passing the authority's decision on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from service import clock
from service.documents import rendering
from service.documents import service as documents
from service.documents.rendering import salutation
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
    due_on: date,
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
        "due_on": due_on,
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


def issue_transmission_notice(
    *, dossier: Dossier, author: User, request: LegalAidRequest, kind_label: str
) -> Document:
    """The letter telling the person their file was sent: on which day, to which authority (and its address),
    which now decides and will answer them."""
    if request.authority is None or request.transmitted_at is None:
        raise ValueError("a transmission notice needs the authority and the instant of the transmission")
    title = f"Information de la transmission de votre demande — dossier {dossier.number}"
    context = {
        "title": title,
        "centre": documents.centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "salutation": salutation(dossier.person),
        "request": request,
        "authority": request.authority,
        "kind_label": kind_label,
        "author": author,
        "issued_on": request.transmitted_at,
    }
    return documents.record(
        kind="avis_transmission", number="", title=title, dossier=dossier, author=author,
        content=rendering.render_pdf("avis_transmission.html", context, folder=TEMPLATES),
        filename=f"avis-transmission-{dossier.number}.pdf",
    )  # fmt: skip


_AUTHORITY_DECISIONS = {
    "accord": "a accordé l'aide demandée",
    "refus": "a refusé l'aide demandée",
    "autre": "a pris une décision sur votre demande",
}


def issue_authority_decision_notice(
    *, dossier: Dossier, author: User, request: LegalAidRequest, kind_label: str
) -> Document:
    """The letter passing the authority's decision on to the person: who decided, what, on which day, under
    which reference; the routes of appeal are the authority's, as its own notification states them."""
    if request.authority is None or request.authority_decided_on is None:
        raise ValueError("passing a decision on needs the authority and the day of its decision")
    title = f"Décision de l'autorité compétente — dossier {dossier.number}"
    context = {
        "title": title,
        "centre": documents.centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "salutation": salutation(dossier.person),
        "request": request,
        "authority": request.authority,
        "kind_label": kind_label,
        "decision": _AUTHORITY_DECISIONS.get(
            request.authority_decision, "a pris une décision sur votre demande"
        ),
        "author": author,
        "issued_on": clock.now(),
    }
    return documents.record(
        kind="decision_autorite", number="", title=title, dossier=dossier, author=author,
        content=rendering.render_pdf("decision_autorite.html", context, folder=TEMPLATES),
        filename=f"decision-autorite-{dossier.number}.pdf",
    )  # fmt: skip
