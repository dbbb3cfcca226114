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
    """The figure's chart: its rows along the x axis (no total row), one series per column of the split."""
    rows = [row for row in figure.rows if not (figure.column_total and row is figure.rows[-1])]
    columns = figure.columns[:-1] if figure.row_total else figure.columns[-1:]
    first = len(figure.columns) - len(columns)
    unit = figure.unit
    kind = "bar" if len({figure.unit_of(row) for row in rows}) > 1 else figure.chart
    chart = _KINDS[kind](
        style=_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=760,
        height=360,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
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
    for offset, column in enumerate(columns):
        index = first + offset
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
    if unit is Unit.CENTIMES:
        return f"{formats.number(amount)}\u00a0€"
    return formats.value(amount, unit)
