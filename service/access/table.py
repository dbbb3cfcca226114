"""The access policy as the README prints it: written from the tables, never by hand.

`tools/policy_table.py` rewrites the README's section; tests/test_access_policy.py checks it is current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from service.access.policy import (
    DOSSIER_POLICY,
    DOSSIER_RELATIONS,
    PERSON_POLICY,
    PERSON_RELATIONS,
    Action,
    Grant,
    Part,
    Relation,
)
from service.access.routes import ROUTES
from service.models import Role

BEGIN = "<!-- politique d'accès : début (tools/policy_table.py l'écrit depuis service/access) -->"
END = "<!-- politique d'accès : fin -->"
_SHORT = {
    Part.IDENTITE: "I",
    Part.COORDONNEES: "C",
    Part.SITUATION: "S",
    Part.BUDGET: "B",
    Part.FOYER: "F",
    Part.DECISION: "D",
    Part.PAIEMENT: "P",
    Part.DOCUMENTS: "Doc",
    Part.HISTORIQUE: "H",
    Part.CONSULTATIONS: "Cons",
}


def render_markdown(paths: Iterable[tuple[str, str, str]]) -> str:
    """The section: the parts, the relations, both tables, then every route (endpoint, method, path)."""
    lines = [BEGIN, "", "Parts (what a page may show):", ""]
    lines += [f"- **{_SHORT[part]}** {part.label} : {part.description}" for part in Part]
    lines += ["", "Actions (what may be done besides reading):", ""]
    lines += [f"- **{action.value}** : {action.label}" for action in Action]
    lines += ["", "Relations:", ""]
    lines += [f"- **{relation.label}** : {relation.description}" for relation in Relation]
    lines += ["", "**Dossiers** (and what a page shows of their person):", ""]
    lines += _table(DOSSIER_POLICY, DOSSIER_RELATIONS)
    lines += ["", "**A person's file** (identity, contact, household, budget, their dossiers):", ""]
    lines += _table(PERSON_POLICY, PERSON_RELATIONS)
    lines += ["", "**Routes** (a route missing from this table is refused to everyone):", ""]
    lines += ["| route | méthode | chemin | qui |", "|---|---|---|---|"]
    for endpoint, method, path in sorted(paths):
        line = ROUTES.get((endpoint, method))
        who = line.describe() if line is not None else "**aucune règle : refusée**"
        lines.append(f"| `{endpoint}` | {method} | `{path}` | {who} |")
    lines += ["", END]
    return "\n".join(lines)


def _table(policy: Mapping[Role, Mapping[Relation, Grant]], relations: Iterable[Relation]) -> list[str]:
    columns = list(relations)
    rows = [
        "| rôle | " + " | ".join(relation.label for relation in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for role in Role:
        cells = [_cell(policy[role].get(relation)) for relation in columns]
        rows.append(f"| `{role.value}` | " + " | ".join(cells) + " |")
    return rows


def _cell(grant: Grant | None) -> str:
    if not grant:
        return "—"
    parts = " ".join(_SHORT[part] for part in grant.ordered)
    actions = ", ".join(action.value for action in Action if grant.may(action))
    return f"{parts} ; {actions}" if actions else parts
