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


def _drawn(figure: Figure) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """What the chart draws: its rows along the x axis (no total row; only those in its unit), and one
    series per column of the split (the whole centre aside) or the centre alone; masked cells left out."""
    rows = [
        row
        for row in figure.rows
        if not (figure.column_total and row is figure.rows[-1]) and figure.unit_of(row) is figure.unit
    ]
    columns = list(enumerate(figure.columns[:-1])) if len(figure.columns) > 1 else [(0, figure.columns[0])]
    series = [
        (
            column,
            [
                None if row.cells[index].masked else _plotted(row.cells[index].value, figure.unit)
                for row in rows
            ],
        )
        for index, column in columns
    ]
    return [row.label for row in rows], series


def drawable(figure: Figure) -> bool:
    """Whether the chart would show anything: not when every cell it draws is masked (or empty)."""
    return any(value is not None for _, values in _drawn(figure)[1] for value in values)


def svg(figure: Figure) -> str:
    """The figure's chart, one series per column of the split."""
    labels, series = _drawn(figure)
    unit = figure.unit
    chart = _KINDS[figure.chart](
        style=_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=760,
        height=360,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,  # the longest aid (37 characters) fits its column
        x_label_rotation=20 if len(labels) > 6 else 0,
        truncate_legend=40,
        truncate_label=30,
        no_data_text="Aucune donnée",
        print_values=False,
        show_y_guides=True,
        value_formatter=lambda amount: _tick(amount, unit),
    )
    chart.title = figure.title
    chart.x_labels = labels
    for column, values in series:
        chart.add(column, values)
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
