"""The service tasks of atelier_collectif.bpmn: what the process does by itself, timers having fired.

Each operation runs inside the engine steps, in the transaction of whoever moved the process (the
scheduler, or the organiser's request), and returns what the diagram's next gateways read.
"""

from __future__ import annotations

from typing import Any

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.engine import services
from service.extensions import db
from service.models import WorkshopSession, WorkshopStatus
from service.workshops import messages, papers
from service.workshops.registrations import ACTIVE


def _session(parameters: dict[str, Any]) -> WorkshopSession:
    session = db.session.get(WorkshopSession, int(parameters["seance_id"]))
    if session is None:
        raise LookupError(f"séance d'atelier introuvable : {parameters['seance_id']}")
    return session


def _log(session: WorkshopSession, action: AuditAction, details: dict[str, Any]) -> None:
    audit.record(
        action=action, subject_type="atelier", subject_id=session.id, centre_id=session.centre_id,
        details=details,
    )  # fmt: skip


def open_registrations(parameters: dict[str, Any]) -> dict[str, Any]:
    session = _session(parameters)
    session.status = WorkshopStatus.OUVERTE
    return {"ouverte": True}


def count_registered(parameters: dict[str, Any]) -> dict[str, Any]:
    """Three days before: enough people confirmed to run? If so the session is confirmed, else asked."""
    session = _session(parameters)
    db.session.refresh(session)  # seats taken by requests committed since this session was loaded
    reached = session.seats_taken >= session.minimum
    session.status = WorkshopStatus.CONFIRMEE if reached else WorkshopStatus.A_CONFIRMER
    _log(
        session,
        AuditAction.ATELIER_CONTROLE_MINIMUM,
        {"inscrits": session.seats_taken, "minimum": session.minimum},
    )
    return {"confirmes": session.seats_taken, "minimum": session.minimum, "atteint": reached}


def cancel(parameters: dict[str, Any]) -> dict[str, Any]:
    """The organiser cancelled: everyone registered (confirmed or waiting) is told."""
    session = _session(parameters)
    reason = str(parameters.get("motif") or "")
    session.status = WorkshopStatus.ANNULEE
    session.status_note = reason
    session.cancelled_at = clock.now()
    told = [messages.cancelled(session, registration, reason)
            for registration in session.registrations if registration.status in ACTIVE]  # fmt: skip
    _log(
        session,
        AuditAction.ATELIER_ANNULATION,
        {"motif": reason, "prévenus": sum(told), "sans_courriel": told.count(False)},
    )
    return {"prevenus": sum(told), "sans_courriel": told.count(False)}


def remind(parameters: dict[str, Any]) -> dict[str, Any]:
    """Two days before: a mail to everyone confirmed; a printed convocation for those without e-mail."""
    session = _session(parameters)
    session.status = WorkshopStatus.CONFIRMEE
    session.reminded_at = clock.now()
    confirmed = session.confirmed
    on_paper = [
        registration.person for registration in confirmed if not messages.reminded(session, registration)
    ]
    document_id = None
    if on_paper:
        document_id = papers.issue_workshop_convocations(session=session, people=on_paper).id
    _log(
        session,
        AuditAction.ATELIER_RAPPELS,
        {"courriels": len(confirmed) - len(on_paper), "papier": len(on_paper)},
    )
    return {
        "courriels": len(confirmed) - len(on_paper),
        "convocations": len(on_paper),
        "document": document_id,
    }


def close(parameters: dict[str, Any]) -> dict[str, Any]:
    session = _session(parameters)
    session.status = WorkshopStatus.CLOSE
    session.closed_at = clock.now()
    return {"close": True}


OPERATIONS = {
    "atelier.ouvrir_inscriptions": open_registrations,
    "atelier.compter_inscrits": count_registered,
    "atelier.annuler": cancel,
    "atelier.rappels": remind,
    "atelier.clore": close,
}


def register() -> None:
    """Make the operations callable from the diagrams; the application factory calls it."""
    for name, operation in OPERATIONS.items():
        services.register(name, operation)
