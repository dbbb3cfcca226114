"""Check that UNIQUE decision tables are complete and unambiguous: one rule, exactly, for every input.

The check is exact: each input's domain is cut into elementary pieces (the values named by the rules, the
points where a comparison changes and the open intervals between them) and every combination of pieces is
tried against every rule. A table this check cannot read fully (an entry such as « != 5 », « not(...) »,
a function call, a date...) cannot be proved: it is refused too, naming the entry and its rule, since at
run time the first matching rule would win without a word.

Understood entries, alone or as a comma-separated list of one kind: « - » or empty (any value); numbers
(« 12 », « -3.5 ») and comparisons (« < n », « <= n », « > n », « >= n », « == n », « ? < n »,
« a <= ? < b »); FEEL ranges (« [a..b] », « ]a..b[ », « (a..b) », « [a..b[ »...); strings (« "x" »,
« 'x' »); booleans (« True », « false »...).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from lxml import etree

_MAX_CELLS = 100_000  # combinations of pieces; beyond, the table is not checked
_MAX_GAPS = 3
_INTEGER_TYPES = {"integer", "int", "long", "short"}
_NUMBER_TYPES = _INTEGER_TYPES | {"number", "double", "decimal", "float"}
_NUMBER = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)"
_COMPARISON = re.compile(rf"(?:\?\s*)?(<=|>=|==|<|>)\s*({_NUMBER})")
_BETWEEN = re.compile(rf"({_NUMBER})\s*(<=|<)\s*\?\s*(<=|<)\s*({_NUMBER})")
_RANGE = re.compile(rf"([\[\](])\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*([\[\])])")
_STRING = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class TableProblem:
    file: str
    element: str
    message: str
    rule: str = ""  # the rule's row and id, when the problem is one rule's


class _UnanalysableError(Exception):
    """An entry or a table this check does not understand: the table cannot be proved, so it is refused."""

    def __init__(self, reason: str, rule: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.rule = rule


_UNDERSTOOD = (
    "formes comprises : « - » ou vide, nombres, comparaisons (< <= > >= ==), « a <= ? < b », intervalles "
    "[a..b], textes entre guillemets, True/False, ou une liste de ces formes séparées par des virgules"
)


class Kind(Enum):
    NUMBER = "nombre"
    STRING = "texte"
    BOOLEAN = "booléen"


_DECLARED_KINDS = {
    **{type_ref: Kind.NUMBER for type_ref in _NUMBER_TYPES},
    **{type_ref: Kind.BOOLEAN for type_ref in ("boolean", "bool")},
    **{type_ref: Kind.STRING for type_ref in ("string", "str")},
}


@dataclass(frozen=True)
class Interval:
    low: Fraction | None  # None: unbounded
    low_closed: bool
    high: Fraction | None
    high_closed: bool

    def contains(self, value: Fraction) -> bool:
        above = self.low is None or value > self.low or (self.low_closed and value == self.low)
        below = self.high is None or value < self.high or (self.high_closed and value == self.high)
        return above and below

    def bounds(self) -> Iterable[Fraction]:
        return (bound for bound in (self.low, self.high) if bound is not None)


@dataclass(frozen=True)
class _Other:
    """Any string value the rules do not name."""


OTHER = _Other()
Value = Fraction | str | bool | _Other


@dataclass(frozen=True)
class Test:
    """What an input entry accepts: intervals for a number, values for a string or a boolean."""

    kind: Kind
    intervals: tuple[Interval, ...] = ()
    values: frozenset[str | bool] = frozenset()

    def accepts(self, value: Value) -> bool:
        if isinstance(value, Fraction):
            return any(interval.contains(value) for interval in self.intervals)
        return not isinstance(value, _Other) and value in self.values


@dataclass(frozen=True)
class Piece:
    value: Value
    label: str


@dataclass(frozen=True)
class Column:
    name: str
    pieces: tuple[Piece, ...]
    shown: bool  # some rule tests this input: it belongs in the examples


@dataclass(frozen=True)
class Rule:
    id: str
    row: int
    tests: tuple[Test | None, ...]  # None: any value

    def covers(self, cell: Sequence[Piece]) -> bool:
        return all(
            test is None or test.accepts(piece.value) for test, piece in zip(self.tests, cell, strict=True)
        )

    def __str__(self) -> str:
        return f"{self.row} ({self.id})"


def check_unique_tables(file_name: str, text: str) -> list[TableProblem]:
    """Report the overlapping rules and the uncovered inputs of every UNIQUE table of a DMN document."""
    try:
        root = etree.fromstring(text.encode())
    except etree.XMLSyntaxError:
        return []  # the DMN parser reports it
    problems: list[TableProblem] = []
    for table in root.iter():
        if (
            _local_name(table) == "decisionTable"
            and table.get("hitPolicy", "UNIQUE").strip().upper() == "UNIQUE"
        ):
            try:
                problems.extend(_check_table(file_name, table))
            except _UnanalysableError as exc:
                problems.append(
                    TableProblem(
                        file_name,
                        table.get("id", ""),
                        f"table « {table.get('id', '?')} » (hitPolicy UNIQUE) : impossible de prouver "
                        "que ses règles ne se recouvrent pas et couvrent tous les cas, la table est "
                        f"refusée : {exc.reason}",
                        exc.rule,
                    )
                )
    return problems


def _check_table(file_name: str, table: etree._Element) -> list[TableProblem]:
    inputs = _children(table, "input")
    rules = [
        Rule(element.get("id", "?"), row, _rule_tests(element, len(inputs), row))
        for row, element in enumerate(_children(table, "rule"), start=1)
    ]
    columns = [
        _column(element, [rule.tests[index] for rule in rules]) for index, element in enumerate(inputs)
    ]
    cells = math.prod(len(column.pieces) for column in columns)
    if cells > _MAX_CELLS:
        raise _UnanalysableError(f"{cells} combinaisons de cas à examiner, au plus {_MAX_CELLS}")
    overlaps, gaps = _walk(columns, rules)
    where = f"table « {table.get('id', '?')} » (hitPolicy UNIQUE) : "
    problems = [
        TableProblem(
            file_name,
            f"{first.id}, {second.id}",
            f"{where}les règles {first} et {second} se recouvrent"
            + _example(columns, cell, ", par exemple pour "),
        )
        for (first, second), cell in overlaps.items()
    ]
    for number, cell in enumerate(gaps[:_MAX_GAPS], start=1):
        more = " (et d'autres cas)" if number == _MAX_GAPS and len(gaps) > _MAX_GAPS else ""
        uncovered = _example(columns, cell, " ") or " aucune entrée"
        problems.append(
            TableProblem(file_name, table.get("id", ""), f"{where}aucune règle ne couvre{uncovered}{more}")
        )
    return problems


def _walk(
    columns: Sequence[Column], rules: Sequence[Rule]
) -> tuple[dict[tuple[Rule, Rule], tuple[Piece, ...]], list[tuple[Piece, ...]]]:
    """Every pair of rules that overlap with its first common cell, and the cells no rule covers."""
    overlaps: dict[tuple[Rule, Rule], tuple[Piece, ...]] = {}
    gaps: list[tuple[Piece, ...]] = []
    for cell in itertools.product(*(column.pieces for column in columns)):
        covering = [rule for rule in rules if rule.covers(cell)]
        for pair in itertools.combinations(covering, 2):
            overlaps.setdefault(pair, cell)
        if not covering:
            gaps.append(cell)
    return overlaps, gaps


def _example(columns: Sequence[Column], cell: Sequence[Piece], prefix: str) -> str:
    values = [
        f"{column.name} = {piece.label}" for column, piece in zip(columns, cell, strict=True) if column.shown
    ]
    return prefix + ", ".join(values) if values else ""


# Reading the table


def _local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local_name(child) == name]


def _text(element: etree._Element | None) -> str:
    """The text of an element's <text> child."""
    if element is None:
        return ""
    texts = _children(element, "text")
    return (texts[0].text or "").strip() if texts else ""


