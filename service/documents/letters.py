"""Decision letters: printed at once for a delegated decision, queued with the rest of its session for a
committee's, printed again from the same parameters as a correction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service import clock
from service.documents import batches
from service.documents.printing import html_to_pdf
from service.documents.rendering import date_long, render_html, salutation
from service.documents.service import centre_of, record
from service.models import Document, Dossier, LetterBatch, PendingLetter, User

KIND = "decision"
# A rectificatif is its own kind: it replaces an act, it is not a new decision (nor listed again as one).
CORRECTION_KIND = "rectificatif"
_PAYMENT_MODES = {"bon": "sous forme de bon d'achat", "virement": "par virement", "cheque": "par chèque"}


@dataclass(frozen=True)
class _Letter:
    title: str
    filename: str
    html: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Delegation:
    """What a letter under delegation prints of its act: the citation, and the line above the signature."""

    citation: str  # "Décision prise en vertu de la délégation consentie par délibération n° … du …"
    signing_line: str  # "Pour le président et par délégation de signature (arrêté n° … du …),"


@dataclass(frozen=True)
class Correction:
    """What a rectificatif prints about the document it cancels and replaces."""

    number: str  # the act's number (DEC…, DEL…), or its title when it has none
    issued_on: datetime
    reason: str
    of_correction: bool = False  # what it replaces is itself a rectificatif of that act


def issue_decision_letter(
    *,
    dossier: Dossier,
    author: User,
    number: str,
    grant_text: str = "",
    committee: str = "",
    adjournment: str = "",
    delegation: Delegation | None = None,
) -> Document:
    """Print the decision on the dossier and keep it; the caller's transaction commits it.

    `number` is a delegated decision's (DEC…) or, with `committee` naming the session, a deliberation's
    (DEL…); `adjournment` is what the committee asks for before it decides; `delegation` the act a
    delegated decision is taken under, which the letter cites.
    """
    params = _params(dossier, author, number, grant_text, committee, adjournment, delegation)
    letter = _compose(dossier, params, issued_on=clock.now())
    return record(
        kind=KIND, number=number, title=letter.title, dossier=dossier, author=author,
        content=html_to_pdf(letter.html), filename=letter.filename, issue_params=letter.params,
    )  # fmt: skip


def queue_decision_letter(
    *,
    batch: LetterBatch,
    dossier: Dossier,
    author: User,
    number: str,
    committee: str,
    grant_text: str = "",
    adjournment: str = "",
) -> PendingLetter:
    """Render the committee's letter now, as the dossier stands; the batch prints it after the closing."""
    params = _params(dossier, author, number, grant_text, committee, adjournment)
    issued_on = clock.now()
    letter = _compose(dossier, params, issued_on=issued_on)
    return batches.queue(
        batch, dossier=dossier, author=author, kind=KIND, number=number, title=letter.title,
        filename=letter.filename, html=letter.html, issue_params=letter.params, issued_at=issued_on,
    )  # fmt: skip


def reissue_decision_letter(*, original: Document, dossier: Dossier, author: User, reason: str) -> Document:
    """The same decision printed again with the dossier's current data, cancelling and replacing the
    original, which stays as it was; the caller checks who may, and commits."""
    assert original.issue_params is not None  # noqa: S101 - checked by the caller
    correction = Correction(
        original.number or original.title, original.created_at, reason, original.kind == CORRECTION_KIND
    )
    letter = _compose(dossier, original.issue_params, issued_on=clock.now(), correction=correction)
    return record(
        kind=CORRECTION_KIND, number=original.number, title=f"Rectificatif — {letter.title}", dossier=dossier,
        author=author, content=html_to_pdf(letter.html),
        filename=letter.filename.removesuffix(".pdf") + f"-rectificatif-du-{original.id}.pdf",
        issue_params=letter.params, corrects=original,
    )  # fmt: skip


def _params(
    dossier: Dossier,
    author: User,
    number: str,
    grant_text: str,
    committee: str,
    adjournment: str,
    delegation: Delegation | None = None,
) -> dict[str, Any]:
    """What the letter was issued with; the signatory is the author under delegation, else the president."""
    delegated = bool(number) and not committee
    centre = centre_of(dossier)
    return {
        "number": number,
        "grant_text": grant_text,
        "committee": committee,
        "adjournment": adjournment,
        "signatory_name": author.full_name if delegated else centre.president_name,
        "signatory_title": author.title if delegated else centre.president_title,
        "delegation_citation": delegation.citation if delegation else "",
        "signing_line": delegation.signing_line if delegation else "",
    }


def _compose(
    dossier: Dossier, params: dict[str, Any], *, issued_on: datetime, correction: Correction | None = None
) -> _Letter:
    number = params["number"]
    html = render_html(
        "decision.html",
        {
            "delegation_citation": "",  # a letter issued before the acts were cited
            "signing_line": "",
            **params,
            "title": f"Décision — dossier {dossier.number}",
            "centre": centre_of(dossier),
            "dossier": dossier,
            "person": dossier.person,
            "delegated": bool(number) and not params["committee"],
            "issued_on": issued_on,
            "payment_modes": _PAYMENT_MODES,
            "salutation": salutation(dossier.person),
            "grant_singular": params["grant_text"].startswith(("un ", "une ", "1 ")),
            "partial": _partial(dossier),
            "correction": _mention(correction) if correction is not None else "",
        },
    )
    return _Letter(
        title=f"Décision {number or ''} — dossier {dossier.number}".replace("  ", " "),
        filename=f"decision-{dossier.number}{'-' + number if number else ''}.pdf",
        html=html,
        params=dict(params),
    )


def _partial(dossier: Dossier) -> bool:
    """A grant below what was asked for: unfavourable in part, so reasoned (L211-2 CRPA)."""
    return (
        dossier.decision == "accord"
        and dossier.amount_granted_cents is not None
        and dossier.amount_requested_cents is not None
        and dossier.amount_granted_cents < dossier.amount_requested_cents
    )


def _mention(correction: Correction) -> str:
    """The line a rectificatif opens with: the act it replaces, by its number and date."""
    replaced = (
        f"le rectificatif du {date_long(correction.issued_on)} de l'acte n° {correction.number}"
        if correction.of_correction
        else f"l'acte n° {correction.number} du {date_long(correction.issued_on)}"
    )
    return f"Rectificatif — annule et remplace {replaced}, motif : {correction.reason}"
