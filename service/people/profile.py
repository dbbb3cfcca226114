"""A household's profile as the figures count it: composition, the applicant's age band, the band of its
monthly resources and its housing; a dossier keeps the profile it had at filing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.models import BudgetKind, Person, Relationship
from service.models.people import HOUSING_LABELS

HOUSEHOLD_LABELS: dict[str, str] = {
    "seul": "Personne seule",
    "couple_sans_enfant": "Couple sans enfant",
    "monoparentale": "Famille monoparentale",
    "couple_avec_enfants": "Couple avec enfant(s)",
    "autre": "Autre composition",
}
AGE_LABELS: dict[str, str] = {
    "moins_25": "Moins de 25 ans",
    "25_39": "25 à 39 ans",
    "40_59": "40 à 59 ans",
    "60_plus": "60 ans et plus",
}
RESOURCES_LABELS: dict[str, str] = {
    "moins_600": "Moins de 600 € par mois",
    "600_999": "De 600 à 999 €",
    "1000_1499": "De 1 000 à 1 499 €",
    "1500_plus": "1 500 € et plus",
}
UNKNOWN = "Non renseigné"
# Upper bounds (excluded) of each age and resources band, in years and in cents.
_AGE_BANDS = ((25, "moins_25"), (40, "25_39"), (60, "40_59"))
_RESOURCES_BANDS = ((60000, "moins_600"), (100000, "600_999"), (150000, "1000_1499"))

__all__ = ["AGE_LABELS", "HOUSEHOLD_LABELS", "HOUSING_LABELS", "RESOURCES_LABELS", "UNKNOWN", "Profile"]


@dataclass(frozen=True)
class Profile:
    household_kind: str
    age_band: str
    resources_band: str
    housing: str

    @classmethod
    def of(cls, person: Person, *, on: date) -> Profile:
        """The person's household as it is on that day."""
        return cls(
            household_kind=_household_kind(person),
            age_band=_age_band(person.birth_date, on),
            resources_band=_resources_band(person),
            housing=person.housing,
        )


def _household_kind(person: Person) -> str:
    kinds = [member.relationship_kind for member in person.members]
    couple = Relationship.CONJOINT in kinds
    children = Relationship.ENFANT in kinds
    others = any(kind not in (Relationship.CONJOINT, Relationship.ENFANT) for kind in kinds)
    if others:
        return "autre"
    if couple:
        return "couple_avec_enfants" if children else "couple_sans_enfant"
    return "monoparentale" if children else "seul"


def _age_band(birth_date: date | None, on: date) -> str:
    if birth_date is None:
        return ""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next((band for limit, band in _AGE_BANDS if age < limit), "60_plus")


def _resources_band(person: Person) -> str:
    resources = [
        line.monthly_amount_cents for line in person.budget_lines if line.kind is BudgetKind.RESSOURCE
    ]
    if not resources:
        return ""
    total = sum(resources)
    return next((band for limit, band in _RESOURCES_BANDS if total < limit), "1500_plus")
