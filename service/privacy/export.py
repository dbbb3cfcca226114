"""The person's right of access (RGPD art. 15): everything the centre holds about them, as a readable PDF/A
and a JSON file, with the documents issued to them, in one ZIP for the head of service to hand over."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import undefer

from service import aids, clock
from service.access import service as access
from service.access.policy import Action, Part
from service.appointments import pages as appointment_pages
from service.appointments import places
from service.audit.actions import READS, AuditAction
from service.config import local_zone
from service.documents.rendering import render_pdf
from service.extensions import db
from service.models import (
    AgendaItem,
    AuditEvent,
    Centre,
    CommitteeSession,
    Document,
    Domiciliation,
    DomiciliationMail,
    Dossier,
    Person,
    User,
    WorkshopRegistration,
)
from service.people.budget import CHARGE_CATEGORIES, RESOURCE_CATEGORIES, summarise
from service.unit_of_work import use_case


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes


@use_case
def export_person(*, actor: User, person_id: int) -> Export:
    """The ZIP of everything held about the person: data.json, a PDF to read, the documents issued."""
    person = access.person(actor, person_id, needs=Action.EXPORTER).person
    held, documents = _held(person)
    now = clock.now()
    held["export"] = {"le": now.isoformat(), "par": actor.full_name}
    centre = db.session.get(Centre, person.centre_id)
    pdf = render_pdf(
        "export_personne.html",
        {"title": f"Données détenues sur {person.display_name}", "centre": centre, "held": held, "now": now},
    )
    day = now.astimezone(local_zone()).date().isoformat()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(held, ensure_ascii=False, indent=2))
        archive.writestr("donnees.pdf", pdf)
        for document in documents:
            if document.erased_at is not None:
                continue  # destroyed past its archival period: its register line is in the JSON
            archive.writestr(f"documents/{document.id}-{document.filename}", document.content)
    access.record_read(
        actor=actor, action=AuditAction.PERSONNE_EXPORT, subject_type="personne", subject_id=person.id,
        parts=tuple(Part), details={"documents": len(held["documents"])},
    )  # fmt: skip
    return Export(f"donnees-personne-{person.id}-{day}.zip", buffer.getvalue())


def _held(person: Person) -> tuple[dict[str, Any], Sequence[Document]]:
    dossiers = db.session.scalars(
        select(Dossier).where(Dossier.person_id == person.id).order_by(Dossier.opened_at, Dossier.id)
    ).all()
    dossier_ids = [dossier.id for dossier in dossiers]
    documents = _issued(dossier_ids)
    held = {
        "personne": _identity(person),
        "foyer": [
            {
                "prénom": member.first_name,
                "nom": member.last_name,
                "date_de_naissance": _date(member.birth_date),
                "lien": member.relationship_kind.label,
            }
            for member in person.members
        ],
        "budget": _budget(person),
        "dossiers": [_dossier(dossier, documents) for dossier in dossiers],
        "documents": [_document(document) for document in documents],
        "ateliers": _workshops(person),
        "rendez_vous": _appointments(person),
        "consultations": _consultations(person, dossier_ids),
    }
    return held, documents


def _identity(person: Person) -> dict[str, Any]:
    return {
        "numéro": person.id,
        "nom": person.last_name,
        "prénom": person.first_name,
        "date_de_naissance": _date(person.birth_date),
        "adresse": person.address_line,
        "code_postal": person.postal_code,
        "commune": person.city,
        "téléphone": person.phone,
        "courriel": person.email,
        "enregistrée_le": _instant(person.created_at),
        "pseudonymisée_le": _instant(person.pseudonymised_at),
    }


def _budget(person: Person) -> dict[str, Any]:
    categories = {**RESOURCE_CATEGORIES, **CHARGE_CATEGORIES}
    summary = summarise(person, clock.now().astimezone(local_zone()).date())
    return {
        "lignes": [
            {
                "type": line.kind.value,
                "catégorie": categories.get(line.category, line.category),
                "précision": line.label,
                "montant_mensuel_cents": line.monthly_amount_cents,
            }
            for line in person.budget_lines
        ],
        "ressources_cents": summary.resources_cents,
        "charges_cents": summary.charges_cents,
        "parts": summary.parts_label,
        "reste_a_vivre_jour_cents": summary.rav_per_day_cents,
    }


def _dossier(dossier: Dossier, documents: Sequence[Document]) -> dict[str, Any]:
    execution = aids.get(dossier.aid_type).execution(dossier)
    loan, legal_aid = execution.get("loan"), execution.get("legal_aid")
    committee = db.session.execute(
        select(AgendaItem, CommitteeSession)
        .join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
        .where(AgendaItem.dossier_id == dossier.id)
        .order_by(CommitteeSession.starts_at)
    ).all()
    history = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.subject_type == "dossier",
            AuditEvent.subject_id == str(dossier.id),
            AuditEvent.action.not_in(sorted(READS)),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return {
        "numéro": dossier.number,
        "aide": dossier.aid_label,
        "état": dossier.status.label,
        "ouvert_le": _instant(dossier.opened_at),
        "objet": dossier.reason,
        "situation": dossier.situation,
        "montant_demandé_cents": dossier.amount_requested_cents,
        "décision": {
            "décision": dossier.decision,
            "montant_accordé_cents": dossier.amount_granted_cents,
            "motifs": dossier.decision_reason,
            "le": _instant(dossier.decided_at),
        },
        "commission": [
            {
                "séance": session.kind.label,
                "le": _instant(session.starts_at),
                "point": item.status.label,
                "décision": item.decision.label if item.decision else "",
                "montant_cents": item.amount_cents,
                "durée_mois": item.months,
                "délibération": item.deliberation_number,
            }
            for item, session in committee
        ],
        "paiement": {
            "mode": dossier.payment_mode,
            "montant_versé_cents": dossier.amount_paid_cents,
            "référence": dossier.payment_reference,
            "le": _instant(dossier.paid_at),
        },
        "colis": [
            {
                "colis": p.sequence,
                "prévu_le": _date(p.planned_on),
                "point": p.distribution_point,
                "état": p.status.label,
            }
            for p in execution.get("parcels", ())
        ],
        "chèques": [
            {
                "série": c.book.series,
                "numéro": c.number,
                "valeur_cents": c.book.face_value_cents,
                "remis_le": _instant(c.handed_over_at),
            }
            for c in execution.get("cheques", ())
        ],
        "prêt": None
        if loan is None
        else {
            "montant_cents": loan.loan.amount_cents,
            "remboursé_cents": loan.repaid_cents,
            "reste_dû_cents": loan.outstanding_cents,
            "échéances": [
                {"date": _date(row.due_on), "montant_cents": row.amount_cents}
                for row in loan.schedule.installments
            ],
        },
        "aide_légale": None
        if legal_aid is None
        else {
            "aide": legal_aid.kind_label,
            "déposée_le": _date(legal_aid.request.filed_on),
            "transmise_le": _instant(legal_aid.request.transmitted_at),
            "décision_de_l_autorité": legal_aid.request.authority_decision,
        },
        **_domiciliation(execution.get("election")),
        "documents": [document.id for document in documents if document.subject_id == dossier.id],
        "historique": [
            {"le": _instant(event.at), "par": event.actor_name, "action": AuditAction(event.action).label}
            for event in history
        ],
        "clos_le": _instant(dossier.closed_at),
    }


def _domiciliation(election: Domiciliation | None) -> dict[str, Any]:
    """An election of domicile and the mail received for it (only for a domiciliation dossier)."""
    if election is None:
        return {}
    mail = db.session.scalars(
        select(DomiciliationMail)
        .where(DomiciliationMail.domiciliation_id == election.id)
        .order_by(DomiciliationMail.received_on, DomiciliationMail.id)
    ).all()
    return {
        "domiciliation": {
            "lien_avec_la_commune": election.link_label,
            "valable_du": _date(election.valid_from),
            "valable_au": _date(election.valid_until),
            "renouvellements": election.renewals,
            "orientée_vers": election.oriented_to,
            "dernier_contact": _instant(election.last_contact_at),
            "fin_le": _date(election.ended_on),
            "courrier": [
                {
                    "expéditeur": letter.sender_label,
                    "reçu_le": _date(letter.received_on),
                    "remis_le": _instant(letter.handed_over_at),
                    "signé_par": letter.signed_by,
                }
                for letter in mail
            ],
        }
    }


def _issued(dossier_ids: Sequence[int]) -> Sequence[Document]:
    if not dossier_ids:
        return []
    return db.session.scalars(
        select(Document)
        .options(undefer(Document.content))
        .where(Document.subject_type == "dossier", Document.subject_id.in_(dossier_ids))
        .order_by(Document.created_at, Document.id)
    ).all()


def _document(document: Document) -> dict[str, Any]:
    return {
        "numéro_document": document.id,
        "titre": document.title,
        "numéro": document.number,
        "émis_le": _instant(document.created_at),
        "sha256": document.sha256,
        "fichier": None if document.erased_at else f"documents/{document.id}-{document.filename}",
        "détruit_le": _instant(document.erased_at),
    }


def _workshops(person: Person) -> list[dict[str, Any]]:
    registrations = db.session.scalars(
        select(WorkshopRegistration)
        .where(WorkshopRegistration.person_id == person.id)
        .order_by(WorkshopRegistration.registered_at)
    ).all()
    return [
        {
            "atelier": registration.session.theme.name,
            "le": _instant(registration.session.starts_at),
            "lieu": registration.session.place,
            "inscription": registration.status.label,
            "présence": registration.attended,
        }
        for registration in registrations
    ]


def _appointments(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "le": _instant(appointment.slot.starts_at),
            "avec": appointment.slot.agent.full_name,
            "lieu": places.label(appointment.slot),
            "objet": appointment.subject,
            "état": appointment.status.label,
        }
        for appointment in reversed(appointment_pages.of_person(person.id))
    ]


def _consultations(person: Person, dossier_ids: Sequence[int]) -> list[dict[str, Any]]:
    about = [(AuditEvent.subject_type == "personne") & (AuditEvent.subject_id == str(person.id))]
    if dossier_ids:
        about.append(
            (AuditEvent.subject_type == "dossier")
            & AuditEvent.subject_id.in_([str(dossier_id) for dossier_id in dossier_ids])
        )
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(*about), AuditEvent.action.in_(sorted(READS)))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [
        {
            "le": _instant(event.at),
            "par": event.actor_name,
            "quoi": AuditAction(event.action).label,
            "parties": list(event.details.get("parties", ())),
        }
        for event in events
    ]


def _instant(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(local_zone()).isoformat()


def _date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
