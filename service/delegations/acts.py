"""The acts of delegation, entered by the secretariat: a deliberation of the board delegating its power to
grant aids to its president or a vice-president (R123-21 CASF), and an arrêté of the president delegating his
signature to an agent (R123-23). A new deliberation for the same holder supersedes the one in force."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from service import clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import local_zone
from service.errors import InvalidInputError, PermissionDeniedError
from service.extensions import db
from service.models import BoardDelegation, DelegateeCapacity, Role, SignatureDelegation, User
from service.models.dossier import aid_label
from service.models.tenancy import get_in_centre
from service.unit_of_work import use_case

# Who enters the acts: the staff of the secretariat and the head of service.
ENTERING_ROLES = (Role.SECRETARIAT, Role.RESPONSABLE)


def require_secretariat(actor: User) -> None:
    if not actor.has_role(*ENTERING_ROLES):
        raise PermissionDeniedError(
            "Les actes de délégation sont enregistrés par le secrétariat ou la direction."
        )


def deliberations(centre_id: int) -> Sequence[BoardDelegation]:
    """Every deliberation of delegation of the centre, the latest first (superseded ones included)."""
    return db.session.scalars(
        select(BoardDelegation)
        .where(BoardDelegation.centre_id == centre_id)
        .order_by(BoardDelegation.in_force_from.desc(), BoardDelegation.id.desc())
    ).all()


def signature_delegations(centre_id: int) -> Sequence[SignatureDelegation]:
    return db.session.scalars(
        select(SignatureDelegation)
        .where(SignatureDelegation.centre_id == centre_id)
        .order_by(SignatureDelegation.valid_from.desc(), SignatureDelegation.id.desc())
    ).all()


def deliberation_in_force(holder: User, aid_key: str, on: date) -> BoardDelegation | None:
    """The deliberation in force that day delegating this aid to this member, if any."""
    found = db.session.scalars(
        select(BoardDelegation)
        .where(BoardDelegation.centre_id == holder.centre_id, BoardDelegation.holder_id == holder.id)
        .order_by(BoardDelegation.in_force_from.desc(), BoardDelegation.id.desc())
    ).all()
    return next((act for act in found if act.in_force(on) and aid_key in act.ceilings_cents), None)


def signatures_in_force(holder: User, aid_key: str, on: date) -> list[SignatureDelegation]:
    found = db.session.scalars(
        select(SignatureDelegation).where(
            SignatureDelegation.centre_id == holder.centre_id, SignatureDelegation.holder_id == holder.id
        )
    ).all()
    return [act for act in found if act.in_force(on) and aid_key in act.aids]


@dataclass(frozen=True)
class Deliberation:
    """A deliberation as the secretariat types it."""

    number: str
    adopted_on: date
    in_force_from: date
    holder_id: int
    capacity: DelegateeCapacity
    ceilings_cents: Mapping[str, int | None]  # the aids delegated, each with its ceiling per decision
    covers_amendments: bool


@use_case
def record_deliberation(*, actor: User, act: Deliberation, known_aids: Sequence[str]) -> BoardDelegation:
    """Record a deliberation of delegation; it supersedes, from its day in force, the holder's earlier one."""
    require_secretariat(actor)
    number = act.number.strip()
    if not number:
        raise InvalidInputError("Indiquez le numéro de la délibération.", field="number")
    if act.in_force_from < act.adopted_on:
        raise InvalidInputError(
            "Une délibération ne peut entrer en vigueur avant d'avoir été adoptée.", field="in_force_from"
        )
    holder = get_in_centre(db.session(), User, act.holder_id, actor.centre_id)
    if holder is None or not holder.active or not holder.has_role(Role.DELEGATAIRE):
        raise InvalidInputError(
            "Le conseil d'administration ne peut déléguer son pouvoir de décision qu'à son président ou à un "
            "vice-président (article R123-21 du CASF) : choisissez un compte actif ayant le rôle "
            f"« {Role.DELEGATAIRE.label} ».",
            field="holder",
        )
    if not act.ceilings_cents:
        raise InvalidInputError("Cochez au moins une aide déléguée.", field="aids")
    unknown = set(act.ceilings_cents) - set(known_aids)
    if unknown:
        raise InvalidInputError(
            "Seules les aides facultatives du centre peuvent être déléguées.", field="aids"
        )
    if any(ceiling is not None and ceiling <= 0 for ceiling in act.ceilings_cents.values()):
        raise InvalidInputError("Un plafond de délégation est un montant positif.", field="aids")
    now = clock.now()
    created = BoardDelegation(
        centre_id=actor.centre_id, number=number, adopted_on=act.adopted_on, in_force_from=act.in_force_from,
        holder_id=holder.id, capacity=act.capacity, ceilings_cents=dict(act.ceilings_cents),
        covers_amendments=act.covers_amendments, created_by_id=actor.id, created_at=now,
    )  # fmt: skip
    db.session.add(created)
    db.session.flush()
    for earlier in deliberations(actor.centre_id):
        if (
            earlier.id != created.id
            and earlier.holder_id == holder.id
            and earlier.superseded_on is None
            and earlier.in_force_from <= act.in_force_from
        ):
            earlier.superseded_on, earlier.superseded_by_id = act.in_force_from, created.id
    audit.record(
        action=AuditAction.DELEGATION_DELIBERATION, subject_type="délégation", subject_id=created.id,
        actor=actor, details={"numéro": number, "titulaire": holder.id, "aides": sorted(act.ceilings_cents)},
    )  # fmt: skip
    return created


