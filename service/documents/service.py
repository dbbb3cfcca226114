"""Use cases of documents: issue letters and committee papers as records, read them back for who may."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from service import clock
from service.access import service as access
from service.access.policy import Action, Part
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.audit.service import SYSTEM_ACTOR as SYSTEM_AUTHOR
from service.config import local_zone
from service.documents.rendering import date_long
from service.errors import NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import (
    Appointment,
    Centre,
    CommitteeMember,
    CommitteeSession,
    Document,
    Dossier,
    Orientation,
    Role,
    User,
    WorkshopSession,
)
from service.models.tenancy import get_in_centre
from service.unit_of_work import use_case

# Who may read a session's papers besides its members in office: those who prepare and minute it.
SESSION_READING_ROLES = (Role.SECRETARIAT, Role.RESPONSABLE)
SESSION_SUBJECT = "seance"
WORKSHOP_SUBJECT = "atelier"
# An appointment's convocation: for those who may read the person's contact details.
APPOINTMENT_SUBJECT = "rendez_vous"
# Who may read a workshop's papers: whoever registers people and leads the sessions.
WORKSHOP_READING_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)
# The board's yearly activity report, about the centre: for the head of service and the board's members.
REPORT_SUBJECT = "rapport_activite"
REPORT_READING_ROLES = (Role.RESPONSABLE, Role.DELEGATAIRE, Role.ELU)
# A liaison form to a partner: read by whoever may orient the person (open a request for them).
ORIENTATION_SUBJECT = "orientation"


def centre_of(dossier: Dossier) -> Centre:
    centre = db.session.get(Centre, dossier.centre_id)
    assert centre is not None  # noqa: S101 - every dossier has its centre
    return centre


def record(
    *,
    kind: str,
    number: str,
    title: str,
    author: User | None,
    content: bytes,
    filename: str,
    dossier: Dossier | None = None,
    session: CommitteeSession | None = None,
    workshop: WorkshopSession | None = None,
    report_of: Centre | None = None,
    appointment: Appointment | None = None,
    orientation: Orientation | None = None,
    issue_params: Mapping[str, Any] | None = None,
    corrects: Document | None = None,
    issued_at: datetime | None = None,
) -> Document:
    """Keep the PDF with its hash, about a dossier, a committee session, a workshop or (a report) the centre,
    and audit its issue.

    `issue_params` are what a correction needs to print it again; `issued_at`, the instant the document
    bears when it was printed later than issued (a committee's letters).
    """
    subjects = [s for s in (dossier, session, workshop, report_of, appointment, orientation) if s is not None]
    if len(subjects) != 1:
        raise ValueError(
            "a document is about one dossier, committee session, workshop, appointment, orientation or centre"
        )
    if appointment is not None:
        subject_type, subject_id, centre_id = APPOINTMENT_SUBJECT, appointment.id, appointment.centre_id
    elif report_of is not None:
        subject_type, subject_id, centre_id = REPORT_SUBJECT, report_of.id, report_of.id
    elif dossier is not None:
        subject_type, subject_id, centre_id = "dossier", dossier.id, dossier.centre_id
    elif session is not None:
        subject_type, subject_id, centre_id = SESSION_SUBJECT, session.id, session.centre_id
    elif orientation is not None:
        subject_type, subject_id, centre_id = ORIENTATION_SUBJECT, orientation.id, orientation.centre_id
    else:
        assert workshop is not None  # noqa: S101 - checked above
        subject_type, subject_id, centre_id = WORKSHOP_SUBJECT, workshop.id, workshop.centre_id
    document = Document(
        centre_id=centre_id,
        kind=kind,
        number=number,
        title=title,
        subject_type=subject_type,
        subject_id=subject_id,
        filename=filename,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        author_id=author.id if author else None,
        author_name=author.full_name if author else SYSTEM_AUTHOR,
        created_at=issued_at or clock.now(),
        corrects_id=corrects.id if corrects is not None else None,
        issue_params=dict(issue_params) if issue_params is not None else None,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        action=AuditAction.DOCUMENT_EMISSION, subject_type=subject_type, subject_id=subject_id, actor=author,
        centre_id=centre_id,
        details={"document": document.id, "type": kind, "numéro": number, "sha256": document.sha256},
    )  # fmt: skip
    return document


def documents_of_workshop(*, session_id: int, centre_id: int) -> Sequence[Document]:
    """A workshop session's convocations and attendance sheets, oldest first."""
    return db.session.scalars(
        select(Document)
        .where(
            Document.subject_type == WORKSHOP_SUBJECT,
            Document.subject_id == session_id,
            Document.centre_id == centre_id,
        )
        .order_by(Document.created_at, Document.id)
    ).all()


def reports_of_centre(*, centre_id: int) -> Sequence[Document]:
    """The centre's yearly activity reports, latest first."""
    return db.session.scalars(
        select(Document)
        .where(Document.subject_type == REPORT_SUBJECT, Document.centre_id == centre_id)
        .order_by(Document.created_at.desc(), Document.id.desc())
    ).all()


def documents_of_session(*, session_id: int, centre_id: int) -> Sequence[Document]:
    """A session's convocation and minutes, oldest first."""
    return db.session.scalars(
        select(Document)
        .where(
            Document.subject_type == SESSION_SUBJECT,
            Document.subject_id == session_id,
            Document.centre_id == centre_id,
        )
        .order_by(Document.created_at, Document.id)
    ).all()


def download(*, actor: User, document_id: int) -> Document:
    """The document, for a user allowed to read its subject; every attempt is audited, refused or not.

    A dossier's documents are for those the access policy grants its documents; a session's papers for the
    secretariat, the head of service and the committee members in office on the session's day.
    """
    document, refusal = _record_download(actor=actor, document_id=document_id)
    if refusal:  # refused after the attempt was recorded: the refusal itself is kept
        raise PermissionDeniedError(refusal)
    if document.erased_at is not None:
        raise NotFoundError(
            f"Ce document a été détruit le {date_long(document.erased_at)}, au terme de sa durée "
            "d'archivage : seule sa trace (numéro, date, empreinte) est conservée."
        )
    return document


@use_case
def _record_download(*, actor: User, document_id: int) -> tuple[Document, str]:
    """The document and, when the actor may not read it, why; the attempt is audited either way."""
    document = get_in_centre(db.session(), Document, document_id, actor.centre_id)
    if document is None:
        raise NotFoundError("Ce document n'existe pas dans votre centre.")
    if document.subject_type == SESSION_SUBJECT:
        session = get_in_centre(db.session(), CommitteeSession, document.subject_id, document.centre_id)
        allowed = session is not None and may_read_session(actor, session)
        refusal = "Ce document est réservé aux membres de l'instance et au secrétariat."
    elif document.subject_type == REPORT_SUBJECT:
        allowed = actor.has_role(*REPORT_READING_ROLES)
        refusal = "Ce rapport est réservé à la direction et aux membres du conseil d'administration."
    elif document.subject_type == APPOINTMENT_SUBJECT:
        allowed = _may_read_appointment(actor, document.subject_id)
        refusal = (
            "Cette convocation est réservée aux personnes qui peuvent lire les coordonnées de la personne."
        )
    elif document.subject_type == WORKSHOP_SUBJECT:
        allowed = actor.has_role(*WORKSHOP_READING_ROLES)
        refusal = "Ce document est réservé aux personnes qui organisent les ateliers et y inscrivent."
    elif document.subject_type == ORIENTATION_SUBJECT:
        allowed = _may_read_orientation(actor, document.subject_id)
        refusal = "Ce document est réservé aux personnes qui suivent la personne orientée."
    else:
        try:
            allowed = access.dossier(actor, document.subject_id).reads(Part.DOCUMENTS)
        except (NotFoundError, PermissionDeniedError):
            allowed = False
        refusal = "Ce document est réservé aux personnes qui suivent le dossier."
    access.record_read(
        actor=actor,
        action=AuditAction.DOCUMENT_TELECHARGEMENT if allowed else AuditAction.DOCUMENT_TELECHARGEMENT_REFUSE,
        subject_type=document.subject_type, subject_id=document.subject_id,
        parts=(Part.DOCUMENTS,) if allowed else (), details={"document": document.id},
    )  # fmt: skip
    return document, "" if allowed else refusal


def _may_read_appointment(actor: User, appointment_id: int) -> bool:
    appointment = get_in_centre(db.session(), Appointment, appointment_id, actor.centre_id)
    if appointment is None:
        return False
    try:
        return access.person(actor, appointment.person_id).reads(Part.COORDONNEES)
    except (NotFoundError, PermissionDeniedError):
        return False


def _may_read_orientation(actor: User, orientation_id: int) -> bool:
    orientation = get_in_centre(db.session(), Orientation, orientation_id, actor.centre_id)
    if orientation is None:
        return False
    try:
        return access.person(actor, orientation.person_id).grant.may(Action.OUVRIR)
    except (NotFoundError, PermissionDeniedError):
        return False


def session_day(session: CommitteeSession) -> date:
    """The session's day in the centre's time zone: mandates are counted in days."""
    return session.starts_at.astimezone(local_zone()).date()


def may_read_session(actor: User, session: CommitteeSession) -> bool:
    """A session's papers, and the names on its agenda, are for the staff who prepare it and for the
    members in office on the session's day (professional secrecy, L133-5 CASF)."""
    if actor.has_role(*SESSION_READING_ROLES):
        return True
    member = db.session.scalars(
        select(CommitteeMember).where(
            CommitteeMember.user_id == actor.id, CommitteeMember.centre_id == session.centre_id
        )
    ).one_or_none()
    return member is not None and member.in_office(session_day(session))
