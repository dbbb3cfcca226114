"""The figures of the centre, as the statistics page shows them (the same use case, the same masking)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_login import current_user

from service.api import problems, schemas
from service.api.auth import authenticate_call
from service.api.parsing import Blueprint
from service.stats import service as stats
from service.stats.figures import Figure, Split
from service.stats.period import Period

bp = Blueprint(
    "api_statistics", __name__, url_prefix="/api/v1/statistiques", description="Statistiques du centre."
)
bp.before_request(authenticate_call)
problems.register(bp)


def _figure_out(figure: Figure) -> dict[str, Any]:
    return {
        "cle": figure.key,
        "titre": figure.title,
        "unite": figure.unit.value,
        "entete_lignes": figure.row_header,
        "colonnes": list(figure.columns),
        "lignes": [
            {
                "libelle": row.label,
                "unite": row.unit.value if row.unit else None,
                "cellules": [
                    {"valeur": cell.value, "foyers": cell.households, "masquee": cell.masked}
                    for cell in row.cells
                ],
            }
            for row in figure.rows
        ],
        "note": figure.note,
        "masquee": figure.masked,
    }


@bp.route("", methods=["GET"])
@bp.arguments(schemas.StatisticsQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.StatisticsOut)
def figures(
    debut: date | None = None, fin: date | None = None, repartition: str = "commune"
) -> dict[str, Any]:
    """Les chiffres du centre sur une période (par défaut les douze derniers mois), comme la page
    Statistiques : le ou la responsable lit toutes les cellules ; les membres du conseil d'administration
    les lisent masquées (aucune cellule de moins de cinq foyers)."""
    default = stats.today()
    period = Period(debut or default.start, fin or default.end)
    page = stats.page(actor=current_user, period=period, split=Split(repartition))
    return {
        "debut": page.period.start,
        "fin": page.period.end,
        "repartition": page.split.value,
        "masquee": page.masked,
        "figures": [_figure_out(figure) for figure in page.figures],
    }
