"""Load, validate and version the diagrams of workflows/; keep one parsed spec per version in memory."""

from __future__ import annotations

import ast
import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from sqlalchemy import func, select

from service import clock
from service.engine import messages, scripting, services, sources, table_expressions
from service.engine.decision_tables import check_unique_tables
from service.engine.durations import parse_duration
from service.engine.forms import FormSchemaError, TaskForm, check_form_schema, form_source_name
from service.engine.problems import DiagramError, Problem
from service.engine.sandbox import policy
from service.engine.serialization import SpecBundle, StateCodec
from service.errors import EntraideError
from service.extensions import db
from service.models import ProcessDefinition, ProcessInstance, Role

ROLES = {role.value for role in Role}
__all__ = ["CheckedProcess", "DiagramError", "Problem", "UserTaskRef"]


@dataclass(frozen=True)
class UserTaskRef:
    """A human task of a process (or of a process it calls), for the checks only the service can make."""

    file: str
    id: str
    name: str


@dataclass
class CheckedProcess:
    """A process that passed validation, ready to deploy."""

    key: str
    name: str
    sources: dict[str, str]
    spec: dict[str, Any]
    user_tasks: list[UserTaskRef] = field(default_factory=list)
    content_hash: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256()
        for name in sorted(self.sources):
            digest.update(name.encode() + b"\0" + self.sources[name].encode() + b"\0")
        self.content_hash = digest.hexdigest()


@dataclass(frozen=True)
class Deployment:
    key: str
    version: int
    created: bool


_codec = StateCodec()
# Keyed by id and content: a row id can come back after a rolled-back deployment (SQLite reuses it).
_bundles: dict[tuple[int, str], SpecBundle] = {}
_bundles_lock = threading.Lock()
_forms: dict[tuple[int, str, str], TaskForm] = {}


def codec() -> StateCodec:
    return _codec


def check_folder(
    folder: Path, *, max_bytes: int = sources.DEFAULT_MAX_BYTES, warnings: list[Problem] | None = None
) -> list[CheckedProcess]:
    """Validate every diagram, table and form of a folder; raise DiagramError listing every problem."""
    texts, problems = sources.read_folder(folder, max_bytes=max_bytes)
    return check_sources(texts, warnings=warnings, problems=problems)


def check_sources(
    texts: dict[str, str], *, warnings: list[Problem] | None = None, problems: list[Problem] | None = None
) -> list[CheckedProcess]:
    """Validate a set of sources {relative name: text}; raise DiagramError listing every problem.

    Every file is checked, even after a first refusal, so that one run lists everything to fix. Processes
    marked isExecutable="false" are ignored, with a warning when the caller asks for warnings.
    """
    problems = list(problems or [])
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for suffix in (".dmn", ".bpmn"):  # the tables first: tasks look them up while being parsed
        for name in sorted(name for name in texts if name.endswith(suffix)):
            _add(parser, name, texts[name], problems)
    if warnings is not None:
        warnings.extend(_ignored_processes(parser))
    limits = scripting.current_limits()
    for name in sorted(name for name in texts if name.endswith(".dmn")):
        problems.extend(
            Problem(found.file, found.element, found.message, rule=found.rule)
            for found in check_unique_tables(name, texts[name])
        )
    for dmn_parser in list(parser.dmn_parsers.values()):
        problems.extend(_check_table_expressions(dmn_parser, limits))
    processes = _check_processes(parser, texts, problems, limits)
    if problems:
        raise DiagramError(problems)
    return processes


def _add(parser: SpiffBpmnParser, name: str, text: str, problems: list[Problem]) -> None:
    add = parser.add_dmn_str if name.endswith(".dmn") else parser.add_bpmn_str
    try:
        add(text.encode(), filename=name)
    except ValidationException as exc:
        problems.append(_validation_problem(exc, name))
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(name, "", messages.xml(str(exc), exc.lineno, exc.offset)))
    except Exception:  # the parsers raise what they meet (IndexError, KeyError...): say where, in French
        problems.append(Problem(name, "", "le moteur ne sait pas lire ce fichier tel qu'il est écrit"))


