"""Each figure drawn by pygal as an SVG, on the server: masked cells are left out of the drawing."""

from __future__ import annotations

import base64
from typing import Any

import pygal
from pygal.style import Style

from service.stats import formats
from service.stats.figures import Figure, Unit

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1e1e1e",
    foreground_strong="#1e1e1e",
    foreground_subtle="#6a6a6a",
    font_family="DejaVu Sans, Arial, sans-serif",
    colors=(
        "#000091",
        "#e1000f",
        "#18753c",
        "#b34000",
        "#6e445a",
        "#0063cb",
        "#716043",
        "#a558a0",
        "#3a3a3a",
    ),
)
_KINDS: dict[str, Any] = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "line": pygal.Line}


def svg(figure: Figure) -> str:
    """The figure's chart: its rows along the x axis (no total row; only those in its unit), one series
    per column of the split."""
    rows = [
        row
        for row in figure.rows
        if not (figure.column_total and row is figure.rows[-1]) and figure.unit_of(row) is figure.unit
    ]
    # One series per column of the split (the whole centre aside), or the whole centre alone.
    series = list(enumerate(figure.columns[:-1])) if len(figure.columns) > 1 else [(0, figure.columns[0])]
    unit = figure.unit
    chart = _KINDS[figure.chart](
        style=_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=760,
        height=360,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,  # the longest aid (37 characters) fits its column
        x_label_rotation=20 if len(rows) > 6 else 0,
        truncate_legend=40,
        truncate_label=30,
        no_data_text="Aucune donnée",
        print_values=False,
        show_y_guides=True,
        value_formatter=lambda amount: _tick(amount, unit),
    )
    chart.title = figure.title
    chart.x_labels = [row.label for row in rows]
    for index, column in series:
        chart.add(
            column,
            [None if row.cells[index].masked else _plotted(row.cells[index].value, unit) for row in rows],
        )
    return str(chart.render(is_unicode=True))


def data_uri(figure: Figure) -> str:
    """The chart as an image source: an SVG image runs no script and keeps its own styles."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(figure).encode()).decode("ascii")


def _plotted(amount: float | None, unit: Unit) -> float | None:
    if amount is None:
        return None
    return amount / 100 if unit is Unit.CENTIMES else amount


def _tick(amount: float, unit: Unit) -> str:
    decimals = 0 if float(amount).is_integer() else 1
    if unit is Unit.CENTIMES:
        return f"{formats.number(amount, decimals)}\u00a0€"
    if unit is Unit.NOMBRE:
        return formats.number(amount, decimals)
    return formats.value(amount, unit)
