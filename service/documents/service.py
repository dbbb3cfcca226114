"""Use cases of documents: issue letters and committee papers as records, read them back for who may."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from service import clock
from service.access import service as access
from service.access.policy import Part
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.audit.service import SYSTEM_ACTOR as SYSTEM_AUTHOR
from service.config import local_zone
from service.documents.rendering import date_long, render_pdf
from service.errors import NotFoundError, PermissionDeniedError
from service.extensions import db
from service.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Centre,
    CommitteeMember,
    CommitteeSession,
    Document,
    Dossier,
    IssuedCheque,
    ItemStatus,
    LegalAidRequest,
    Loan,
    LoanSchedule,
    Person,
    Role,
    User,
    WorkshopRegistration,
    WorkshopSession,
)
from service.models.tenancy import get_in_centre
from service.unit_of_work import use_case

# Who may read a session's papers besides its members in office: those who prepare and minute it.
SESSION_READING_ROLES = (Role.SECRETARIAT, Role.RESPONSABLE)
SESSION_SUBJECT = "seance"
WORKSHOP_SUBJECT = "atelier"
# Who may read a workshop's papers: whoever registers people and leads the sessions.
WORKSHOP_READING_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)
_OPINIONS = {"favorable": "Favorable", "defavorable": "Défavorable", "reserve": "Réservé"}
_TRANSMISSION_MODES = {
    "courrier": "par courrier",
    "courriel": "par courriel",
    "depot": "par dépôt auprès de l'autorité",
}


def issue_cheque_receipt(*, dossier: Dossier, author: User, cheques: Sequence[IssuedCheque]) -> Document:
    """The hand-over receipt the person signs: every cheque by series, number, nature and face value."""
    context = {
        "title": f"Reçu de remise de chèques — dossier {dossier.number}",
        "centre": centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "author": author,
        "issued_on": clock.now(),
        "cheques": cheques,
        "total_cents": sum(cheque.book.face_value_cents for cheque in cheques),
    }
    return record(
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
        "centre": centre_of(dossier),
        "dossier": dossier,
        "person": dossier.person,
        "issued_on": clock.now(),
        "loan": loan,
        "schedule": schedule,
    }
    return record(
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
        "centre": centre_of(dossier),
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
    return record(
        kind="bordereau_transmission",
        number="",
        title=f"Bordereau de transmission à {request.authority.name} — dossier {dossier.number}",
        dossier=dossier,
        author=author,
        content=render_pdf("bordereau_transmission.html", context),
        filename=f"bordereau-transmission-{dossier.number}.pdf",
    )


def issue_convocation(
    *,
    session: CommitteeSession,
    author: User,
    centre: Centre,
    items: Sequence[AgendaItem],
    members: Sequence[CommitteeMember],
    delegated: Sequence[Document],
) -> Document:
    """The convocation with its agenda (inscribed items only) and the delegated decisions for information."""
    title = f"Convocation — {session.kind.label} du {date_long(session.starts_at)}"
    context = {
        **_session_context(session=session, centre=centre, title=title, delegated=delegated),
        "members": list(members),
        "items": sorted(
            (item for item in items if item.status == ItemStatus.INSCRIT), key=lambda item: item.position
        ),
        "issued_on": clock.now(),
    }
    return record(
        kind="convocation",
        number="",
        title=title,
        session=session,
        author=author,
        content=render_pdf("convocation.html", context),
        filename=f"convocation-seance-{session.id}.pdf",
    )


def issue_minutes(
    *,
    session: CommitteeSession,
    author: User,
    centre: Centre,
    items: Sequence[AgendaItem],
    attendance: Sequence[Attendance],
    members_by_id: Mapping[int, CommitteeMember],
    quorum_required: int,
    present_count: int,
    delegated: Sequence[Document],
) -> Document:
    """The record of the decisions taken: attendance, quorum, each deliberation with its vote."""
    title = f"Relevé de décisions — {session.kind.label} du {date_long(session.starts_at)}"
    ordered = sorted(items, key=lambda item: item.position)

    def name_of(member_id: int | None) -> str:
        member = members_by_id.get(member_id) if member_id is not None else None
        return member.full_name if member is not None else ""

    context = {
        **_session_context(session=session, centre=centre, title=title, delegated=delegated),
        "present": [row for row in attendance if row.status == AttendanceStatus.PRESENT],
        "represented": [
            (row, name_of(row.proxy_member_id))
            for row in attendance
            if row.status == AttendanceStatus.REPRESENTE
        ],
        "absent": [row for row in attendance if row.status == AttendanceStatus.ABSENT],
        "quorum_required": quorum_required,
        "present_count": present_count,
        "decided": [
            (
                item,
                [name_of(member_id) or f"Membre n° {member_id}" for member_id in item.not_voting_member_ids],
            )
            for item in ordered
            if item.status == ItemStatus.INSCRIT and item.decision is not None
        ],
        "set_aside": [item for item in ordered if item.status in (ItemStatus.RETIRE, ItemStatus.REPORTE)],
        "signed_on": session.signed_at or clock.now(),
    }
    return record(
        kind="releve_decisions",
        number="",
        title=title,
        session=session,
        author=author,
        content=render_pdf("releve_decisions.html", context),
        filename=f"releve-decisions-seance-{session.id}.pdf",
    )


_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _session_context(
    *, session: CommitteeSession, centre: Centre, title: str, delegated: Sequence[Document]
) -> dict[str, object]:
    """What both committee papers print: the session, its time and place, the delegated decisions."""
    return {
        "title": title,
        "centre": centre,
        "session": session,
        "kind_label": session.kind.label,
        "weekday": _weekday(session.starts_at),
        "starts_at": session.starts_at,
        "start_time": _time_of_day(session.starts_at),
        "delegated": sorted(delegated, key=lambda document: (document.created_at, document.id)),
        "signatory_name": centre.president_name,
        "signatory_title": centre.president_title,
    }


def _weekday(moment: datetime) -> str:
    return _WEEKDAYS[moment.astimezone(local_zone()).weekday()]


def _time_of_day(moment: datetime) -> str:
    """14 h 05, in the centre's time zone, as letters write it."""
    local = moment.astimezone(local_zone())
    return f"{local.hour} h {local.minute:02d}"


