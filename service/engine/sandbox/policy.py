"""What a diagram's expression may do: RestrictedPython's compiler and guards, a few builtins, data only.

Two layers. At compile time (at deployment, and again before each evaluation) a source is refused when it
imports, defines functions or classes, loops with `while`, names a builtin that opens a way out (`getattr`,
`type`, `vars`...), or touches an attribute or a key that leads to Python's internals: anything starting
with `_`, frames, code objects, tracebacks, generator and coroutine internals, `str.format`/`format_map`.
RestrictedPython then rewrites every attribute access, subscript, iteration and in-place operation into a
call to one of the guards below, which check the same rules on the real objects at run time: attributes
are read only on plain data (text, numbers, dates, lists, dictionaries), never on a function, a type, a
generator or a frame, so the names the static check cannot see (a key computed at run time) stop there.

What it does not bound is time and memory: the worker and its pool do (see worker.py).
"""

from __future__ import annotations

import ast
import builtins
import datetime
import decimal
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from . import bounded

Mode = Literal["eval", "exec"]


class RefusedError(ValueError):
    """The sandbox refuses this source or this access; the message is French and names what."""


SAFE_BUILTINS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "float", "int", "len", "list",
        "max", "min", "range", "round", "set", "sorted", "str", "sum", "tuple", "zip",
    )
}  # fmt: skip

# The exact types whose attributes and items an expression may read: what task data is made of. Exact,
# not isinstance: a subclass could bring attributes of its own.
DATA_TYPES: frozenset[type] = frozenset({
    str, int, float, bool, type(None), dict, list, tuple, set, frozenset, range,
    datetime.date, datetime.datetime, datetime.time, datetime.timedelta, decimal.Decimal,
})  # fmt: skip
_WRITABLE_TYPES = (dict, list)

# Attribute prefixes of frames (f_), code objects (co_), generators (gi_), coroutines (cr_), asynchronous
# generators (ag_) and tracebacks (tb_): the road from any running code to the builtins of the process.
_INTERNAL_PREFIXES = ("f_", "co_", "gi_", "cr_", "ag_", "tb_")
_FORMATTERS = frozenset({"format", "format_map"})
_FORBIDDEN_ATTRIBUTES = INSPECT_ATTRIBUTES | _FORMATTERS | {"mro"}
# Not builtins here anyway; refused by name so that the message says why, at deployment already.
FORBIDDEN_NAMES = frozenset({
    "eval", "exec", "compile", "open", "globals", "locals", "vars", "getattr", "setattr", "delattr",
    "hasattr", "type", "object", "breakpoint", "input", "help", "dir", "print", "memoryview",
    "bytearray", "super", "classmethod", "staticmethod", "property", "format", "iter", "next",
    "exit", "quit",
})  # fmt: skip
_FORBIDDEN_NODES: dict[type[ast.AST], str] = {
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.FunctionDef: "définition de fonction",
    ast.AsyncFunctionDef: "définition de fonction",
    ast.Lambda: "lambda",
    ast.ClassDef: "définition de classe",
    ast.While: "boucle while",
    ast.Try: "try",
    ast.TryStar: "try",
    ast.With: "with",
    ast.AsyncWith: "with",
    ast.AsyncFor: "async for",
    ast.Raise: "raise",
    ast.Delete: "del",
    ast.Assert: "assert",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Await: "await",
    # A class pattern reads attributes in C, out of the guards' sight.
    ast.Match: "match",
}


def attribute_refusal(name: str) -> str | None:
    """Why an attribute may not be read or written, in French; None when it may."""
    if name.startswith("_"):
        return f"attribut interdit : {name} (les noms commençant par « _ » sont réservés à Python)"
    if name in _FORMATTERS:
        return (
            f"attribut interdit : {name} (str.{name} parcourt les attributs des objets ; "
            "écrivez une f-chaîne ou utilisez l'opérateur %)"
        )
    if name in _FORBIDDEN_ATTRIBUTES or name.startswith(_INTERNAL_PREFIXES):
        return f"attribut interdit : {name} (accès aux rouages de Python : cadres, code, générateurs)"
    return None


@dataclass(frozen=True)
class Checked:
    """A source the sandbox accepts: its restricted code, the names it reads, whether it needs data."""

    source: str
    mode: Mode
    code: CodeType
    names: frozenset[str]  # every name the source reads or binds, builtins aside
    closed: bool  # it reads no name it does not bind itself: its result never depends on the data
    # Its syntax tree when bounded.py can evaluate it in the service's process, else None.
    bounded_tree: ast.AST | None


