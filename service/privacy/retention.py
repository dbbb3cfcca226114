"""Retention (CNIL référentiel on social action; RGPD art. 5-1-e and 17): a file stays active RETENTION_YEARS
after the person's last contact, then its identity and contact give way to a pseudonym, the figures and the
accounting staying; an issued document is destroyed once DOCUMENT_ARCHIVE_YEARS have passed since its issue,
its register line (number, date, title, SHA-256) staying.

The person's last contact is the latest of: the file registered or changed (identity, household, budget), one
of their dossiers opened, decided, paid or closed, a step of one completed, a document of one issued, a
workshop registration (or the session they attended). A person with a dossier still open is never due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, union_all, update

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import current_settings, local_zone
from service.extensions import db
from service.models import (
    AgendaItem,
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    BudgetLine,
    Document,
    Domiciliation,
    DomiciliationMail,
    Dossier,
    HouseholdMember,
    HumanTask,
    LegalAidRequest,
    Liaison,
    Loan,
    LoanSchedule,
    MailStatus,
    OutboxMessage,
    Person,
    UtcDateTime,
    WorkshopRegistration,
    WorkshopSession,
)
from service.models.tenancy import ALL_CENTRES, every_centre
from service.people.service import normalise
from service.unit_of_work import use_case

PSEUDONYM = "Pseudonyme"
_SUBJECTS_DESTROYED = ("dossier", "atelier")  # a session's papers are the board's deliberations: kept
_ALL = {ALL_CENTRES: True}


@dataclass(frozen=True)
class PersonDue:
    person_id: int
    centre_id: int
    last_contact: datetime
    dossier_numbers: tuple[str, ...]


@dataclass(frozen=True)
class DocumentDue:
    document_id: int
    centre_id: int
    title: str
    issued_at: datetime


@dataclass(frozen=True)
class Plan:
    """What a run of retention would change, as of `now`."""

    now: datetime
    contact_before: datetime
    issued_before: datetime
    people: Sequence[PersonDue]
    documents: Sequence[DocumentDue]
    # Per centre, the messages sent (or given up) before `contact_before`: their bodies name people.
    mail: Mapping[int | None, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The plan in French, one line per change: what the dry run prints."""
        lines = [
            f"Durées de conservation au {_day(self.now)} : fiches sans contact depuis le "
            f"{_day(self.contact_before)}, documents émis avant le {_day(self.issued_before)}."
        ]
        for person in self.people:
            dossiers = ", ".join(person.dossier_numbers) or "aucun dossier"
            lines.append(
                f"Personne n° {person.person_id} (centre {person.centre_id}) : dernier contact le "
                f"{_day(person.last_contact)} ; identité et coordonnées remplacées par un pseudonyme "
                f"(dossiers : {dossiers})."
            )
        for document in self.documents:
            lines.append(
                f"Document n° {document.document_id} (centre {document.centre_id}), « {document.title} », "
                f"émis le {_day(document.issued_at)} : détruit, sa trace reste au registre."
            )
        if self.mail:
            count, before = sum(self.mail.values()), _day(self.contact_before)
            lines.append(f"{count} courriel(s) envoyé(s) avant le {before} : effacés.")
        if not self.people and not self.documents and not self.mail:
            lines.append("Rien à pseudonymiser ni à détruire.")
        return lines


def _day(moment: datetime) -> str:
    return moment.astimezone(local_zone()).strftime("%d/%m/%Y")


def plan(now: datetime | None = None) -> Plan:
    """What retention would pseudonymise and destroy now, every centre of the installation together."""
    settings = current_settings()
    now = now or clock.now()
    contact_before = _years_before(now, settings.RETENTION_YEARS)
    issued_before = _years_before(now, settings.DOCUMENT_ARCHIVE_YEARS)
    return Plan(
        now,
        contact_before,
        issued_before,
        _people_due(contact_before),
        _documents_due(issued_before),
        _mail_due(contact_before),
    )


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def last_contacts() -> Select[Any]:
    """(person id, last contact) for every person: the latest instant of each kind of contact."""
    instants = union_all(
        *_contacts(Person.id, Person.created_at, Person.updated_at),
        *_contacts(
            Dossier.person_id, Dossier.opened_at, Dossier.decided_at, Dossier.paid_at, Dossier.closed_at
        ),
        _contact(Dossier.person_id, HumanTask.completed_at).join(
            HumanTask, HumanTask.dossier_id == Dossier.id
        ),
        _contact(Dossier.person_id, Document.created_at).join(
            Document, and_(Document.subject_type == "dossier", Document.subject_id == Dossier.id)
        ),
        _contact(Domiciliation.person_id, Domiciliation.last_contact_at),  # a visit, a letter handed over
        _contact(WorkshopRegistration.person_id, WorkshopRegistration.registered_at),
        _contact(Liaison.person_id, Liaison.sent_at).where(
            Liaison.person_id.is_not(None)
        ),  # a town hall's call
        _contact(WorkshopRegistration.person_id, WorkshopSession.starts_at)
        .join(WorkshopSession, WorkshopSession.id == WorkshopRegistration.session_id)
        .where(WorkshopRegistration.attended.is_(True)),
        _contact(Appointment.person_id, Appointment.booked_at),
        _contact(Appointment.person_id, AppointmentSlot.starts_at)
        .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
        .where(Appointment.status == AppointmentStatus.HONORE),
    ).subquery()
    last = func.max(instants.c.at, type_=UtcDateTime()).label("at")
    return select(instants.c.person_id, last).group_by(instants.c.person_id)