def _validation_problem(exc: ValidationException, file_name: str) -> Problem:
    """A parser's refusal, translated, with the element's id and name (never the node's representation)."""
    message = str(exc.args[0]) if exc.args else ""
    line = f" (ligne {exc.line_number})" if exc.line_number and not exc.id else ""
    return Problem(exc.file_name or file_name, exc.id or "", messages.engine(message) + line,
                   name=exc.name or "")  # fmt: skip


def _ignored_processes(parser: SpiffBpmnParser) -> list[Problem]:
    return [
        Problem(process.filename, key, 'processus non exécutable (isExecutable="false") : ignoré',
                name=process.get_name() or "")
        for key, process in parser.process_parsers.items()
        if not process.process_executable
    ]  # fmt: skip


def _check_table_expressions(dmn_parser: Any, limits: scripting.Limits) -> list[Problem]:
    """Every expression a DMN table runs, blamed on the DMN file, with the rule it belongs to."""
    file_name = dmn_parser.filename
    try:
        if dmn_parser.decision is None:
            dmn_parser.parse()
    except ValidationException as exc:
        return [_validation_problem(exc, file_name)]
    except Exception:
        return [Problem(file_name, "", "le moteur ne sait pas lire cette table de décision")]
    problems = []
    decision_name = dmn_parser.decision.name or ""
    for table in dmn_parser.decision.decisionTables:
        for column in table.inputs:
            if not column.expression:
                missing = "colonne d'entrée sans expression (inputExpression)"
                problems.append(Problem(file_name, column.id, missing, name=column.label or ""))
        for found in table_expressions.expressions(table):
            reason = _refusal(found.source, "eval", limits)
            reason = reason or _refusal(found.cell, "eval", limits, alone=True)
            if reason:
                rule = f"{found.row} « {found.rule_id} »" if found.rule_id else ""
                problems.append(Problem(file_name, table.id, f"{found.where} « {found.cell} » : {reason}",
                                        name=table.name or decision_name, rule=rule))  # fmt: skip
    return problems


def _refusal(source: str, mode: policy.Mode, limits: scripting.Limits, *, alone: bool = False) -> str | None:
    """Why the sandbox refuses a source, or what the source does when run; None when it is acceptable.

    A source that reads no data (closed) is run once, in the sandbox and with its budget: what it does then,
    it would do at every evaluation. `alone` is a DMN cell tried by itself: one that is no expression on
    its own (« < 500 ») is judged in its composed form only.
    """
    try:
        checked = policy.check(source, mode)
    except policy.RefusedError as exc:
        return None if alone else f"expression refusée : {exc}"
    if not checked.closed or _literal(source, mode):
        return None
    environment = scripting.SandboxedEnvironment(limits)
    try:
        if mode == "eval":
            environment.evaluate(source, {})
        else:
            environment.execute(source, {})
    except scripting.SandboxStop as stop:
        return f"expression refusée : elle {stop.what}"
    except Exception as exc:
        return f"expression refusée : elle échoue à chaque évaluation ({type(exc).__name__})"
    return None


