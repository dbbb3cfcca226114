"""The domains a partner handles and a person is oriented for: a fixed list, in the agents' words."""

from __future__ import annotations

DOMAINS: dict[str, str] = {
    "logement": "Logement",
    "sante": "Santé",
    "budget": "Budget, surendettement",
    "emploi": "Emploi, insertion",
    "famille": "Famille, enfance",
    "alimentation": "Alimentation",
    "acces_droits": "Accès aux droits",
    "juridique": "Juridique",
    "numerique": "Démarches en ligne, numérique",
    "energie": "Énergie",
}


def label(key: str) -> str:
    return DOMAINS.get(key, key)
