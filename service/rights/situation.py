"""The household and budget entered at the centre, written as an OpenFisca situation for one month.

Only what the page shows is asked (the variables of the catalogue, for one month), which keeps OpenFisca's
work small. Resources are declared monthly at the centre: they are taken as received for the twelve months
before, which is what the RSA, the prime d'activité and the housing aid look back at.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.models import Housing, Relationship
from service.rights.catalogue import ASPA_AGE, DISABILITY_RATE, RIGHTS

LOOK_BACK_MONTHS = 12

# Monthly resource categories of the budget → OpenFisca's individual variable (net amounts, euros).
RESOURCE_VARIABLES = {
    "salaire": "salaire_net",
    "chomage": "chomage_net",
    "retraite": "retraite_nette",
    "pension_alimentaire": "pensions_alimentaires_percues",
}
RENT_CATEGORY = "loyer"


@dataclass(frozen=True)
class Member:
    birth_date: date
    relationship: Relationship


@dataclass(frozen=True)
class Facts:
    """What the estimate is computed from, all already entered at the centre."""

    month: date  # the first day of the month estimated
    birth_date: date
    members: Sequence[Member]
    resources_cents: Mapping[str, int]  # budget category → monthly total
    rent_cents: int
    housing: Housing
    disability: bool
    depcom: str  # the commune's INSEE code, "" when unknown


def month_key(day: date, back: int = 0) -> str:
    months = day.year * 12 + day.month - 1 - back
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def asked_rights(facts: Facts) -> list[str]:
    """The rights worth asking for this household (AAH and ASPA only where the facts point to them)."""
    keys = []
    for right in RIGHTS:
        if right.key == "aah" and not facts.disability:
            continue
        if right.key == "aspa" and age_on(facts.birth_date, facts.month) < ASPA_AGE:
            continue
        keys.append(right.key)
    return keys


def build(facts: Facts) -> dict[str, Any]:
    """The OpenFisca situation (the body of POST /calculate), the asked variables set to null."""
    month = month_key(facts.month)
    history = [month_key(facts.month, back) for back in range(LOOK_BACK_MONTHS + 1)]
    applicant: dict[str, Any] = {"date_naissance": {"ETERNITY": facts.birth_date.isoformat()}}
    for category, variable in RESOURCE_VARIABLES.items():
        cents = facts.resources_cents.get(category, 0)
        if cents:
            applicant[variable] = {period: cents / 100 for period in history}
    if facts.disability:
        applicant["taux_incapacite"] = {month: DISABILITY_RATE}
    individuals: dict[str, Any] = {"demandeur": applicant}
    parents, children = ["demandeur"], []
    for number, member in enumerate(facts.members, start=1):
        name = f"membre_{number}"
        individuals[name] = {"date_naissance": {"ETERNITY": member.birth_date.isoformat()}}
        if member.relationship is Relationship.CONJOINT and len(parents) < 2:
            parents.append(name)
        elif member.relationship is Relationship.ENFANT:
            children.append(name)
    others = [name for name in individuals if name not in parents and name not in children]
    family: dict[str, Any] = {"parents": parents, "enfants": children}
    family.update({right.variable: {month: None} for right in RIGHTS if right.key in asked_rights(facts)})
    household: dict[str, Any] = {
        "personne_de_reference": ["demandeur"],
        "statut_occupation_logement": {month: facts.housing.value},
    }
    if len(parents) == 2:
        household["conjoint"] = [parents[1]]
    if children:
        household["enfants"] = children
    if others:
        household["autres"] = others
    if facts.rent_cents and facts.housing in (Housing.LOCATAIRE_VIDE, Housing.LOCATAIRE_MEUBLE):
        household["loyer"] = {month: facts.rent_cents / 100}
    if facts.depcom:
        household["depcom"] = {month: facts.depcom}
    return {
        "individus": individuals,
        "familles": {"famille": family},
        "foyers_fiscaux": {"foyer_fiscal": {"declarants": parents, "personnes_a_charge": children}},
        "menages": {"menage": household},
    }


def fingerprint(situation: Mapping[str, Any]) -> str:
    """The hash an estimate is cached under: the same situation gives the same estimate."""
    return hashlib.sha256(json.dumps(situation, sort_keys=True).encode()).hexdigest()


def amounts(situation: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, int]:
    """Read OpenFisca's answer back: monthly cents per right found (a right at zero or false is left out)."""
    family = answer.get("familles", {}).get("famille", {})
    month = next(iter(situation["menages"]["menage"]["statut_occupation_logement"]))
    found: dict[str, int] = {}
    for right in RIGHTS:
        if right.variable not in family:
            continue
        value = family[right.variable].get(month)
        if right.key == "css_gratuite":
            if value is True:
                found[right.key] = 0
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if value > 0:
            found[right.key] = round(value * 100)
    if "css_gratuite" in found:
        found.pop("css_participation", None)
    return found
