"""The rights looked for: OpenFisca's variable, whom to contact, the budget line saying it is open."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Right:
    key: str
    label: str
    variable: str  # the OpenFisca variable asked, on the family (famille) for the month
    contact: str
    open_category: str = ""  # a resource line of this category in the budget: the right is already open
    amount_is_benefit: bool = True  # False: the variable only says whether the right exists


RIGHTS: tuple[Right, ...] = (
    Right("rsa", "Revenu de solidarité active (RSA)", "rsa", "CAF ou MSA (demande en ligne sur caf.fr)",
          "rsa"),
    Right("prime_activite", "Prime d'activité", "ppa", "CAF ou MSA (demande en ligne sur caf.fr)",
          "prime_activite"),
    Right("aide_logement", "Aide au logement (APL, ALF ou ALS)", "aide_logement", "CAF ou MSA",
          "aide_logement"),
    Right("css_gratuite", "Complémentaire santé solidaire sans participation", "cmu_c",
          "Assurance maladie (CPAM ou MSA), sur ameli.fr", amount_is_benefit=False),
    Right("css_participation", "Complémentaire santé solidaire avec participation",
          "css_participation_forfaitaire", "Assurance maladie (CPAM ou MSA), sur ameli.fr",
          amount_is_benefit=False),
    Right("aah", "Allocation aux adultes handicapés (AAH)", "aah", "MDPH du département, puis CAF", "aah"),
    Right("aspa", "Allocation de solidarité aux personnes âgées (ASPA)", "aspa",
          "Caisse de retraite (Carsat, MSA)", "retraite"),
)  # fmt: skip
BY_KEY = {right.key: right for right in RIGHTS}

# The age from which ASPA is looked for, and the rate of incapacity assumed when the agent says the person
# has a recognised disability (the AAH's first threshold).
ASPA_AGE = 65
DISABILITY_RATE = 0.8
