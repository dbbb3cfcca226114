"""Yearly ceilings per household and aid (règlement des aides facultatives), checked at each decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from service import aids, clock
from service.config import local_zone
from service.errors import InvalidInputError
from service.extensions import db
from service.models import Dossier
from service.money import euros


def annual_ceiling_cents(aid_type: str) -> int | None:
    """The ceiling in force for an aid, or None when the aid has none (legal aid is not the centre's)."""
    return aids.get(aid_type).annual_ceiling_cents()


def granted_this_year(dossier: Dossier) -> int:
    """What the household received of this aid this calendar year (centre's time), this dossier aside."""
    return granted_this_year_to(dossier.person_id, dossier.aid_type, besides=dossier.id)


def granted_this_year_to(person_id: int, aid_type: str, *, besides: int | None = None) -> int:
    """What the household received of an aid this calendar year (centre's time), one dossier aside."""
    zone = local_zone()
    year = clock.now().astimezone(zone).year
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    total = db.session.scalar(
        select(func.coalesce(func.sum(Dossier.amount_granted_cents), 0)).where(
            Dossier.person_id == person_id,
            Dossier.aid_type == aid_type,
            Dossier.id != (besides or 0),
            Dossier.decision == "accord",
            Dossier.decided_at >= start,
            Dossier.decided_at < end,
        )
    )
    return int(total or 0)


@dataclass(frozen=True)
class CeilingUse:
    granted_cents: int
    ceiling_cents: int


def use_of(dossier: Dossier) -> CeilingUse | None:
    """How much of the aid's yearly ceiling the household used, for the pages; None without a ceiling."""
    ceiling = annual_ceiling_cents(dossier.aid_type)
    return None if ceiling is None else CeilingUse(granted_this_year(dossier), ceiling)


def check_annual_ceiling(dossier: Dossier, amount_cents: int) -> None:
    """Refuse a grant that would take the household over the aid's yearly ceiling, saying what is left."""
    ceiling = annual_ceiling_cents(dossier.aid_type)
    if ceiling is None:
        return
    already = granted_this_year(dossier)
    if already + amount_cents > ceiling:
        left = max(ceiling - already, 0)
        raise InvalidInputError(
            f"Plafond annuel dépassé : le foyer a déjà reçu {euros(already)} cette année "
            f"({dossier.aid_label.lower()}), le plafond est de {euros(ceiling)} ; "
            f"il reste au plus {euros(left)} à accorder."
        )