def _rule_tests(rule: etree._Element, width: int, row: int) -> tuple[Test | None, ...]:
    where = f"{row} « {rule.get('id', '?')} »"
    entries = _children(rule, "inputEntry")
    if len(entries) != width:
        raise _UnanalysableError(f"la règle a {len(entries)} entrées pour {width} colonnes", where)
    tests = []
    for entry in entries:
        try:
            tests.append(_parse_entry(_text(entry)))
        except _UnanalysableError as exc:
            message = f"entrée « {_text(entry)} » non comprise ({_UNDERSTOOD})"
            raise _UnanalysableError(message, where) from exc
    return tuple(tests)


def _column(element: etree._Element, tests: Sequence[Test | None]) -> Column:
    expression = next(iter(_children(element, "inputExpression")), None)
    name = _text(expression) or element.get("label") or element.get("id", "?")
    type_ref = (expression.get("typeRef", "") if expression is not None else "").lower()
    kind = _kind(name, type_ref, tests)
    if kind is None:  # every rule accepts any value: the input does not matter
        return Column(name, (Piece(OTHER, ""),), shown=False)
    domain_text = _text(next(iter(_children(element, "inputValues")), None))
    try:
        domain = _parse_entry(domain_text) if domain_text else None
    except _UnanalysableError as exc:
        raise _UnanalysableError(f"valeurs permises « {domain_text} » de « {name} » non comprises") from exc
    if domain is not None and domain.kind is not kind:
        raise _UnanalysableError(f"les valeurs permises de « {name} » ne sont pas du genre de ses entrées")
    if kind is Kind.NUMBER:
        pieces = _number_pieces(tests, domain, integers=type_ref in _INTEGER_TYPES)
    elif kind is Kind.BOOLEAN:
        pieces = [Piece(True, "True"), Piece(False, "False")]
    else:
        pieces = _string_pieces(tests, domain)
    return Column(name, _distinct(pieces, tests), shown=True)


