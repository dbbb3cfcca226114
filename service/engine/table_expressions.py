"""The Python a DMN table runs, exactly as SpiffWorkflow's DMN engine composes it from the cells.

SpiffWorkflow 3.2.0 (dmn/engine/DMNEngine.py) turns an input entry into code at run time: with a `?` it
evaluates the input expression, then the entry with `?` replaced by `dmninputexpr`; otherwise
`(input) == (entry)` when the entry parses alone, else `input` + `entry` glued (`rav < 500`). Checking the
cells as written would miss what the glue makes of them: deployment checks these compositions, and an
incident names the rule whose composition was running.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The engine's own pattern: a question mark outside quotes.
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^\'\"]|[\'\"][^\'\"]*[\'\"])*$)")
INPUT_VARIABLE = "dmninputexpr"


@dataclass(frozen=True)
class TableExpression:
    source: str  # what the engine evaluates
    cell: str  # what the table says
    rule_id: str  # empty for an input column's expression
    row: int  # the rule's row, from 1; 0 for an input column
    where: str  # French: which cell


def expressions(table: Any) -> Iterator[TableExpression]:
    """Every expression the engine may evaluate for a SpiffWorkflow DecisionTable."""
    for column in table.inputs:
        if column.expression:
            where = f"expression de la colonne d'entrée « {column.label or column.id} »"
            yield TableExpression(column.expression, column.expression, "", 0, where)
    for rule in table.rules:
        for entry in rule.inputEntries:
            for cell in (text for text in entry.lhs if text is not None):
                where = f"entrée « {entry.input.label or entry.input.id} »"
                yield TableExpression(composed(entry.input.expression or "", cell), cell, rule.id,
                                      rule.row_number, where)  # fmt: skip
        for output in rule.outputEntries:
            if output.text:
                where = f"sortie « {output.output.label or output.output.name or output.output.id} »"
                yield TableExpression(output.text, output.text, rule.id, rule.row_number, where)


def composed(input_expression: str, cell: str) -> str:
    """The code the engine runs to test one input entry against its column's expression."""
    substituted = _QUESTION_MARK.sub(INPUT_VARIABLE, cell)
    if INPUT_VARIABLE in substituted:
        return substituted
    try:
        ast.parse(cell)
    except SyntaxError:
        return input_expression + cell
    return f"({input_expression}) == ({cell})"


def locate(table: Any, expression: str) -> str:
    """The rule (row and id) whose cell was being evaluated, or the input column; empty if unknown."""
    for found in expressions(table):
        if found.source == expression:
            return f"{found.row} « {found.rule_id} »" if found.rule_id else found.where
    return ""
