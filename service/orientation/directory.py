"""The centre's directory of partners: read by those who orient people, kept by the head of service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from service import contact
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import Partner, PartnerKind, Role, User
from service.models.tenancy import get_in_centre
from service.orientation.domains import DOMAINS
from service.permissions import require_role
from service.unit_of_work import reading_use_case, use_case

READING_ROLES = (Role.ACCUEIL, Role.INSTRUCTEUR, Role.RESPONSABLE, Role.ADMIN)
EDITING_ROLES = (Role.RESPONSABLE, Role.ADMIN)


@dataclass(frozen=True)
class PartnerInput:
    """What the directory's form gives: every text stripped and checked by the use case."""

    name: str
    kind: str
    domains: Sequence[str]
    address: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    active: bool = True


@reading_use_case
def list_partners(*, actor: User, domain: str | None = None, active_only: bool = False) -> Sequence[Partner]:
    """The centre's partners, active first, by kind and name; those handling a domain when one is given."""
    require_role(actor, *READING_ROLES)
    query = select(Partner).order_by(Partner.active.desc(), Partner.kind, Partner.name)
    if active_only:
        query = query.where(Partner.active.is_(True))
    partners = db.session.scalars(query).all()
    if domain:  # a handful of rows per centre; JSON containment is not portable between the two databases
        partners = [partner for partner in partners if domain in partner.domains]
    return partners


def partner_in_centre(actor: User, partner_id: int) -> Partner:
    partner = get_in_centre(db.session(), Partner, partner_id, actor.centre_id)
    if partner is None:
        raise NotFoundError("Ce partenaire n'existe pas dans l'annuaire de votre centre.")
    return partner


@reading_use_case
def partner_to_edit(*, actor: User, partner_id: int) -> Partner:
    """A partner of the directory, for those who keep it."""
    require_role(actor, *EDITING_ROLES)
    return partner_in_centre(actor, partner_id)


@use_case
def add_partner(*, actor: User, entry: PartnerInput) -> Partner:
    """Enter a partner in the centre's directory; its name is unique in the centre."""
    require_role(actor, *EDITING_ROLES)
    partner = Partner(centre_id=actor.centre_id)
    _fill(partner, entry)
    _unique(actor, partner.name, None)
    db.session.add(partner)
    db.session.flush()
    audit.record(
        action=AuditAction.PARTENAIRE_AJOUT, subject_type="partenaire", subject_id=partner.id, actor=actor,
        details={"nom": partner.name, "type": partner.kind.value},
    )  # fmt: skip
    return partner


@use_case
def update_partner(*, actor: User, partner_id: int, entry: PartnerInput) -> Partner:
    """Change a partner's details, or set it aside (inactive): past orientations keep pointing to it."""
    require_role(actor, *EDITING_ROLES)
    partner = partner_in_centre(actor, partner_id)
    _fill(partner, entry)
    _unique(actor, partner.name, partner.id)
    audit.record(
        action=AuditAction.PARTENAIRE_MODIFICATION, subject_type="partenaire", subject_id=partner.id,
        actor=actor, details={"nom": partner.name, "actif": partner.active},
    )  # fmt: skip
    return partner


def _unique(actor: User, name: str, partner_id: int | None) -> None:
    same = select(Partner.id).where(Partner.centre_id == actor.centre_id, Partner.name == name)
    if partner_id is not None:
        same = same.where(Partner.id != partner_id)
    if db.session.scalar(same) is not None:
        raise InvalidInputError(f"« {name} » est déjà dans l'annuaire.", field="name")


def _fill(partner: Partner, entry: PartnerInput) -> None:
    name, address, phone = entry.name.strip(), entry.address.strip(), entry.phone.strip()
    email, hours = entry.email.strip(), entry.hours.strip()
    if not name:
        raise InvalidInputError("Indiquez le nom du partenaire.", field="name")
    if len(name) > 200:
        raise InvalidInputError("Le nom du partenaire dépasse 200 caractères.", field="name")
    try:
        kind = PartnerKind(entry.kind)
    except ValueError as exc:
        raise InvalidInputError("Choisissez un type de partenaire de la liste.", field="kind") from exc
    domains = list(dict.fromkeys(entry.domains))
    if not domains:
        raise InvalidInputError("Cochez au moins un domaine que traite le partenaire.", field="domains")
    if any(domain not in DOMAINS for domain in domains):
        raise InvalidInputError("Choisissez les domaines dans la liste.", field="domains")
    if len(address) > 1000 or len(hours) > 1000:
        raise InvalidInputError("L'adresse et les horaires tiennent en 1 000 caractères.", field="address")
    if phone and not contact.is_phone(phone, shortest=4):  # "32 30", "36 46": the short numbers count
        raise InvalidInputError("Le numéro de téléphone est invalide.", field="phone")
    if email and not contact.is_email(email):
        raise InvalidInputError("L'adresse de courriel du partenaire est invalide.", field="email")
    if not (address or phone or email):
        raise InvalidInputError(
            "Indiquez au moins un moyen de joindre le partenaire : adresse, téléphone ou courriel.",
            field="address",
        )
    partner.name, partner.kind, partner.domains = name, kind, [key for key in DOMAINS if key in domains]
    partner.address, partner.phone, partner.email, partner.hours = address, phone, email, hours
    partner.active = entry.active