def _contact(person_id: Any, at: Any) -> Select[Any]:
    """One kind of contact: (person id, instant) where the instant is known."""
    return select(person_id.label("person_id"), at.label("at")).where(at.is_not(None))


def _contacts(person_id: Any, *instants: Any) -> list[Select[Any]]:
    return [_contact(person_id, at) for at in instants]


def _people_due(contact_before: datetime) -> list[PersonDue]:
    contacts = last_contacts().subquery()
    open_dossier = (
        select(Dossier.id).where(Dossier.person_id == Person.id, Dossier.closed_at.is_(None)).exists()
    )
    rows = db.session.execute(
        select(Person.id, Person.centre_id, contacts.c.at)
        .join(contacts, contacts.c.person_id == Person.id)
        .where(Person.pseudonymised_at.is_(None), contacts.c.at < contact_before, ~open_dossier)
        .order_by(Person.centre_id, Person.id)
        .execution_options(**_ALL)
    ).all()
    numbers: dict[int, list[str]] = {}
    if rows:
        for person_id, number in db.session.execute(
            select(Dossier.person_id, Dossier.number)
            .where(Dossier.person_id.in_([row[0] for row in rows]))
            .order_by(Dossier.number)
            .execution_options(**_ALL)
        ):
            numbers.setdefault(person_id, []).append(number)
    return [PersonDue(pid, centre_id, at, tuple(numbers.get(pid, ()))) for pid, centre_id, at in rows]


def _documents_due(issued_before: datetime) -> list[DocumentDue]:
    """Documents past the archival period, of a closed dossier or of a workshop session, not yet destroyed."""
    closed_dossier = (
        select(Dossier.id).where(Dossier.id == Document.subject_id, Dossier.closed_at.is_not(None)).exists()
    )
    rows = db.session.execute(
        select(Document.id, Document.centre_id, Document.title, Document.created_at)
        .where(
            Document.erased_at.is_(None),
            Document.created_at < issued_before,
            or_(
                and_(Document.subject_type == "dossier", closed_dossier),
                Document.subject_type == "atelier",
            ),
        )
        .order_by(Document.centre_id, Document.id)
        .execution_options(**_ALL)
    ).all()
    return [DocumentDue(*row) for row in rows]


def _old_mail(contact_before: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.status.in_((MailStatus.SENT, MailStatus.FAILED)),
        OutboxMessage.created_at < contact_before,
    )


def _mail_due(contact_before: datetime) -> dict[int | None, int]:
    """The outbox keeps every message it sent, names and all: past the retention period, they go."""
    rows = db.session.execute(
        select(OutboxMessage.centre_id, func.count())
        .where(_old_mail(contact_before))
        .group_by(OutboxMessage.centre_id)
        .execution_options(**_ALL)
    ).all()
    return {centre_id: count for centre_id, count in rows}


@dataclass(frozen=True)
class RunReport:
    plan: Plan
    dry_run: bool

    def lines(self) -> list[str]:
        people, documents = len(self.plan.people), len(self.plan.documents)
        mail = sum(self.plan.mail.values())
        if self.dry_run:
            outcome = (
                f"Simulation, rien n'est changé : {people} fiche(s) à pseudonymiser, "
                f"{documents} document(s) à détruire, {mail} courriel(s) à effacer."
            )
        else:
            outcome = (
                f"Fait : {people} fiche(s) pseudonymisée(s), {documents} document(s) détruit(s), "
                f"{mail} courriel(s) effacé(s)."
            )
        return [*self.plan.lines(), outcome]


@use_case
def run(*, dry_run: bool = False) -> RunReport:
    """Apply the retention periods now (or, dry, only say what would go); every run is audited, per centre."""
    with every_centre(db.session()):  # installation-wide: every centre's people and documents
        found = plan()
        if not dry_run:
            for person in found.people:
                _pseudonymise(person.person_id, found.now)
            _destroy([document.document_id for document in found.documents], found.now)
            db.session.execute(
                delete(OutboxMessage)
                .where(_old_mail(found.contact_before))
                .execution_options(synchronize_session=False, **_ALL)
            )
        _audit(found, dry_run=dry_run)
        db.session.flush()  # written while every centre is in reach
    return RunReport(found, dry_run)


