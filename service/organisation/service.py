"""Use cases of the organisation: create a centre with the communes and quartiers it serves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select

from service.audit import service as audit
from service.audit.actions import AuditAction
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import Centre, CentreKind, Commune, Quartier
from service.models.tenancy import ALL_CENTRES
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


def list_quartiers() -> Sequence[Quartier]:
    """Return the quartiers of the session's centre, by commune and name."""
    query = select(Quartier).join(Quartier.commune).order_by(Commune.name, Quartier.name)
    return db.session.scalars(query).all()


def count_centres() -> int:
    return (
        db.session.scalar(select(func.count()).select_from(Centre).execution_options(**{ALL_CENTRES: True}))
        or 0
    )