def _literal(source: str, mode: policy.Mode) -> bool:
    if mode != "eval":
        return False
    try:
        ast.literal_eval(source.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def _check_processes(
    parser: SpiffBpmnParser, texts: dict[str, str], problems: list[Problem], limits: scripting.Limits
) -> list[CheckedProcess]:
    checked = []
    for key in parser.get_process_ids():
        file_name = parser.get_process_parser(key).filename
        try:
            spec = parser.get_spec(key)
            bundle = SpecBundle(spec, parser.get_subprocess_specs(key))
        except ValidationException as exc:
            problems.append(_validation_problem(exc, file_name))
            continue
        except Exception:
            problems.append(Problem(file_name, key, "le moteur ne sait pas lire ce processus"))
            continue
        called = {parser.get_process_parser(name).filename for name in bundle.subprocess_specs}
        forms, user_tasks = _check_tasks(bundle, texts, problems, limits)
        used = {file_name} | called | _used_tables(parser, bundle) | forms
        checked.append(
            CheckedProcess(
                key=key,
                name=spec.description or key,
                sources={name: texts[name] for name in sorted(used)},
                spec=_codec.spec_to_dict(bundle),
                user_tasks=user_tasks,
            )
        )
    return checked


def _used_tables(parser: SpiffBpmnParser, bundle: SpecBundle) -> set[str]:
    """The DMN files whose tables the process (or a process it calls) evaluates."""
    files = {
        table_parser.decision.decisionTables[0].id: table_parser.filename
        for table_parser in parser.dmn_parsers.values()
        if table_parser.decision is not None and table_parser.decision.decisionTables
    }
    specs = [bundle.spec, *bundle.subprocess_specs.values()]
    tables = [task.dmnEngine.decision_table.id for spec in specs for task in spec.task_specs.values()
              if hasattr(task, "dmnEngine")]  # fmt: skip
    return {files[table] for table in tables if table in files}


def _check_tasks(
    bundle: SpecBundle, texts: dict[str, str], problems: list[Problem], limits: scripting.Limits
) -> tuple[set[str], list[UserTaskRef]]:
    """Check lanes, forms, durations and expressions; return the forms used and the human tasks."""
    forms: set[str] = set()
    user_tasks: list[UserTaskRef] = []
    for spec in [bundle.spec, *bundle.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            forms |= _check_task(spec.file, task_spec, texts, problems, limits)
            if isinstance(task_spec, UserTask):
                user_tasks.append(UserTaskRef(spec.file, task_spec.bpmn_id, task_spec.bpmn_name or ""))
    return forms, user_tasks


def _check_task(
    bpmn_name: str, task_spec: Any, texts: dict[str, str], problems: list[Problem], limits: scripting.Limits
) -> set[str]:
    element = task_spec.bpmn_id or task_spec.name

    def report(message: str) -> None:
        problems.append(Problem(bpmn_name, element, message, name=task_spec.bpmn_name or ""))

    for expression, mode in _expressions(task_spec):
        reason = _refusal(expression, mode, limits)
        if reason:
            report(f"« {expression} » : {reason}")
    operation = getattr(task_spec, "operation_name", None)
    if operation is not None and not services.known(operation):
        report(f"opération de service inconnue : « {operation} »")
    if not isinstance(task_spec, UserTask):
        return set()
    if task_spec.lane not in ROLES:
        report(f"couloir « {task_spec.lane} » : il doit porter le nom d'un rôle ({', '.join(sorted(ROLES))})")
    properties = task_spec.extensions.get("properties", {})
    form_key = properties.get("form")
    forms: set[str] = set()
    if not form_key:
        report("la tâche humaine n'a pas de formulaire (propriété « form »)")
    elif form_source_name(form_key) not in texts:
        report(f"formulaire introuvable : {form_source_name(form_key)}")
    else:
        try:
            check_form_schema(texts[form_source_name(form_key)])
            forms.add(form_source_name(form_key))
        except FormSchemaError as exc:
            report(f"{form_source_name(form_key)} : {exc}")
    due_in = properties.get("due_in", "")
    if due_in.startswith("P"):
        try:
            parse_duration(due_in)
        except ValueError as exc:
            report(str(exc))
    elif due_in and not due_in.isidentifier():
        report(f"due_in : ni une durée ISO 8601 ni un nom de variable : « {due_in} »")
    return forms


_EXPRESSION_ATTRIBUTES = ("cardinality", "condition", "completion_condition")  # loops, multi-instance


def _expressions(task_spec: Any) -> Iterator[tuple[str, policy.Mode]]:
    """The Python a task runs: conditions, scripts, arguments, loop conditions, event expressions."""
    for condition, _ in getattr(task_spec, "cond_task_specs", ()):  # exclusive and inclusive gateways
        if condition is not None:
            yield condition.args[0], "eval"  # the parser wraps the expression: its only argument
    for attribute in ("script", "prescript", "postscript"):
        if script := getattr(task_spec, attribute, None):
            yield script, "exec"
    for parameter in getattr(task_spec, "operation_params", {}).values():  # a serviceTask's arguments
        yield parameter["value"], "eval"
    for attribute in _EXPRESSION_ATTRIBUTES:
        if isinstance(value := getattr(task_spec, attribute, None), str) and value:
            yield value, "eval"
    definition = getattr(task_spec, "event_definition", None)
    for event in [definition, *getattr(definition, "event_definitions", [])]:
        if isinstance(expression := getattr(event, "expression", None), str) and expression:
            yield expression, "eval"  # timers, conditions, message payloads
        correlations = getattr(event, "correlation_properties", [])
        for correlation in [*correlations, *getattr(event, "process_correlations", [])]:
            if isinstance(retrieval := getattr(correlation, "retrieval_expression", None), str) and retrieval:
                yield retrieval, "eval"


def deploy(processes: Sequence[CheckedProcess], *, deployed_by: str) -> list[Deployment]:
    """Store a new version of each changed process; the caller commits."""
    results = []
    for process in processes:
        existing = db.session.scalars(
            select(ProcessDefinition).where(
                ProcessDefinition.process_key == process.key,
                ProcessDefinition.content_hash == process.content_hash,
            )
        ).one_or_none()
        if existing is not None:
            results.append(Deployment(process.key, existing.version, created=False))
            continue
        last_version = db.session.scalar(
            select(func.max(ProcessDefinition.version)).where(ProcessDefinition.process_key == process.key)
        )
        version = (last_version or 0) + 1
        db.session.add(
            ProcessDefinition(
                process_key=process.key,
                name=process.name,
                version=version,
                content_hash=process.content_hash,
                sources=process.sources,
                spec=process.spec,
                deployed_at=clock.now(),
                deployed_by=deployed_by,
            )
        )
        results.append(Deployment(process.key, version, created=True))
    db.session.flush()
    return results


def latest(process_key: str) -> ProcessDefinition:
    definition = db.session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_key == process_key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()
    if definition is None:
        raise EntraideError(
            f"Le processus « {process_key} » n'est pas déployé : lancez « entraide workflows deploy »."
        )
    return definition


def bundle(definition: ProcessDefinition) -> SpecBundle:
    """The parsed spec of a definition version, restored once per process."""
    key = (definition.id, definition.content_hash)
    cached = _bundles.get(key)
    if cached is None:
        with _bundles_lock:
            cached = _bundles.get(key)
            if cached is None:
                cached = _codec.spec_from_dict(json.loads(json.dumps(definition.spec)))
                _bundles[key] = cached
    return cached


def task_form(definition: ProcessDefinition, form_key: str) -> TaskForm:
    """The form of a task as deployed with the instance's version, parsed once per process."""
    key = (definition.id, definition.content_hash, form_key)
    form = _forms.get(key)
    if form is None:
        form = _forms[key] = TaskForm.parse(definition.sources[form_source_name(form_key)])
    return form


@dataclass(frozen=True)
class VersionSummary:
    id: int
    key: str
    name: str
    version: int
    content_hash: str
    running: int


def summary() -> list[VersionSummary]:
    """Every deployed version with the number of instances still running on it."""
    running = (
        select(ProcessInstance.definition_id, func.count().label("n"))
        .where(ProcessInstance.completed_at.is_(None))
        .group_by(ProcessInstance.definition_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ProcessDefinition, func.coalesce(running.c.n, 0))
        .outerjoin(running, running.c.definition_id == ProcessDefinition.id)
        .order_by(ProcessDefinition.process_key, ProcessDefinition.version)
    ).all()
    return [
        VersionSummary(d.id, d.process_key, d.name, d.version, d.content_hash, int(count))
        for d, count in rows
    ]
