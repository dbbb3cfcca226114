"""Use cases of dossiers: open a request, follow its process (reading one: reading.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from service import aids, clock, processes
from service.access.policy import Action
from service.aids import silence
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import current_settings, local_zone
from service.documents import procedure
from service.errors import InvalidInputError
from service.extensions import db
from service.models import (
    Dossier,
    DossierStatus,
    InstanceStatus,
    Role,
    User,
)
from service.numbering import dossier_number
from service.people import service as people
from service.people.profile import Profile
from service.permissions import require_role
from service.unit_of_work import use_case

OPENING_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE)


@use_case
def open_request(
    *,
    actor: User,
    person_id: int,
    aid_type: str,
    reason: str,
    missing: str = "",
    prepare: Callable[[Dossier], Mapping[str, Any]] | None = None,
) -> Dossier:
    """Open a dossier for a person, start its process and acknowledge receipt, in one transaction.

    `missing`: the documents the request lacks when filed, listed in the acknowledgement (R112-5 CRPA).
    `prepare`, once the dossier exists, writes its own rows and returns what the process starts with besides
    the aid's start data (an election of domicile taken over from a paper register starts in force).
    """
    require_role(actor, *OPENING_ROLES)
    if not aids.is_aid(aid_type):
        raise InvalidInputError("Choisissez une des aides proposées.")
    person = people.get(actor=actor, person_id=person_id, needs=Action.OUVRIR)
    if not reason.strip():
        raise InvalidInputError("Indiquez l'objet de la demande.")
    now = clock.now()
    filed_on = now.astimezone(local_zone()).date()
    year = filed_on.year
    # The household as it is at filing: the figures count it so, whatever changes later.
    profile = Profile.of(person, on=filed_on)
    dossier = Dossier(
        centre_id=actor.centre_id,
        number=dossier_number(centre_id=actor.centre_id, year=year),
        aid_type=aid_type,
        status=DossierStatus.EN_INSTRUCTION,
        person=person,
        opened_by_id=actor.id,
        opened_at=now,
        reason=reason.strip(),
        commune_id=person.commune_id,
        quartier_id=person.quartier_id,
        household_kind=profile.household_kind,
        age_band=profile.age_band,
        resources_band=profile.resources_band,
        housing=profile.housing,
    )
    db.session.add(dossier)
    db.session.flush()
    processes.start(
        process_key=aid_type,
        centre_id=actor.centre_id,
        dossier_id=dossier.id,
        data={
            "dossier_id": dossier.id,
            **_watch(aid_type, now),
            **aids.get(aid_type).start_data(now),
            **(prepare(dossier) if prepare else {}),
        },
    )
    audit.record(
        action=AuditAction.DOSSIER_OUVERTURE, subject_type="dossier", subject_id=dossier.id, actor=actor,
        details={"numéro": dossier.number, "aide": aid_type},
    )  # fmt: skip
    _acknowledge(dossier, actor, missing.strip())
    return dossier


def _watch(aid_type: str, filed_at: datetime) -> dict[str, Any]:
    """An aid the centre decides is watched for its implicit rejection, whatever the aid (its diagram times
    the alert at `alerte_silence_le`)."""
    return silence.start_data(filed_at) if aids.get(aid_type).centre_decides else {}


def _acknowledge(dossier: Dossier, actor: User, missing: str) -> None:
    """Every request, of every aid, is acknowledged when filed (L112-3 CRPA); the documents missing then are
    expected before the missing-documents step would class it."""
    settings = current_settings()
    due_on = None
    if missing:
        filed_on = dossier.opened_at.astimezone(local_zone()).date()
        due_on = procedure.due_after(filed_on, settings.PIECES_REMINDER_DELAY, settings.PIECES_CLOSURE_DELAY)
    procedure.issue_acknowledgement(
        dossier=dossier, author=actor, centre_decides=aids.get(dossier.aid_type).centre_decides,
        missing=missing, documents_due_on=due_on,
    )  # fmt: skip


def _follow(advance: processes.Advance) -> None:
    """A dossier whose process ended closes: classed without follow-up if nothing was decided."""
    instance = advance.instance
    if instance.status is not InstanceStatus.COMPLETED or instance.dossier_id is None:
        return
    dossier = db.session.get(Dossier, instance.dossier_id)
    if dossier is not None:
        dossier.closed_at = instance.completed_at
        # Ended before any decision of the centre: the documents never came. A legal-aid file has no decision
        # of the centre (the authority decides) and closes once forwarded and the person informed.
        if not dossier.decision and dossier.status is not DossierStatus.CLOS:
            dossier.status = DossierStatus.CLASSE_SANS_SUITE
            # The person is told, with the routes of appeal: a classement is a decision that grieves.
            procedure.issue_classement(dossier=dossier)


DOSSIER = processes.SubjectKind(
    name="dossier", label="Dossier", subject_of=lambda task: task.dossier_id, follow=_follow
)


def register_processes() -> None:
    """Every aid's process runs for a dossier, an aid declared after the start included."""
    processes.register_family(aids.is_aid, DOSSIER)
