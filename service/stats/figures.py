"""What a figure is (rows of cells, each with the households it is about), and the grouped queries that fill
one: every figure is a handful of SQL aggregates (GROUP BY), never a loop over the rows they count."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, func
from sqlalchemy.orm import InstrumentedAttribute

from service.extensions import db

# A grouping key or a measure: a column of a model or an SQL expression.
Expression: TypeAlias = ColumnElement[Any] | InstrumentedAttribute[Any]
TOTAL_LABEL = "Ensemble"
UNKNOWN_LABEL = "Non renseigné"


class Unit(enum.StrEnum):
    NOMBRE = "nombre"
    CENTIMES = "centimes"  # an amount in cents, shown in euros
    JOURS = "jours"  # an average number of days
    POURCENT = "pourcent"


class Split(enum.StrEnum):
    """How the columns of a figure are split."""

    CENTRE = "centre"
    COMMUNE = "commune"
    QUARTIER = "quartier"

    @property
    def label(self) -> str:
        return {"centre": "Ensemble du centre", "commune": "Par commune", "quartier": "Par quartier"}[
            self.value
        ]


@dataclass(frozen=True)
class Cell:
    value: float | None  # None: nothing to count (an average over no dossier)
    households: int | None  # the distinct households the cell is about; None: not about households
    masked: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    unit: Unit | None = None  # when the row's unit is not the figure's


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    unit: Unit
    row_header: str
    columns: list[str]
    rows: list[Row]
    chart: str = "bar"  # bar, stacked, line
    note: str = ""
    row_total: bool = False  # the last column is the total of the others
    column_total: bool = False  # the last row is the total of the others
    masked: bool = False
    column_places: list[tuple[str, str]] = field(default_factory=list)  # (commune, quartier) of each column

    def unit_of(self, row: Row) -> Unit:
        return row.unit or self.unit


@dataclass(frozen=True)
class Measure:
    """One aggregate: its value, and the distinct households it is about (None: not about households)."""

    label: str
    value: ColumnElement[Any]
    households: ColumnElement[Any] | None
    average: bool = False  # over nothing, an average is no number (a count or a sum is 0)


@dataclass(frozen=True)
class Columns:
    """The split of a figure: the key expression and the label of each key (None: not filled in)."""

    key: Expression | None
    labels: Mapping[Any, str] = field(default_factory=dict)
    unknown: bool = True  # a column for the rows where the key is not filled in
    places: Mapping[Any, tuple[str, str]] = field(default_factory=dict)  # (commune, quartier) of each key

    def ordered(self) -> list[tuple[Any, str]]:
        if self.key is None:
            return []
        keys: list[tuple[Any, str]] = list(self.labels.items())
        return [*keys, (None, UNKNOWN_LABEL)] if self.unknown else keys

    def column_places(self) -> list[tuple[str, str]]:
        """Where each column is, for the extracts: (commune, quartier), the whole centre last."""
        return [*(self.places.get(key, (label, "")) for key, label in self.ordered()), (TOTAL_LABEL, "")]


Grid: TypeAlias = dict[tuple[Any, ...], list["Cell"]]


def aggregate(base: Select[Any], keys: Sequence[Expression], measures: Sequence[Measure]) -> Grid:
    """One GROUP BY over `base`: for each combination of the keys, each measure's cell."""
    columns: list[Any] = [*keys]
    for measure in measures:
        columns.append(measure.value)
        columns.append(measure.households if measure.households is not None else func.count())
    statement = base.with_only_columns(*columns).group_by(*keys) if keys else base.with_only_columns(*columns)
    found: dict[tuple[Any, ...], list[Cell]] = {}
    width = len(keys)
    for line in db.session.execute(statement).all():
        values = line[width:]
        found[tuple(line[:width])] = [
            Cell(_number(values[2 * i]), int(values[2 * i + 1] or 0) if m.households is not None else None)
            for i, m in enumerate(measures)
        ]
    return found


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def empty(measure: Measure) -> Cell:
    return Cell(None if measure.average else 0, 0 if measure.households is not None else None)


def by_category(
    *,
    key: str,
    title: str,
    unit: Unit,
    row_header: str,
    base: Select[Any],
    category: Expression,
    categories: Mapping[Any, str],
    measure: Measure,
    split: Columns,
    chart: str = "stacked",
    note: str = "",
    additive: bool = True,
) -> Figure:
    """Categories in rows (with a total row), the split in columns (with the whole centre last)."""
    split_keys = split.ordered()
    grid: Grid = aggregate(base, [category, split.key], [measure]) if split.key is not None else {}
    per_category = aggregate(base, [category], [measure])
    per_split: Grid = aggregate(base, [split.key], [measure]) if split.key is not None else {}
    overall = aggregate(base, [], [measure])
    blank = empty(measure)
    labels = dict(categories)
    for (found,) in per_category:  # a category the labels do not know still counts
        labels.setdefault(found, UNKNOWN_LABEL if found in (None, "") else str(found))
    rows = [
        Row(
            label,
            [
                *(grid.get((cat, col), [blank])[0] for col, _ in split_keys),
                per_category.get((cat,), [blank])[0],
            ],
        )
        for cat, label in labels.items()
    ]
    if additive:
        rows.append(
            Row(
                "Total",
                [*(per_split.get((col,), [blank])[0] for col, _ in split_keys), overall.get((), [blank])[0]],
            )
        )
    return Figure(
        key=key,
        title=title,
        unit=unit,
        row_header=row_header,
        columns=[*(label for _, label in split_keys), TOTAL_LABEL],
        rows=rows,
        chart=chart,
        note=note,
        row_total=additive and split.key is not None,
        column_total=additive,
        column_places=split.column_places(),
    )


def by_measure(
    *,
    key: str,
    title: str,
    unit: Unit,
    row_header: str,
    base: Select[Any],
    measures: Sequence[Measure],
    split: Columns,
    units: Mapping[str, Unit] | None = None,
    chart: str = "bar",
    note: str = "",
    additive: bool = True,
) -> Figure:
    """Measures in rows, the split in columns (with the whole centre last)."""
    split_keys = split.ordered()
    per_split: Grid = aggregate(base, [split.key], measures) if split.key is not None else {}
    overall = aggregate(base, [], measures).get((), [empty(m) for m in measures])
    rows = [
        Row(
            measure.label,
            [*(per_split.get((col,), [empty(m) for m in measures])[i] for col, _ in split_keys), overall[i]],
            unit=(units or {}).get(measure.label),
        )
        for i, measure in enumerate(measures)
    ]
    return Figure(
        key=key,
        title=title,
        unit=unit,
        row_header=row_header,
        columns=[*(label for _, label in split_keys), TOTAL_LABEL],
        rows=rows,
        chart=chart,
        note=note,
        row_total=additive and split.key is not None,
        column_places=split.column_places(),
    )