def _distinct(pieces: Sequence[Piece], tests: Sequence[Test | None]) -> tuple[Piece, ...]:
    """The first piece of each set that every rule treats alike: one example per case, not per value."""
    cases: dict[tuple[bool, ...], Piece] = {}
    for piece in pieces:
        cases.setdefault(tuple(test is None or test.accepts(piece.value) for test in tests), piece)
    return tuple(cases.values())


def _kind(name: str, type_ref: str, tests: Sequence[Test | None]) -> Kind | None:
    """The kind of an input, from its typeRef and its entries; None when no rule tests it."""
    seen = {test.kind for test in tests if test is not None}
    if not seen:
        return None
    declared = _DECLARED_KINDS.get(type_ref)
    if len(seen) > 1:
        kinds = ", ".join(sorted(kind.value for kind in seen))
        raise _UnanalysableError(f"les entrées de « {name} » mêlent plusieurs genres ({kinds})")
    if type_ref and seen != {declared}:  # a typeRef (date, duration...) this check does not know
        raise _UnanalysableError(f"le type « {type_ref} » de « {name} » ne correspond pas à ses entrées")
    return seen.pop()


# Cutting the domains into pieces


def _number_pieces(tests: Sequence[Test | None], domain: Test | None, *, integers: bool) -> list[Piece]:
    """One value for each point where a rule changes and for each open interval between those points."""
    intervals = [interval for test in [*tests, domain] if test is not None for interval in test.intervals]
    bounds = sorted({bound for interval in intervals for bound in interval.bounds()})
    edges: list[Fraction | None] = [None, *bounds, None]
    candidates: list[Fraction | None] = []
    for low, high in itertools.pairwise(edges):
        candidates.append(_inside(low, high, integers=integers))
        if high is not None:
            candidates.append(high if not integers or high.denominator == 1 else None)
    return [
        Piece(value, _show_number(value))
        for value in candidates
        if value is not None and (domain is None or domain.accepts(value))
    ]


def _inside(low: Fraction | None, high: Fraction | None, *, integers: bool) -> Fraction | None:
    """A value strictly between two bounds, an integer if one fits (None if only integers will do)."""
    if high is None:
        return Fraction(0 if low is None else math.floor(low) + 1)
    if low is None:
        return Fraction(math.ceil(high) - 1)
    integer = Fraction(math.floor(low) + 1)
    if integer < high:
        return integer
    return None if integers else (low + high) / 2


def _string_pieces(tests: Sequence[Test | None], domain: Test | None) -> list[Piece]:
    if domain is not None:
        return [Piece(value, _show(value)) for value in _ordered(domain.values)]
    named = _ordered(value for test in tests if test is not None for value in test.values)
    other = "une autre valeur" + (f" que {', '.join(_show(value) for value in named)}" if named else "")
    return [*(Piece(value, _show(value)) for value in named), Piece(OTHER, other)]


def _ordered(values: Iterable[str | bool]) -> list[str | bool]:
    return sorted(set(values), key=str)


def _show(value: Value) -> str:
    if isinstance(value, Fraction):
        return _show_number(value)
    return f'"{value}"' if isinstance(value, str) else str(value)


