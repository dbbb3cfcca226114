"""The centre's identity as its acts print it: the letterhead, who signs, and the tribunal its acts go to.

Every letter carries the letterhead; a decision names its signatory and their capacity (L212-1 CRPA); an act
that grieves names the tribunal administratif it can be appealed to (R421-5 CJA). Those who run the centre
keep them here, and the page says which of them the acts still lack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from email_validator import EmailNotValidError, validate_email

from service import contact
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError
from service.models import Role, User
from service.organisation import service as organisation
from service.permissions import require_role
from service.unit_of_work import read_use_case, use_case

EDITING_ROLES = (Role.ADMIN, Role.RESPONSABLE)
_POSTAL_CODE = re.compile(r"[0-9]{5}")


@dataclass(frozen=True)
class CentreIdentity:
    name: str
    address_line: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    president_name: str = ""
    president_title: str = ""
    tribunal_name: str = ""
    tribunal_address: str = ""


# Each field: what the page calls it, its longest value, and whether the acts cannot do without it.
_FIELDS: dict[str, tuple[str, int, bool]] = {
    "name": ("le nom du centre", 200, True),
    "address_line": ("l'adresse", 200, True),
    "postal_code": ("le code postal", 10, True),
    "city": ("la commune", 100, True),
    "phone": ("le téléphone", 40, False),
    "email": ("le courriel", 200, False),
    "president_name": ("le nom du président ou de la présidente", 200, True),
    "president_title": ("sa qualité", 200, True),
    "tribunal_name": ("le tribunal administratif", 200, True),
    "tribunal_address": ("l'adresse du tribunal", 300, True),
}


@read_use_case
def identity_of(*, actor: User) -> CentreIdentity:
    """The actor's centre, as its letters print it."""
    require_role(actor, *EDITING_ROLES)
    centre = organisation.get_centre(actor.centre_id)
    return CentreIdentity(**{field.name: getattr(centre, field.name) for field in fields(CentreIdentity)})


def missing_from_acts(identity: CentreIdentity) -> list[str]:
    """What the acts print blank while it is not filled in, in the page's words."""
    return [label for name, (label, _, needed) in _FIELDS.items() if needed and not getattr(identity, name)]


@use_case
def update_identity(*, actor: User, identity: CentreIdentity) -> CentreIdentity:
    """Keep the centre's identity: letters issued from now on print it; those issued before keep theirs."""
    require_role(actor, *EDITING_ROLES)
    checked = _checked(identity)
    centre = organisation.get_centre(actor.centre_id)
    changed = {
        field.name: getattr(checked, field.name)
        for field in fields(CentreIdentity)
        if getattr(centre, field.name) != getattr(checked, field.name)
    }
    for name, value in changed.items():
        setattr(centre, name, value)
    if changed:
        audit.record(
            action=AuditAction.CENTRE_IDENTITE,
            subject_type="centre",
            subject_id=centre.id,
            actor=actor,
            details={"champs": [label for name, (label, _, _) in _FIELDS.items() if name in changed]},
        )
    return checked


def _checked(identity: CentreIdentity) -> CentreIdentity:
    values = {}
    for name, (label, limit, _) in _FIELDS.items():
        raw = getattr(identity, name)
        value = " ".join(raw.split())
        if len(value) > limit:
            raise InvalidInputError(f"Saisissez {label} en {limit} caractères au plus.", field=name)
        values[name] = value
    if not values["name"]:
        raise InvalidInputError("Indiquez le nom du centre : chaque lettre l'imprime.", field="name")
    if values["postal_code"] and not _POSTAL_CODE.fullmatch(values["postal_code"]):
        raise InvalidInputError("Un code postal a cinq chiffres, par exemple 45000.", field="postal_code")
    if values["phone"] and not contact.is_phone(values["phone"]):
        raise InvalidInputError("Saisissez un numéro de téléphone (chiffres, espaces, +).", field="phone")
    if values["email"]:
        try:
            values["email"] = validate_email(values["email"], check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise InvalidInputError("Saisissez une adresse de courriel valide.", field="email") from exc
    return CentreIdentity(**values)