def _pseudonymise(person_id: int, now: datetime) -> None:
    """Identity and contact give way to a pseudonym; amounts, decisions, dates and the quartier stay."""
    person = db.session.get(Person, person_id, execution_options=_ALL)
    assert person is not None  # noqa: S101 - just found by the plan
    person.last_name, person.first_name = PSEUDONYM, f"n° {person.id}"
    person.search_key = normalise(f"{person.last_name} {person.first_name}")
    person.birth_date = _year_only(person.birth_date)
    # The quartier (and through it the commune) stays for the figures; the address goes.
    person.phone = person.email = person.address_line = person.postal_code = person.city = ""
    person.pseudonymised_at = now
    for member in db.session.scalars(
        select(HouseholdMember).where(HouseholdMember.person_id == person.id).execution_options(**_ALL)
    ):
        member.first_name, member.last_name = "—", PSEUDONYM
        member.birth_date = date(member.birth_date.year, 1, 1)
    db.session.execute(
        update(BudgetLine).where(BudgetLine.person_id == person.id).values(label="").execution_options(**_ALL)
    )
    dossier_ids = select(Dossier.id).where(Dossier.person_id == person.id).scalar_subquery()
    # The free texts of the social file may name anyone: they go; the amounts and decisions stay.
    db.session.execute(
        update(Dossier)
        .where(Dossier.person_id == person.id)
        .values(reason="", situation="", decision_reason="")
        .execution_options(**_ALL)
    )
    db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.dossier_id.in_(dossier_ids))
        .values(proposal_summary="", status_note="", reason_text="")
        .execution_options(**_ALL)
    )
    db.session.execute(
        update(LegalAidRequest)
        .where(LegalAidRequest.dossier_id.in_(dossier_ids))
        .values(opinion_reasons="", pieces="")
        .execution_options(**_ALL)
    )
    db.session.execute(  # what the town hall wrote, how to reach the person, the call's note
        update(Liaison)
        .where(Liaison.person_id == person.id)
        .values(question="", phone="", email="", outcome_note="", last_name="", first_name="")
        .execution_options(**_ALL)
    )
    db.session.execute(
        update(Domiciliation)
        .where(Domiciliation.person_id == person.id)
        .values(link_details="", situation="", refusal_details="", end_details="")
        .execution_options(**_ALL)
    )
    db.session.execute(
        update(DomiciliationMail)
        .where(
            DomiciliationMail.domiciliation_id.in_(
                select(Domiciliation.id).where(Domiciliation.person_id == person.id).scalar_subquery()
            )
        )
        .values(signed_by="")
        .execution_options(**_ALL)
    )
    db.session.execute(
        update(LoanSchedule)
        .where(LoanSchedule.loan_id.in_(select(Loan.id).where(Loan.dossier_id.in_(dossier_ids))))
        .values(reason="")
        .execution_options(**_ALL)
    )
    db.session.execute(
        update(WorkshopRegistration)
        .where(WorkshopRegistration.person_id == person.id)
        .values(referral_detail="")
        .execution_options(**_ALL)
    )
    db.session.execute(
        update(Appointment)
        .where(Appointment.person_id == person.id)
        .values(subject="")
        .execution_options(**_ALL)
    )
    audit.record(
        action=AuditAction.PERSONNE_PSEUDONYMISATION, subject_type="personne", subject_id=person.id,
        centre_id=person.centre_id,
    )  # fmt: skip


def _year_only(born: date | None) -> date | None:
    """The year of birth is kept for the figures by age; the day and month are not."""
    return None if born is None else date(born.year, 1, 1)


def _destroy(document_ids: Sequence[int], now: datetime) -> None:
    """The retention run is the one place a document changes: its PDF goes, its register line stays.

    A bulk UPDATE, past the ORM's guard on issued documents (which refuses any change made through a loaded
    row): the archival period is over.
    """
    if not document_ids:
        return
    db.session.execute(
        update(Document)
        .where(Document.id.in_(document_ids), Document.erased_at.is_(None))
        .values(content=b"", erased_at=now)
        .execution_options(synchronize_session=False, **_ALL)
    )


def _audit(found: Plan, *, dry_run: bool) -> None:
    """One event per centre concerned (and one for the installation when nothing was due)."""
    centres = {p.centre_id for p in found.people} | {d.centre_id for d in found.documents} | set(found.mail)
    for centre_id in sorted(centres, key=lambda centre: centre or 0) or [None]:
        people = sum(1 for p in found.people if p.centre_id == centre_id)
        documents = sum(1 for d in found.documents if d.centre_id == centre_id)
        audit.record(
            action=AuditAction.CONSERVATION, subject_type="centre", subject_id=centre_id or "installation",
            centre_id=centre_id,
            details={
                "simulation": dry_run, "fiches_pseudonymisées": people, "documents_détruits": documents,
                "courriels_effacés": found.mail.get(centre_id, 0),
                "contact_avant": found.contact_before.isoformat(),
                "émis_avant": found.issued_before.isoformat(),
                "personnes": [p.person_id for p in found.people if p.centre_id == centre_id],
                "documents": [d.document_id for d in found.documents if d.centre_id == centre_id],
            },
        )  # fmt: skip


def run_scheduled() -> str:
    """The nightly job: apply the periods; what it did, in a word, for the scheduler's log."""
    plan = run().plan
    people, documents, mail = len(plan.people), len(plan.documents), sum(plan.mail.values())
    if not people and not documents and not mail:
        return ""
    done = f"{people} fiche(s) pseudonymisée(s), {documents} document(s) détruit(s)"
    return f"{done}, {mail} courriel(s) effacé(s)"
