"""Expressions that provably stay small and short, evaluated in the service's own process.

Most of what diagrams say is `decision == "accord"`, `montant_cents <= plafond_cents` or
`commission["decision"]`: names, constants, constant keys, comparisons, boolean logic, arithmetic without
powers. Sending those to a worker would cost a round trip each for nothing: this small interpreter walks
them directly, on a fixed list of node kinds (no call, no attribute, no loop, no power), at most
MAX_NODES nodes, and checks each operand as it goes: plain data only, texts of at most MAX_TEXT characters,
integers of at most MAX_INT_BITS bits, containers of at most MAX_ITEMS items for `in`. Each node then costs
a bounded amount of time and memory, so the whole does. Anything else, at compile time or at run time
(NotBoundedError), goes to a worker with its budget. The source has passed policy.check first.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

MAX_NODES = 64
MAX_TEXT = 10_000
MAX_INT_BITS = 4096
MAX_ITEMS = 1000
_SCALARS = (type(None), bool, int, float, str)
_CONTAINERS = (dict, list, tuple)
_COMPARE: Mapping[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}  # fmt: skip
_ARITHMETIC: Mapping[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}  # fmt: skip
_UNARY: Mapping[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos,
}  # fmt: skip
_NODES = (
    ast.Expression, ast.Module, ast.Assign, ast.Expr, ast.Name, ast.Load, ast.Store, ast.Constant,
    ast.Compare, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.BinOp, ast.IfExp, ast.Subscript,
    ast.Tuple, ast.List, *_COMPARE, *_ARITHMETIC, *_UNARY,
)  # fmt: skip


class NotBoundedError(Exception):
    """This evaluation is not provably bounded here: a worker takes it."""


def accepts(tree: ast.AST) -> bool:
    """Whether a parsed source uses only what this interpreter bounds (checked again at run time)."""
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES or not all(isinstance(node, _NODES) for node in nodes):
        return False
    for node in nodes:
        if isinstance(node, ast.Assign) and not all(isinstance(t, ast.Name) for t in node.targets):
            return False
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant):
            return False
        if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant):
            return False  # a bare expression statement: only docstrings are worth skipping
    return True


def evaluate(tree: ast.Expression, values: Mapping[str, Any]) -> Any:
    return _value(tree.body, values)


def execute(tree: ast.Module, values: Mapping[str, Any]) -> dict[str, Any]:
    """Run the assignments; return every name the script leaves, as a script's namespace would."""
    namespace = dict(values)
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            result = _value(statement.value, namespace)
            for target in statement.targets:
                if isinstance(target, ast.Name):  # accepts() let only names through
                    namespace[target.id] = result
    return namespace


def _value(node: ast.AST, values: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return _bounded(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise NameError(f"name '{node.id}' is not defined")
        return _data(values[node.id])
    if isinstance(node, ast.BoolOp):
        return _boolean(node, values)
    if isinstance(node, ast.Compare):
        return _compare(node, values)
    if isinstance(node, ast.UnaryOp):
        return _bounded(_UNARY[type(node.op)](_bounded(_value(node.operand, values))))
    if isinstance(node, ast.BinOp):
        left, right = _number(_value(node.left, values)), _number(_value(node.right, values))
        return _bounded(_ARITHMETIC[type(node.op)](left, right))
    if isinstance(node, ast.IfExp):
        return _value(node.body if _value(node.test, values) else node.orelse, values)
    if isinstance(node, ast.Subscript):
        return _data(_container(_value(node.value, values))[_value(node.slice, values)])
    if isinstance(node, ast.Tuple | ast.List):
        items = [_value(item, values) for item in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    raise NotBoundedError


def _boolean(node: ast.BoolOp, values: Mapping[str, Any]) -> Any:
    result: Any = None
    for operand in node.values:  # Python's own short-circuit: the last operand read is the value
        result = _value(operand, values)
        if (not result) if isinstance(node.op, ast.And) else bool(result):
            return result
    return result


def _compare(node: ast.Compare, values: Mapping[str, Any]) -> bool:
    left = _value(node.left, values)
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = _value(comparator, values)
        if isinstance(op, ast.In | ast.NotIn):
            _bounded(left), _container(right)
        else:
            _bounded(left), _bounded(right)
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


def _data(value: Any) -> Any:
    if type(value) in _SCALARS:
        return _bounded(value)
    if type(value) in _CONTAINERS:
        return value
    raise NotBoundedError


def _bounded(value: Any) -> Any:
    """A scalar small enough that any operation on it here is cheap."""
    kind = type(value)
    if kind is str and len(value) > MAX_TEXT:
        raise NotBoundedError
    if kind is int and value.bit_length() > MAX_INT_BITS:
        raise NotBoundedError
    if kind not in _SCALARS:
        raise NotBoundedError
    return value


def _number(value: Any) -> Any:
    if type(value) not in (bool, int, float):
        raise NotBoundedError  # text or lists multiplied or added: the worker bounds those
    return _bounded(value)


def _container(value: Any) -> Any:
    if type(value) is str:
        return _bounded(value)
    if type(value) not in _CONTAINERS or len(value) > MAX_ITEMS:
        raise NotBoundedError
    return value
