"""The letters the procedure owes the person besides the decision (CRPA): the acknowledgement of receipt of
every request (L112-3, R112-5), the request for missing documents with its deadline (L114-5), and the
classement sans suite of a dossier whose documents never came. Each is a record like the others."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from service import clock
from service.config import local_zone
from service.documents.printing import html_to_pdf
from service.documents.rendering import render_html, salutation
from service.documents.service import centre_of, record
from service.engine.durations import parse_duration
from service.extensions import db
from service.models import Document, Dossier, User

ACKNOWLEDGEMENT_KIND = "accuse_reception"
MISSING_DOCUMENTS_KIND = "demande_pieces"
CLASSEMENT_KIND = "classement_sans_suite"
# Silence kept two months on a request is an implicit rejection (L231-4 CRPA).
IMPLICIT_REJECTION_DELAY = "P2M"


def implicit_rejection_on(filed_at: datetime) -> date:
    """The day on which the centre's silence becomes an implicit rejection of a request filed then."""
    local = filed_at.astimezone(local_zone())
    return parse_duration(IMPLICIT_REJECTION_DELAY).after(local).date()


def missing_list(missing: str) -> list[str]:
    """The documents asked for, one per line (or separated by ';'), as the agent typed them."""
    return [
        item.strip(" -•\t")
        for line in missing.splitlines()
        for item in line.split(";")
        if item.strip(" -•\t")
    ]


def issue_acknowledgement(
    *,
    dossier: Dossier,
    author: User,
    centre_decides: bool,
    missing: str = "",
    documents_due_on: date | None = None,
) -> Document:
    """The acknowledgement of receipt of the request, printed when it is filed.

    `centre_decides` is false for a request the centre only forwards to the authority that decides (legal
    aid): the acknowledgement then says where it goes and within which time, and no implicit rejection.
    """
    context = {
        "title": f"Accusé de réception — dossier {dossier.number}",
        "centre": centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "salutation": salutation(dossier.person),
        "issued_on": clock.now(),
        "received_on": dossier.opened_at,
        "centre_decides": centre_decides,
        "implicit_rejection_on": implicit_rejection_on(dossier.opened_at),
        "missing": missing_list(missing),
        "documents_due_on": documents_due_on,
        "author": author,
    }
    return record(
        kind=ACKNOWLEDGEMENT_KIND, number="", title=f"Accusé de réception — dossier {dossier.number}",
        dossier=dossier, author=author, content=html_to_pdf(render_html("accuse_reception.html", context)),
        filename=f"accuse-reception-{dossier.number}.pdf",
    )  # fmt: skip


def issue_missing_documents_request(
    *, dossier: Dossier, author: User, missing: str, asked_on: date, due_on: date
) -> Document:
    """The request for the missing documents, with the day by which they are expected (L114-5 CRPA)."""
    context = {
        "title": f"Demande de pièces — dossier {dossier.number}",
        "centre": centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "salutation": salutation(dossier.person),
        "issued_on": clock.now(),
        "asked_on": asked_on,
        "missing": missing_list(missing) or [missing.strip()],
        "due_on": due_on,
        "author": author,
    }
    return record(
        kind=MISSING_DOCUMENTS_KIND, number="", dossier=dossier,
        title=f"Demande de pièces manquantes — dossier {dossier.number}", author=author,
        content=html_to_pdf(render_html("demande_pieces.html", context)),
        filename=f"demande-pieces-{dossier.number}-{asked_on.isoformat()}.pdf",
    )  # fmt: skip


def issue_classement(*, dossier: Dossier) -> Document:
    """The letter telling the person their request is classed without follow-up for want of the documents
    asked for (it cites the request that listed them); printed when the closure delay ran out, signed by the
    president."""
    centre = centre_of(dossier)
    asked = db.session.scalars(
        select(Document)
        .where(
            Document.subject_type == "dossier",
            Document.subject_id == dossier.id,
            Document.kind == MISSING_DOCUMENTS_KIND,
        )
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(1)
    ).first()
    context = {
        "title": f"Classement sans suite — dossier {dossier.number}",
        "centre": centre,
        "dossier": dossier,
        "person": dossier.person,
        "salutation": salutation(dossier.person),
        "issued_on": clock.now(),
        "asked": asked,
    }
    return record(
        kind=CLASSEMENT_KIND, number="", title=f"Classement sans suite — dossier {dossier.number}",
        dossier=dossier, author=None, content=html_to_pdf(render_html("classement_sans_suite.html", context)),
        filename=f"classement-sans-suite-{dossier.number}.pdf",
    )  # fmt: skip


def due_after(start: date, *delays: str) -> date:
    """The day the delays (ISO 8601) run out, counted from a day."""
    moment = datetime.combine(start, datetime.min.time())
    for delay in delays:
        moment = parse_duration(delay).after(moment)
    return moment.date()