def _show_number(value: Fraction) -> str:
    """The decimal writing of a number; the values shown are decimals or their halves, hence finite."""
    digits, scaled = 0, value
    while scaled.denominator != 1 and digits < 30:
        digits, scaled = digits + 1, scaled * 10
    if scaled.denominator != 1:
        return str(float(value))
    whole, decimals = divmod(abs(scaled.numerator), 10**digits)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}" + (f".{decimals:0{digits}d}" if digits else "")


# Reading the entries


def _parse_entry(text: str) -> Test | None:
    """The values an input entry accepts; None for any value; raise _UnanalysableError if not understood."""
    text = text.strip()
    if text in {"", "-"}:
        return None
    tests = [_parse_item(item) for item in _split_items(text)]
    kinds = {test.kind for test in tests}
    if len(kinds) != 1:
        raise _UnanalysableError("plusieurs genres dans une même entrée")
    return Test(
        kinds.pop(),
        tuple(interval for test in tests for interval in test.intervals),
        frozenset(value for test in tests for value in test.values),
    )


def _split_items(text: str) -> list[str]:
    """Split a list of tests on the commas outside quotes."""
    items, current, quote = [], "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == ",":
            items.append(current.strip())
            current = ""
            continue
        current += char
    if quote:
        raise _UnanalysableError("guillemet non refermé")
    return [*items, current.strip()]


def _parse_item(item: str) -> Test:
    if item.lower() in _BOOLEANS:
        return Test(Kind.BOOLEAN, values=frozenset({_BOOLEANS[item.lower()]}))
    if string := _STRING.fullmatch(item):
        return Test(Kind.STRING, values=frozenset({string.group(1) or string.group(2) or ""}))
    return Test(Kind.NUMBER, intervals=(_parse_interval(item),))


def _parse_interval(item: str) -> Interval:
    if re.fullmatch(_NUMBER, item):
        return Interval(Fraction(item), True, Fraction(item), True)
    if comparison := _COMPARISON.fullmatch(item):
        operator, number = comparison.group(1), Fraction(comparison.group(2))
        return {
            "<": Interval(None, False, number, False),
            "<=": Interval(None, False, number, True),
            ">": Interval(number, False, None, False),
            ">=": Interval(number, True, None, False),
            "==": Interval(number, True, number, True),
        }[operator]
    if between := _BETWEEN.fullmatch(item):
        low, low_operator, high_operator, high = between.groups()
        return Interval(Fraction(low), low_operator == "<=", Fraction(high), high_operator == "<=")
    if feel_range := _RANGE.fullmatch(item):
        opening, low, high, closing = feel_range.groups()
        return Interval(Fraction(low), opening == "[", Fraction(high), closing == "]")
    raise _UnanalysableError(f"« {item} » non compris")


# Reading the rules for display


@dataclass(frozen=True)
class RuleView:
    id: str
    row: int
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    description: str

    @property
    def cells(self) -> tuple[str, ...]:
        return (*self.inputs, *self.outputs)


@dataclass(frozen=True)
class TableView:
    table_id: str
    name: str
    hit_policy: str
    inputs: list[str]
    outputs: list[str]
    rules: list[RuleView]


def read_rules(text: str) -> list[TableView]:
    """The decision tables of a DMN document as an administrator reads them: columns, then rules."""
    try:
        root = etree.fromstring(text.encode())
    except etree.XMLSyntaxError:
        return []
    views = []
    for table in (element for element in root.iter() if _local_name(element) == "decisionTable"):
        inputs = [
            element.get("label") or _text(next(iter(_children(element, "inputExpression")), None))
            for element in _children(table, "input")
        ]
        outputs = [element.get("label") or element.get("name", "") for element in _children(table, "output")]
        rules = [
            RuleView(
                id=rule.get("id", "?"),
                row=row,
                inputs=tuple(_text(entry) or "-" for entry in _children(rule, "inputEntry")),
                outputs=tuple(_text(entry) for entry in _children(rule, "outputEntry")),
                description=next((d.text or "" for d in _children(rule, "description")), "").strip(),
            )
            for row, rule in enumerate(_children(table, "rule"), start=1)
        ]
        parent = table.getparent()
        name = (parent.get("name") if parent is not None else "") or table.get("id", "")
        hit_policy = table.get("hitPolicy", "UNIQUE").upper()
        views.append(TableView(table.get("id", ""), name, hit_policy, inputs, outputs, rules))
    return views