def session_day(session: CommitteeSession) -> date:
    """The session's day in the centre's time zone: mandates are counted in days."""
    return session.starts_at.astimezone(local_zone()).date()


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
    issue_params: Mapping[str, Any] | None = None,
    corrects: Document | None = None,
    issued_at: datetime | None = None,
) -> Document:
    """Keep the PDF with its hash, about a dossier, a committee session or a workshop, and audit its issue.

    `issue_params` are what a correction needs to print it again; `issued_at`, the instant the document
    bears when it was printed later than issued (a committee's letters).
    """
    subjects = [subject for subject in (dossier, session, workshop) if subject is not None]
    if len(subjects) != 1:
        raise ValueError("a document is about one dossier, one committee session or one workshop session")
    if dossier is not None:
        subject_type, subject_id, centre_id = "dossier", dossier.id, dossier.centre_id
    elif session is not None:
        subject_type, subject_id, centre_id = SESSION_SUBJECT, session.id, session.centre_id
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


def issue_workshop_convocations(*, session: WorkshopSession, people: Sequence[Person]) -> Document:
    """The reminder on paper for the people registered without an e-mail address, one page each."""
    title = f"Convocations — atelier {session.theme.name} du {date_long(session.starts_at)}"
    context = {**_workshop_context(session, title), "people": list(people)}
    return record(
        kind="convocation_atelier",
        number="",
        title=title,
        workshop=session,
        author=None,
        content=render_pdf("convocation_atelier.html", context),
        filename=f"convocations-atelier-{session.id}.pdf",
    )


def issue_attendance_sheet(
    *, session: WorkshopSession, author: User, registrations: Sequence[WorkshopRegistration]
) -> Document:
    """The sheet the people present sign, with blank lines for those who come without registering."""
    title = f"Feuille de présence — atelier {session.theme.name} du {date_long(session.starts_at)}"
    context = {
        **_workshop_context(session, title),
        "registrations": sorted(registrations, key=lambda r: (r.person.last_name, r.person.first_name)),
        "extra_lines": 3,
    }
    return record(
        kind="feuille_presence",
        number="",
        title=title,
        workshop=session,
        author=author,
        content=render_pdf("feuille_presence.html", context),
        filename=f"feuille-presence-atelier-{session.id}.pdf",
    )


def _workshop_context(session: WorkshopSession, title: str) -> dict[str, object]:
    return {
        "title": title,
        "centre": db.session.get(Centre, session.centre_id),
        "session": session,
        "weekday": _weekday(session.starts_at),
        "start_time": _time_of_day(session.starts_at),
        "end_time": _time_of_day(session.ends_at),
        "issued_on": clock.now(),
    }


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
    elif document.subject_type == WORKSHOP_SUBJECT:
        allowed = actor.has_role(*WORKSHOP_READING_ROLES)
        refusal = "Ce document est réservé aux personnes qui organisent les ateliers et y inscrivent."
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
