"""The board's yearly activity report: the direction's commentary, then each figure as a chart and a table,
masked as the board sees it, printed as PDF/A and kept as a record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.documents import service as documents
from service.documents.rendering import render_pdf
from service.models import Centre, Document, User
from service.stats import charts, formats
from service.stats.figures import Figure
from service.stats.period import Period

KIND = "rapport_activite"
# The commentary the direction writes, in the report's order.
COMMENTARY: dict[str, str] = {
    "introduction": "Le mot de la direction",
    "faits_marquants": "Faits marquants de l'année",
    "perspectives": "Perspectives",
}


@dataclass(frozen=True)
class PrintedFigure:
    figure: Figure
    chart: str | None  # an image source (data URI); None when every cell it would draw is masked
    rows: list[tuple[str, list[str]]]


def printed(figures: Sequence[Figure]) -> list[PrintedFigure]:
    return [
        PrintedFigure(
            figure,
            charts.data_uri(figure) if charts.drawable(figure) else None,
            [
                (row.label, [formats.cell(cell, figure.unit_of(row)) for cell in row.cells])
                for row in figure.rows
            ],
        )
        for figure in figures
    ]


def issue(
    *, centre: Centre, author: User, year: int, commentary: Mapping[str, str], figures: Sequence[Figure]
) -> Document:
    """Print the report of the year and keep it; a later edition is a new record, never a rewrite."""
    period = Period.year(year)
    content = render_pdf(
        "rapport_activite.html",
        {
            "title": f"Rapport d'activité {year}",
            "centre": centre,
            "year": year,
            "period": period,
            "commentary": [(COMMENTARY[key], commentary.get(key, "").strip()) for key in COMMENTARY],
            "figures": printed(figures),
            "author": author,
        },
    )
    return documents.record(
        kind=KIND,
        number=f"RA{year}",
        title=f"Rapport d'activité {year}",
        author=author,
        content=content,
        filename=f"rapport-activite-{year}.pdf",
        report_of=centre,
        issue_params={"année": year},
    )
