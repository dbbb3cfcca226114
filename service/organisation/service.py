"""Use cases of the organisation: create a centre with the communes and quartiers it serves."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import Centre, CentreKind, Commune, Quartier, Role, User
from service.models.tenancy import ALL_CENTRES
from service.permissions import require_role
from service.unit_of_work import use_case


@use_case
def create_centre(
    *,
    code: str,
    name: str,
    kind: CentreKind,
    communes: Mapping[tuple[str, str], Sequence[str]],
    letterhead: Mapping[str, str] | None = None,
) -> Centre:
    """Create a centre with its communes ({(insee code, name): [quartiers]}) and letterhead fields."""
    if not communes:
        raise InvalidInputError("Un centre dessert au moins une commune.")
    if kind is CentreKind.CCAS and len(communes) > 1:
        raise InvalidInputError("Un CCAS dessert une seule commune ; choisissez CIAS pour plusieurs.")
    exists = db.session.scalar(select(func.count()).select_from(Centre).where(Centre.code == code))
    if exists:
        raise InvalidInputError(f"Le code de centre « {code} » est déjà utilisé.")
    centre = Centre(code=code, name=name, kind=kind, **dict(letterhead or {}))
    db.session.add(centre)
    db.session.flush()
    for (insee_code, commune_name), quartier_names in communes.items():
        commune = Commune(centre_id=centre.id, insee_code=insee_code, name=commune_name)
        commune.quartiers = [Quartier(centre_id=centre.id, name=q) for q in quartier_names]
        centre.communes.append(commune)
    audit.record(
        action=AuditAction.CENTRE_CREATION,
        subject_type="centre",
        subject_id=centre.id,
        centre_id=centre.id,
        details={"code": code, "communes": [name for _, name in communes]},
    )
    return centre


def get_centre(centre_id: int) -> Centre:
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotFoundError("Centre introuvable.")
    return centre


_QUARTIERS = (
    select(Quartier)
    .join(Quartier.commune)
    .options(contains_eager(Quartier.commune))  # the commune each is listed under: no statement each
    .order_by(Commune.name, Quartier.name)
)


def list_quartiers() -> Sequence[Quartier]:
    """Return the quartiers of the session's centre, by commune and name."""
    return db.session.scalars(_QUARTIERS).all()


def list_communes() -> Sequence[Commune]:
    """Return the communes of the session's centre, by name."""
    return db.session.scalars(select(Commune).order_by(Commune.name)).all()


def commune_of(*, commune_id: int | None, quartier_id: int | None) -> int | None:
    """The commune a person lives in: the quartier's when one is given (a different commune is refused)."""
    if quartier_id is not None:
        quartier = db.session.scalars(select(Quartier).where(Quartier.id == quartier_id)).one_or_none()
        if quartier is None:
            raise InvalidInputError("Choisissez un des quartiers proposés.")
        if commune_id is not None and commune_id != quartier.commune_id:
            raise InvalidInputError("Le quartier choisi n'est pas dans la commune choisie.")
        return quartier.commune_id
    if (
        commune_id is not None
        and db.session.scalar(select(Commune.id).where(Commune.id == commune_id)) is None
    ):
        raise InvalidInputError("Choisissez une des communes proposées.")
    return commune_id


@use_case
def add_commune(*, actor: User, insee_code: str, name: str) -> Commune:
    """Add a commune the centre serves (a CCAS serves one; a CIAS several)."""
    require_role(actor, Role.RESPONSABLE)
    insee_code, name = insee_code.strip().upper(), " ".join(name.split())
    if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", insee_code):
        raise InvalidInputError("Le code INSEE d'une commune a cinq caractères (par exemple 45234 ou 2A004).")
    if not name:
        raise InvalidInputError("Indiquez le nom de la commune.")
    centre = get_centre(actor.centre_id)
    known = list_communes()
    if centre.kind is CentreKind.CCAS and known:
        raise InvalidInputError("Un CCAS dessert une seule commune : seul un CIAS en dessert plusieurs.")
    if any(commune.insee_code == insee_code for commune in known):
        raise InvalidInputError(f"La commune de code INSEE {insee_code} est déjà desservie.")
    commune = Commune(centre_id=actor.centre_id, insee_code=insee_code, name=name)
    db.session.add(commune)
    db.session.flush()
    audit.record(
        action=AuditAction.COMMUNE_AJOUT, subject_type="commune", subject_id=commune.id, actor=actor,
        details={"code INSEE": insee_code, "nom": name},
    )  # fmt: skip
    return commune


@use_case
def add_quartier(*, actor: User, commune_id: int, name: str) -> Quartier:
    """Add a quartier to one of the centre's communes."""
    require_role(actor, Role.RESPONSABLE)
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("Indiquez le nom du quartier.")
    commune = db.session.scalars(select(Commune).where(Commune.id == commune_id)).one_or_none()
    if commune is None:
        raise NotFoundError("Commune introuvable.")
    if any(quartier.name.lower() == name.lower() for quartier in commune.quartiers):
        raise InvalidInputError(f"La commune {commune.name} a déjà un quartier « {name} ».")
    quartier = Quartier(centre_id=actor.centre_id, commune_id=commune.id, name=name)
    db.session.add(quartier)
    db.session.flush()
    audit.record(
        action=AuditAction.QUARTIER_AJOUT, subject_type="quartier", subject_id=quartier.id, actor=actor,
        details={"commune": commune.name, "nom": name},
    )  # fmt: skip
    return quartier


def communes_page(*, actor: User) -> Sequence[Commune]:
    """The communes and their quartiers, for the head of service who manages them."""
    require_role(actor, Role.RESPONSABLE)
    return list_communes()


def count_centres() -> int:
    return (
        db.session.scalar(select(func.count()).select_from(Centre).execution_options(**{ALL_CENTRES: True}))
        or 0
    )
