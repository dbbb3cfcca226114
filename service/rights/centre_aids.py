"""The centre's own aids (aides facultatives) next to the legal rights: what each aid's barème in force
answers for the household as its file stands, before any request is made.

The barème is asked with the facts a dossier would give it at its evaluation: the reste à vivre per day and
per part, what the household received of the aid this year, the yearly ceiling, and no amount asked yet. A
barème that needs more than that (a fact only the instructing agent enters) is said to need a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service import aids
from service.aids import ceilings
from service.engine import tables
from service.models import Person
from service.people import service as people


@dataclass(frozen=True)
class CentreAid:
    key: str
    label: str
    eligible: bool | None  # None: the barème cannot answer before a request is instructed
    reason: str  # the barème's own words
    left_this_year_cents: int | None  # the yearly ceiling less what the household received; None: no ceiling


def facts_of(person: Person, aid: aids.Aid) -> dict[str, Any]:
    ceiling = aid.annual_ceiling_cents()
    return {
        "rav_jour_cents": people.budget(person).rav_per_day_cents,
        "deja_accorde_annee_cents": ceilings.granted_this_year_to(person.id, aid.key),
        "plafond_annuel_cents": ceiling if ceiling is not None else 0,
        "montant_cents": 0,
    }


def estimate(person: Person) -> list[CentreAid]:
    """Each aid the centre decides and grades with a barème, as its barème answers for this household."""
    found = []
    for aid in aids.all_aids():
        if not aid.centre_decides:
            continue
        facts = facts_of(person, aid)
        try:
            outputs = tables.decision_of(aid.key, facts)
        except tables.TableNotApplicableError:
            found.append(
                CentreAid(aid.key, aid.label, None, "Le barème a besoin d'éléments de la demande : "
                          "ouvrez une demande pour qu'il s'applique.", None)
            )  # fmt: skip
            continue
        if outputs is None:
            continue  # no barème: the aid is decided on the file alone
        ceiling = aid.annual_ceiling_cents()
        left = None if ceiling is None else max(ceiling - facts["deja_accorde_annee_cents"], 0)
        reason = str(outputs.get("motif_bareme") or "Aucune règle du barème ne correspond à ce foyer.")
        found.append(CentreAid(aid.key, aid.label, bool(outputs.get("eligible")), reason, left))
    return found
