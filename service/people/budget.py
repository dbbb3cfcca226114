"""Reste à vivre: (monthly resources − monthly charges) / parts / 30, every input kept for display."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from service.models import BudgetKind, Person

ADULT_AGE = 18
DAYS_PER_MONTH = 30

RESOURCE_CATEGORIES = {
    "salaire": "Salaires et revenus d'activité",
    "chomage": "Allocations chômage",
    "rsa": "RSA",
    "prime_activite": "Prime d'activité",
    "prestations_familiales": "Prestations familiales",
    "aide_logement": "Aide au logement",
    "aah": "AAH / invalidité",
    "retraite": "Retraite",
    "pension_alimentaire": "Pension alimentaire reçue",
    "autre_ressource": "Autre ressource",
}
CHARGE_CATEGORIES = {
    "loyer": "Loyer ou mensualité d'accession",
    "energie": "Énergie (électricité, gaz, chauffage)",
    "eau": "Eau",
    "assurances": "Assurances",
    "telephone_internet": "Téléphone et internet",
    "transport": "Transport",
    "credit": "Crédits et dettes en remboursement",
    "pension_versee": "Pension alimentaire versée",
    "autre_charge": "Autre charge",
}


@dataclass(frozen=True)
class BudgetSummary:
    resources_cents: int
    charges_cents: int
    adults: int
    children: int
    parts: Fraction
    rav_per_day_cents: int

    @property
    def parts_label(self) -> str:
        return f"{float(self.parts):g}".replace(".", ",")


def summarise(person: Person, today: date) -> BudgetSummary:
    """Compute the reste à vivre per day and per part, rounded down to the cent."""
    resources = sum(
        line.monthly_amount_cents for line in person.budget_lines if line.kind is BudgetKind.RESSOURCE
    )
    charges = sum(line.monthly_amount_cents for line in person.budget_lines if line.kind is BudgetKind.CHARGE)
    adults = 1 + sum(1 for member in person.members if _age(member.birth_date, today) >= ADULT_AGE)
    children = len(person.members) + 1 - adults
    parts = Fraction(adults) + Fraction(children, 2)
    rav = math.floor(Fraction(resources - charges) / parts / DAYS_PER_MONTH)
    return BudgetSummary(resources, charges, adults, children, parts, rav)


def _age(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