@lru_cache(maxsize=4096)
def check(source: str, mode: Mode) -> Checked:
    """Refuse what the sandbox does not allow (RefusedError, in French); compile the rest, once."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        where = f" (ligne {exc.lineno}, colonne {exc.offset})" if exc.lineno else ""
        raise RefusedError(f"syntaxe Python invalide{where}") from None
    except (ValueError, RecursionError, MemoryError):
        raise RefusedError("expression illisible ou trop imbriquée") from None
    refusals = list(_refusals(tree))
    if refusals:
        raise RefusedError(" ; ".join(dict.fromkeys(refusals)))
    loaded, stored = _names(tree)  # before RestrictedPython rewrites the tree with its guards' names
    bounded_tree = ast.parse(source, mode=mode) if bounded.accepts(tree) else None  # a copy it won't touch
    try:
        if isinstance(tree, ast.Expression):
            compiled = compile_restricted_eval(tree)
        elif isinstance(tree, ast.Module):
            compiled = compile_restricted_exec(tree)
        else:  # ast.parse in these two modes gives nothing else
            raise RefusedError("mode d'évaluation inconnu")
    except (RecursionError, MemoryError):
        raise RefusedError("expression trop imbriquée") from None
    if compiled.errors or compiled.code is None:
        raise RefusedError(" ; ".join(_translated(error) for error in compiled.errors) or "refusée")
    return Checked(
        source=source,
        mode=mode,
        code=compiled.code,
        names=frozenset((loaded | stored) - SAFE_BUILTINS.keys()),
        closed=not (loaded - stored - SAFE_BUILTINS.keys()),
        bounded_tree=bounded_tree,
    )


_RESTRICTED_PYTHON_ERRORS = (
    ("Augmented assignment of object items", "x[i] += … n'est pas permis : écrivez x[i] = x[i] + …"),
    ("Augmented assignment of attributes", "x.a += … n'est pas permis"),
    ("is a reserved name", "nom réservé"),
    ("Unpacking in comprehensions", "dépaquetage (*) dans une compréhension non permis"),
    ("Assignment expressions are only allowed", "l'opérateur := ne s'applique qu'à un nom"),
    ("statements are not allowed", "instruction non permise"),
)


def _translated(error: str) -> str:
    """RestrictedPython's English refusal ("Line 2: ..."), in French; only what our walk did not foresee."""
    line, _, message = error.partition(": ")
    french = next((text for key, text in _RESTRICTED_PYTHON_ERRORS if key in message), None)
    french = french or "construction non permise"
    number = line.removeprefix("Line ").strip()
    return f"{french} (ligne {number})" if number.isdigit() else french


def _refusals(tree: ast.AST) -> Iterable[str]:
    nodes = sorted(  # in reading order: an attribute is where its name ends
        ast.walk(tree), key=lambda node: (getattr(node, "lineno", 0), getattr(node, "end_col_offset", 0))
    )
    for node in nodes:
        lineno = getattr(node, "lineno", None)
        line = f" (ligne {lineno})" if isinstance(lineno, int) else ""
        label = _FORBIDDEN_NODES.get(type(node))
        if label is not None:
            yield f"interdit dans un diagramme : {label}{line}"
        elif isinstance(node, ast.Attribute):
            reason = attribute_refusal(node.attr)
            if reason:
                yield reason + line
        elif isinstance(node, ast.Name) and (node.id.startswith("_") or node.id in FORBIDDEN_NAMES):
            yield f"nom interdit : {node.id}{line}"
        elif isinstance(node, ast.Subscript) and _underscore_key(node.slice):
            yield f"clé interdite : {_constant_text(node.slice)} (clé commençant par « _ »){line}"
        elif isinstance(node, ast.keyword) and node.arg is not None and node.arg.startswith("_"):
            yield f"argument interdit : {node.arg}{line}"


def _underscore_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("_")


def _constant_text(node: ast.AST) -> str:
    return str(node.value) if isinstance(node, ast.Constant) else "?"


def _names(tree: ast.AST) -> tuple[set[str], set[str]]:
    loaded: set[str] = set()
    stored: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
    return loaded, stored


# The guards RestrictedPython's rewritten code calls


def _getattr(obj: object, name: str) -> Any:
    reason = attribute_refusal(name) if isinstance(name, str) else "nom d'attribut invalide"
    if reason:
        raise RefusedError(reason)
    if type(obj) not in DATA_TYPES:
        raise RefusedError(
            f"attribut « {name} » d'un objet {type(obj).__name__} : seules les données (textes, nombres, "
            "dates, listes, dictionnaires) ont des attributs lisibles"
        )
    return getattr(obj, name)


def _getitem(obj: Any, key: Any) -> Any:
    if isinstance(key, str) and key.startswith("_"):
        raise RefusedError(f"clé interdite : {key} (clé commençant par « _ »)")
    if type(obj) not in DATA_TYPES:
        raise RefusedError(f"indexation d'un objet {type(obj).__name__} : seules les données s'indexent")
    return obj[key]


def _write(obj: Any) -> Any:
    if type(obj) not in _WRITABLE_TYPES:
        raise RefusedError(f"modification d'un objet {type(obj).__name__} : seuls listes et dictionnaires")
    return obj


_INPLACE: Mapping[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
}  # fmt: skip


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    return _INPLACE[op](target, value)


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


GUARDS: dict[str, Any] = {
    "_getattr_": _getattr,
    "_getitem_": _getitem,
    "_getiter_": iter,
    "_write_": _write,
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
}
_RESERVED = frozenset({"__builtins__", *GUARDS})


def run(checked: Checked, values: Mapping[str, Any]) -> Any:
    """Evaluate an expression, or execute a script and return the data it leaves; the caller bounds it."""
    namespace: dict[str, Any] = {**values, "__builtins__": SAFE_BUILTINS, **GUARDS}
    if checked.mode == "eval":
        return eval(checked.code, namespace)  # noqa: S307 - restricted code, guarded namespace
    exec(checked.code, namespace)  # noqa: S102 - restricted code, guarded namespace
    # What SpiffWorkflow keeps of a script's namespace: its data, not the functions it was given.
    return {name: value for name, value in namespace.items() if name not in _RESERVED and not callable(value)}
