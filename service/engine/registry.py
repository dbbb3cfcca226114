"""Load, validate and version the diagrams of workflows/; keep one parsed spec per version in memory."""

from __future__ import annotations

import ast
import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptEngineTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from sqlalchemy import func, select

from service import clock
from service.engine import services
from service.engine.decision_tables import check_unique_tables
from service.engine.durations import parse_duration
from service.engine.forms import FormSchemaError, TaskForm, check_form_schema, form_source_name
from service.engine.scripting import UnsafeExpressionError, check_source
from service.engine.serialization import SpecBundle, StateCodec
from service.errors import EntraideError
from service.extensions import db
from service.models import ProcessDefinition, ProcessInstance, Role

ROLES = {role.value for role in Role}


@dataclass(frozen=True)
class Problem:
    file: str
    element: str
    message: str

    def __str__(self) -> str:
        where = f" (élément « {self.element} »)" if self.element else ""
        return f"{self.file}{where} : {self.message}"


class DiagramError(EntraideError):
    """Some diagrams are invalid: none of the set is deployed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("Diagrammes refusés : " + " ; ".join(str(problem) for problem in problems))
        self.problems = list(problems)


@dataclass
class CheckedProcess:
    """A process that passed validation, ready to deploy."""

    key: str
    name: str
    sources: dict[str, str]
    spec: dict[str, Any]
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
_bundles: dict[int, SpecBundle] = {}
_bundles_lock = threading.Lock()
_forms: dict[tuple[int, str], TaskForm] = {}


def codec() -> StateCodec:
    return _codec


def check_folder(folder: Path) -> list[CheckedProcess]:
    """Validate every diagram, table and form of a folder; raise DiagramError listing every problem."""
    sources = {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for pattern in ("*.bpmn", "*.dmn", "forms/*.json")
        for path in sorted(folder.glob(pattern))
    }
    return check_sources(sources)


def check_sources(sources: dict[str, str]) -> list[CheckedProcess]:
    """Validate a set of sources {relative name: text}; raise DiagramError listing every problem."""
    problems: list[Problem] = []
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for suffix in (".dmn", ".bpmn"):  # the tables first: tasks look them up while being parsed
        for name in sorted(name for name in sources if name.endswith(suffix)):
            _add(parser, name, sources[name], problems)
    processes = [] if problems else _check_processes(parser, sources, problems)
    for name in sorted(name for name in sources if name.endswith(".dmn")):  # one answer per UNIQUE table
        for table_problem in check_unique_tables(name, sources[name]):
            problems.append(Problem(table_problem.file, table_problem.element, table_problem.message))
    if problems:
        raise DiagramError(problems)
    return processes


def _add(parser: SpiffBpmnParser, name: str, text: str, problems: list[Problem]) -> None:
    add = parser.add_dmn_str if name.endswith(".dmn") else parser.add_bpmn_str
    try:
        add(text.encode(), filename=name)
    except ValidationException as exc:
        problems.append(Problem(exc.file_name or name, exc.id or exc.tag, str(exc).splitlines()[0]))
    except (SpiffWorkflowException, etree.XMLSyntaxError, ValueError) as exc:
        problems.append(Problem(name, "", str(exc).splitlines()[0]))


def _check_processes(
    parser: SpiffBpmnParser, sources: dict[str, str], problems: list[Problem]
) -> list[CheckedProcess]:
    checked = []
    for key in parser.get_process_ids():
        file_name = parser.get_process_parser(key).filename
        try:
            spec = parser.get_spec(key)
            bundle = SpecBundle(spec, parser.get_subprocess_specs(key))
        except ValidationException as exc:
            problems.append(Problem(exc.file_name or file_name, exc.id or exc.tag, str(exc).splitlines()[0]))
            continue
        except (SpiffWorkflowException, ValueError) as exc:
            problems.append(Problem(file_name, key, str(exc).splitlines()[0]))
            continue
        called = {parser.get_process_parser(name).filename for name in bundle.subprocess_specs}
        forms = _check_tasks(file_name, bundle, sources, problems)
        used = {file_name} | called | _used_tables(parser, bundle) | forms
        checked.append(
            CheckedProcess(
                key=key,
                name=spec.description or key,
                sources={name: sources[name] for name in sorted(used)},
                spec=_codec.spec_to_dict(bundle),
            )
        )
    return checked


def _used_tables(parser: SpiffBpmnParser, bundle: SpecBundle) -> set[str]:
    """The DMN files whose tables the process (or a process it calls) evaluates."""
    files = {
        id(table_parser.decision.decisionTables[0]): table_parser.filename
        for table_parser in parser.dmn_parsers.values()
        if table_parser.decision is not None
    }
    specs = [bundle.spec, *bundle.subprocess_specs.values()]
    tables = [task.dmnEngine.decision_table for spec in specs for task in spec.task_specs.values()
              if hasattr(task, "dmnEngine")]  # fmt: skip
    return {files[id(table)] for table in tables if id(table) in files}


def _check_tasks(
    bpmn_name: str, bundle: SpecBundle, sources: dict[str, str], problems: list[Problem]
) -> set[str]:
    """Check lanes, forms, durations and expressions; return the form sources the process uses."""
    forms: set[str] = set()
    specs = [bundle.spec, *bundle.subprocess_specs.values()]
    for task_spec in (task for spec in specs for task in spec.task_specs.values()):
        element = task_spec.bpmn_id or task_spec.name

        def report(message: str, element: str = element) -> None:
            problems.append(Problem(bpmn_name, element, message))

        for expression in _expressions(task_spec):
            try:
                check_source(expression, "exec")
            except (UnsafeExpressionError, SyntaxError) as exc:
                report(f"expression refusée « {expression} » : {exc}")
        operation = getattr(task_spec, "operation_name", None)
        if operation is not None and not services.known(operation):
            report(f"opération de service inconnue : « {operation} »")
        if not isinstance(task_spec, UserTask):
            continue
        if task_spec.lane not in ROLES:
            report(
                f"couloir « {task_spec.lane} » : il doit porter le nom d'un rôle ({', '.join(sorted(ROLES))})"
            )
        properties = task_spec.extensions.get("properties", {})
        form_key = properties.get("form")
        if not form_key:
            report("la tâche humaine n'a pas de formulaire (propriété « form »)")
        elif form_source_name(form_key) not in sources:
            report(f"formulaire introuvable : {form_source_name(form_key)}")
        else:
            try:
                check_form_schema(sources[form_source_name(form_key)])
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


def _expressions(task_spec: Any) -> Iterable[str]:
    if isinstance(task_spec, ExclusiveGateway):
        # Conditions are wrapped by the parser; their expression is the only argument.
        yield from (condition.args[0] for condition, _ in task_spec.cond_task_specs if condition is not None)
    if isinstance(task_spec, ScriptEngineTask) and getattr(task_spec, "script", None):
        yield task_spec.script
    for script in (getattr(task_spec, "prescript", None), getattr(task_spec, "postscript", None)):
        if script:
            yield script
    for parameter in getattr(task_spec, "operation_params", {}).values():  # a serviceTask's arguments
        yield parameter["value"]
    timer = getattr(getattr(task_spec, "event_definition", None), "expression", None)
    if timer:
        yield timer
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is not None:
        yield from _table_expressions(engine.decision_table)


def _table_expressions(table: Any) -> Iterable[str]:
    """The Python a DMN table runs: input expressions, rule entries as the engine combines them, outputs."""
    for table_input in table.inputs:
        if table_input.expression:
            yield table_input.expression
    for rule in table.rules:
        for entry in rule.inputEntries:
            for test in (lhs for lhs in entry.lhs if lhs):
                test = test.replace("?", "v")
                try:
                    ast.parse(test, mode="eval")
                    yield test
                except SyntaxError:
                    yield f"v {test}"  # an operator-first test such as "< 1000"
        yield from (entry.text for entry in rule.outputEntries if entry.text)


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
    cached = _bundles.get(definition.id)
    if cached is None:
        with _bundles_lock:
            cached = _bundles.get(definition.id)
            if cached is None:
                cached = _codec.spec_from_dict(json.loads(json.dumps(definition.spec)))
                _bundles[definition.id] = cached
    return cached


def task_form(definition: ProcessDefinition, form_key: str) -> TaskForm:
    """The form of a task as deployed with the instance's version, parsed once per process."""
    key = (definition.id, form_key)
    form = _forms.get(key)
    if form is None:
        form = _forms[key] = TaskForm.parse(definition.sources[form_source_name(form_key)])
    return form


@dataclass(frozen=True)
class VersionSummary:
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
    return [VersionSummary(d.process_key, d.name, d.version, d.content_hash, int(count)) for d, count in rows]
