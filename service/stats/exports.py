"""The figures as CSV files French Excel opens as they are: UTF-8 with a BOM, `;` between fields, a decimal
comma, dates dd/mm/yyyy; masked cells read "< 5" (or "s", masked with one)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from service.stats.figures import Cell, Figure, Unit
from service.stats.masking import LEGEND, mark
from service.stats.period import Period

_UNITS = {Unit.NOMBRE: "nombre", Unit.CENTIMES: "€", Unit.JOURS: "jours", Unit.POURCENT: "%"}


def csv_value(cell: Cell, unit: Unit) -> str:
    """A number Excel reads in a French locale: no thousands separator, a decimal comma."""
    if cell.masked:
        return mark(cell)
    if cell.value is None:
        return ""
    if unit is Unit.CENTIMES:
        return f"{cell.value / 100:.2f}".replace(".", ",")
    if unit in (Unit.JOURS, Unit.POURCENT):
        return f"{cell.value:.1f}".replace(".", ",")
    return str(round(cell.value))


def _write(lines: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(lines)
    return buffer.getvalue().encode("utf-8-sig")


def figures_csv(*, centre_name: str, period: Period, split_label: str, figures: Sequence[Figure]) -> bytes:
    """Each figure as a block: its title and unit, its header, its rows."""
    lines: list[list[str]] = [
        [f"Statistiques — {centre_name}"],
        ["Du", f"{period.start:%d/%m/%Y}", "au", f"{period.end:%d/%m/%Y}"],
        ["Répartition", split_label],
        ["Cases masquées (secret statistique)", LEGEND],
    ]
    for figure in figures:
        lines += [[], [f"{figure.title} ({_UNITS[figure.unit]})"], [figure.row_header, *figure.columns]]
        for row in figure.rows:
            unit = figure.unit_of(row)
            label = row.label if unit is figure.unit else f"{row.label} ({_UNITS[unit]})"
            lines.append([label, *(csv_value(cell, unit) for cell in row.cells)])
    return _write(lines)


def abs_csv(*, period: Period, figures: Sequence[Figure]) -> bytes:
    """The analyse des besoins sociaux extract: one line per figure, row, commune and quartier."""
    lines: list[list[str]] = [
        ["Indicateur", "Ligne", "Commune", "Quartier", "Valeur", "Unité", "Début", "Fin"],
    ]
    start, end = f"{period.start:%d/%m/%Y}", f"{period.end:%d/%m/%Y}"
    for figure in figures:
        for row in figure.rows:
            unit = figure.unit_of(row)
            for (commune, quartier), cell in zip(figure.column_places, row.cells, strict=True):
                lines.append(
                    [
                        figure.title,
                        row.label,
                        commune,
                        quartier,
                        csv_value(cell, unit),
                        _UNITS[unit],
                        start,
                        end,
                    ]
                )
    return _write(lines)
