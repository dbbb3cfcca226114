"""The person's follow-up view: requests, workshops, appointments, rights checked, orientations and liaisons
from the town halls, in one timeline, newest first.

Each kind of entry is shown only to a reader the policy lets read it: the dossiers the actor may read
something of, the workshops to the roles that register people, the rights checked to those who read the
budget, the liaisons to those who call back. Each kind is one statement, bounded; the read is traced like the
person's page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from service.access import service as access
from service.access.policy import Action, Part
from service.appointments import pages as appointments
from service.appointments import places
from service.appointments.access import BOOKING_ROLES
from service.audit.actions import AuditAction
from service.extensions import db
from service.liaisons import service as liaisons
from service.models import (
    EstimateStatus,
    Orientation,
    Person,
    RightFollowUp,
    RightsEstimate,
    User,
    WorkshopRegistration,
    WorkshopSession,
    WorkshopTheme,
)
from service.money import euros
from service.orientation.domains import label as domain_label
from service.rights.catalogue import BY_KEY
from service.unit_of_work import reading_use_case
from service.workshops.access import REGISTERING_ROLES

PER_KIND = 100  # the newest entries of each kind


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # "Demande", "Atelier", "Rendez-vous", "Droits"
    text: str
    link: tuple[str, dict[str, int]] | None = None  # endpoint and its arguments


@dataclass(frozen=True)
class Timeline:
    person: Person
    entries: Sequence[Entry]
    shown: Sequence[str]  # the kinds of entries the reader may see


@reading_use_case
def timeline(*, actor: User, person_id: int) -> Timeline:
    found = access.person(actor, person_id)
    person = found.person
    entries: list[Entry] = []
    shown = ["demandes"]
    for dossier in access.dossiers_of_person(actor, person.id):
        entries.append(
            Entry(
                dossier.opened_at,
                "Demande",
                f"{dossier.aid_label} — dossier {dossier.number} ouvert ({dossier.status_label.lower()})",
                ("dossiers.show", {"dossier_id": dossier.id}),
            )
        )
    if actor.has_role(*REGISTERING_ROLES):
        shown.append("ateliers")
        entries.extend(_workshops(person.id))
    if actor.has_role(*BOOKING_ROLES):
        shown.append("rendez-vous")
        entries.extend(_appointments(person.id))
    if found.grant.reads(Part.BUDGET):
        shown.append("droits potentiels")
        entries.extend(_rights(person.id))
    if found.grant.may(Action.OUVRIR):
        shown.append("orientations")
        entries.extend(_orientations(person.id))
    if actor.has_role(*liaisons.READERS):
        shown.append("fiches de liaison")
        entries.extend(_liaisons(person.id))
    access.record_read(
        actor=actor, action=AuditAction.PERSONNE_CONSULTATION, subject_type="personne", subject_id=person.id,
        parts=[Part.IDENTITE], details={"page": "suivi"},
    )  # fmt: skip
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return Timeline(person, entries, shown)


def _workshops(person_id: int) -> list[Entry]:
    rows = db.session.execute(
        select(WorkshopRegistration, WorkshopSession.starts_at, WorkshopTheme.name, WorkshopSession.id)
        .join(WorkshopSession, WorkshopSession.id == WorkshopRegistration.session_id)
        .join(WorkshopTheme, WorkshopTheme.id == WorkshopSession.theme_id)
        .where(WorkshopRegistration.person_id == person_id)
        .order_by(WorkshopRegistration.registered_at.desc())
        .limit(PER_KIND)
    ).all()
    return [
        Entry(
            registration.registered_at,
            "Atelier",
            f"Inscription à l'atelier « {theme} » ({registration.status.label.lower()})",
            ("workshops.show", {"session_id": session_id}),
        )
        for registration, _, theme, session_id in rows
    ]


def _appointments(person_id: int) -> list[Entry]:
    return [
        Entry(
            appointment.slot.starts_at,
            "Rendez-vous",
            f"Rendez-vous avec {appointment.slot.agent.full_name} — {places.label(appointment.slot)} "
            f"({appointment.status.label.lower()})",
            ("appointments.book", {"person_id": person_id}),
        )
        for appointment in appointments.of_person(person_id)
    ]


def _rights(person_id: int) -> list[Entry]:
    entries = []
    estimates = db.session.scalars(
        select(RightsEstimate)
        .where(RightsEstimate.person_id == person_id, RightsEstimate.status == EstimateStatus.CALCULEE)
        .order_by(RightsEstimate.id.desc())
        .limit(PER_KIND)
    )
    for estimate in estimates:
        found = [
            BY_KEY[key].label + (f" ({euros(cents)})" if cents and BY_KEY[key].amount_is_benefit else "")
            for key, cents in estimate.amounts.items()
            if key in BY_KEY
        ]
        text = "Droits potentiels estimés : " + (", ".join(found) if found else "aucun droit trouvé")
        if estimate.computed_at is not None:
            entries.append(
                Entry(estimate.computed_at, "Droits", text, ("rights.show", {"person_id": person_id}))
            )
    follow_ups = db.session.scalars(
        select(RightFollowUp)
        .where(RightFollowUp.person_id == person_id)
        .order_by(RightFollowUp.id.desc())
        .limit(PER_KIND)
    )
    for follow_up in follow_ups:
        label = BY_KEY[follow_up.right].label if follow_up.right in BY_KEY else follow_up.right
        entries.append(
            Entry(
                follow_up.recorded_at,
                "Droits",
                f"{label} : {follow_up.status.label.lower()} le {follow_up.on_date.strftime('%d/%m/%Y')}",
                ("rights.show", {"person_id": person_id}),
            )
        )
    return entries


def _orientations(person_id: int) -> list[Entry]:
    orientations = db.session.scalars(
        select(Orientation)
        .where(Orientation.person_id == person_id)
        .order_by(Orientation.id.desc())
        .limit(PER_KIND)
    )
    entries = []
    for orientation in orientations:
        link = ("orientation.person_page", {"person_id": person_id})
        text = f"Orientée vers {orientation.partner.name} ({domain_label(orientation.domain).lower()})"
        if not orientation.consent:
            text += ", sans accord de transmission"
        entries.append(Entry(orientation.oriented_at, "Orientation", text, link))
        if orientation.outcome is not None and orientation.outcome_at is not None:
            entries.append(
                Entry(
                    orientation.outcome_at,
                    "Orientation",
                    f"Suite de l'orientation vers {orientation.partner.name} : "
                    f"{orientation.outcome.label.lower()}",
                    link,
                )
            )
    return entries


def _liaisons(person_id: int) -> list[Entry]:
    entries = []
    for liaison in liaisons.of_person(person_id, PER_KIND):
        urgent = " (urgente)" if liaison.urgent else ""
        text = f"Fiche de liaison de la mairie de {liaison.commune.name}{urgent}"
        entries.append(
            Entry(
                liaison.sent_at,
                "Liaison",
                f"{text} — {liaison.outcome_label.lower()}",
                ("liaisons.show", {"liaison_id": liaison.id}),
            )
        )
    return entries