@dataclass(frozen=True)
class Signature:
    """A delegation of signature as the secretariat types it."""

    number: str
    signed_on: date
    delegator_id: int
    holder_id: int
    aids: Sequence[str]
    valid_from: date
    valid_until: date | None


@use_case
def record_signature_delegation(*, actor: User, act: Signature) -> SignatureDelegation:
    """Record an arrêté of delegation of signature: the delegator must hold the power for those aids."""
    require_secretariat(actor)
    number = act.number.strip()
    if not number:
        raise InvalidInputError("Indiquez le numéro de l'arrêté.", field="number")
    if act.valid_until is not None and act.valid_until < act.valid_from:
        raise InvalidInputError("La fin de validité précède son début.", field="valid_until")
    if not act.aids:
        raise InvalidInputError("Cochez au moins une aide.", field="aids")
    delegator = get_in_centre(db.session(), User, act.delegator_id, actor.centre_id)
    holder = get_in_centre(db.session(), User, act.holder_id, actor.centre_id)
    if holder is None or not holder.active:
        raise InvalidInputError("Choisissez l'agent qui reçoit la délégation de signature.", field="holder")
    if delegator is None or delegator.id == holder.id:
        raise InvalidInputError("Choisissez qui délègue sa signature.", field="delegator")
    lacking = [aid for aid in act.aids if deliberation_in_force(delegator, aid, act.valid_from) is None]
    if lacking:
        names = ", ".join(aid_label(aid).lower() for aid in lacking)
        raise InvalidInputError(
            f"{delegator.full_name} n'a pas reçu du conseil d'administration le pouvoir de décider ({names}) "
            f"au {act.valid_from:%d/%m/%Y} : il ne peut en déléguer la signature.",
            field="aids",
        )
    created = SignatureDelegation(
        centre_id=actor.centre_id, number=number, signed_on=act.signed_on, delegator_id=delegator.id,
        holder_id=holder.id, aids=sorted(set(act.aids)), valid_from=act.valid_from,
        valid_until=act.valid_until, created_by_id=actor.id, created_at=clock.now(),
    )  # fmt: skip
    db.session.add(created)
    db.session.flush()
    audit.record(
        action=AuditAction.DELEGATION_SIGNATURE, subject_type="délégation", subject_id=created.id,
        actor=actor, details={"numéro": number, "titulaire": holder.id, "aides": sorted(set(act.aids))},
    )  # fmt: skip
    return created


@dataclass(frozen=True)
class DelegationsPage:
    """The acts of delegation of the centre, and who may be named in new ones."""

    deliberations: Sequence[BoardDelegation]
    signatures: Sequence[SignatureDelegation]
    delegatees: Sequence[User]  # active accounts with the president's or vice-president's role
    agents: Sequence[User]  # active accounts that may receive a delegation of signature
    today: date


def delegations_page(*, actor: User) -> DelegationsPage:
    require_secretariat(actor)
    users = db.session.scalars(
        select(User).where(User.centre_id == actor.centre_id, User.active.is_(True)).order_by(User.full_name)
    ).all()
    return DelegationsPage(
        deliberations=deliberations(actor.centre_id),
        signatures=signature_delegations(actor.centre_id),
        delegatees=[user for user in users if user.has_role(Role.DELEGATAIRE)],
        agents=list(users),
        today=clock.now().astimezone(local_zone()).date(),
    )
