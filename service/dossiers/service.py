"""Use cases of dossiers: open a request, follow its process (reading one: reading.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from service import aids, clock, processes
from service.access.policy import Action
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
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
    prepare: Callable[[Dossier], Mapping[str, Any]] | None = None,
) -> Dossier:
    """Open a dossier for a person and start its process, in one transaction. `prepare`, once the dossier
    exists, writes its own rows and returns what the process starts with besides the aid's start data
    (an election of domicile taken over from a paper register starts in force)."""
    require_role(actor, *OPENING_ROLES)
    if not aids.is_aid(aid_type):
        raise InvalidInputError("Choisissez une des aides proposées.")
    person = people.get(actor=actor, person_id=person_id, needs=Action.OUVRIR)
    if not reason.strip():
        raise InvalidInputError("Indiquez l'objet de la demande.")
    now = clock.now()
    year = now.astimezone(local_zone()).year
    dossier = Dossier(
        centre_id=actor.centre_id,
        number=dossier_number(centre_id=actor.centre_id, year=year),
        aid_type=aid_type,
        status=DossierStatus.EN_INSTRUCTION,
        person=person,
        opened_by_id=actor.id,
        opened_at=now,
        reason=reason.strip(),
    )
    db.session.add(dossier)
    db.session.flush()
    processes.start(
        process_key=aid_type,
        centre_id=actor.centre_id,
        dossier_id=dossier.id,
        data={
            "dossier_id": dossier.id,
            **aids.get(aid_type).start_data(now),
            **(prepare(dossier) if prepare else {}),
        },
    )
    audit.record(
        action=AuditAction.DOSSIER_OUVERTURE, subject_type="dossier", subject_id=dossier.id, actor=actor,
        details={"numéro": dossier.number, "aide": aid_type},
    )  # fmt: skip
    return dossier


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


DOSSIER = processes.SubjectKind(
    name="dossier", label="Dossier", subject_of=lambda task: task.dossier_id, follow=_follow
)


def register_processes() -> None:
    """Every aid's process runs for a dossier, an aid declared after the start included."""
    processes.register_family(aids.is_aid, DOSSIER)
