"""Deploy the diagrams of workflows/: validated as a set, versioned by content, audited.

Beyond what the engine checks (registry), deployment checks what only the service knows: every human task
of an aid's process has its hook in the aid's module (service/dossiers), so that completing it can work.
At start, a refused folder does not stop the service: the versions already deployed keep serving, and the
refusal is kept for the banner of Administration › Processus.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, update

from service import aids, clock
from service.audit import service as audit
from service.audit.actions import AuditAction
from service.config import current_settings, workflows_folder
from service.engine import decision_tables, progress, registry, runtime, scripting, sources
from service.engine.problems import DiagramError, Problem
from service.engine.registry import CheckedProcess, Deployment
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import (
    EvaluationIncident,
    ProcessDefinition,
    ProcessInstance,
    Role,
    User,
    WorkflowRefusal,
)
from service.permissions import require_role
from service.unit_of_work import use_case

log = logging.getLogger(__name__)

__all__ = ["DiagramError", "Problem"]  # what the pages catch and show of a refused set


def check_folder(
    folder: Path | None = None, *, warnings: list[Problem] | None = None
) -> list[CheckedProcess]:
    """Check every diagram, table and form of the folder, those of the aids declared with their own folder,
    and the hooks of the aids' human tasks."""
    folder = (folder or workflows_folder(current_settings())).resolve()
    texts, problems = sources.read_folder(folder, max_bytes=_max_bytes())
    for own in _aid_folders(besides=folder):
        more, refused = sources.read_folder(own, max_bytes=_max_bytes())
        problems += refused
        problems += [
            Problem(name, "", f"un fichier du même nom est déjà dans {folder.name} : renommez l'un des deux")
            for name in sorted(more.keys() & texts.keys())
        ]
        texts.update(more)
    processes = registry.check_sources(texts, warnings=warnings, problems=problems)
    _check_hooks(processes)
    return processes


def _aid_folders(*, besides: Path) -> list[Path]:
    """The folders of the aids whose diagram does not lie in the folder deployed (an aid declared apart)."""
    folders = {aid.diagram_folder.resolve() for aid in aids.all_aids() if aid.diagram_folder is not None}
    return sorted(own for own in folders if own != besides)


def _check_sources(texts: dict[str, str]) -> list[CheckedProcess]:
    processes = registry.check_sources(texts)
    _check_hooks(processes)
    return processes


def _check_hooks(processes: Sequence[CheckedProcess]) -> None:
    """A human task of an aid that its module does not handle would answer 500 when completed: refuse it."""
    problems = [
        Problem(task.file, task.id,
                f"tâche humaine inconnue du service pour l'aide « {aids.get(process.key).label} » : aucun "
                f"traitement n'est prévu pour « {task.id} » (les hooks de sa déclaration, service/aids) ; "
                "gardez l'identifiant d'une tâche existante ou ajoutez son traitement (pass_through s'il n'y "
                "a rien à écrire dans le dossier)",
                name=task.name)
        for process in processes if aids.is_aid(process.key)
        for task in process.user_tasks if task.id not in aids.get(process.key).hooks
    ]  # fmt: skip
    if problems:
        raise DiagramError(problems)


def deploy_folder(*, deployed_by: str, folder: Path | None = None) -> list[Deployment]:
    """Check every diagram of the folder and store a new version of each changed process, or nothing."""
    report = _deploy(folder, deployed_by=deployed_by, keep_serving=False)
    return report.deployments


@dataclass(frozen=True)
class StartReport:
    """What a start made of the workflows folder: new versions, or the refusal; warnings either way."""

    deployments: list[Deployment]
    refusal: DiagramError | None
    warnings: list[Problem] = field(default_factory=list)


def deploy_at_start(*, source: str) -> StartReport:
    """Deploy the folder at the start of `run` or `worker`, never stopping the start.

    A refused folder deploys nothing: the versions already deployed keep serving, the refusal is logged
    and kept (Administration › Processus shows it until a later start or deployment accepts the folder).
    The sandbox's workers are started too, so that no request waits for them.
    """
    report = _deploy(None, deployed_by=source, keep_serving=True)
    for warning in report.warnings:
        log.warning("diagramme ignoré : %s", warning)
    for problem in report.refusal.problems if report.refusal else ():
        log.error("diagramme refusé : %s", problem)
    scripting.warm_up()
    return report


@use_case
def _deploy(folder: Path | None, *, deployed_by: str, keep_serving: bool) -> StartReport:
    warnings: list[Problem] = []
    deployments: list[Deployment] = []
    refusal: DiagramError | None = None
    try:
        deployments = registry.deploy(check_folder(folder, warnings=warnings), deployed_by=deployed_by)
    except DiagramError as error:
        if not keep_serving:
            raise
        refusal = error
    for deployment in (d for d in deployments if d.created):
        audit.record(
            action=AuditAction.PROCESSUS_DEPLOIEMENT,
            subject_type="processus",
            subject_id=deployment.key,
            details={"version": deployment.version, "par": deployed_by},
        )
    _keep_refusal(refusal, source=deployed_by)
    return StartReport(deployments, refusal, warnings)


def _keep_refusal(refusal: DiagramError | None, *, source: str) -> None:
    """A refused start is kept for the banner; an accepted folder clears the banner."""
    now = clock.now()
    if refusal is None:
        db.session.execute(
            update(WorkflowRefusal).where(WorkflowRefusal.cleared_at.is_(None)).values(cleared_at=now)
        )
        return
    db.session.add(
        WorkflowRefusal(
            at=now,
            source=source,
            problems=[
                {"file": p.file, "element": p.element, "name": p.name, "rule": p.rule, "message": p.message}
                for p in refusal.problems
            ],
        )
    )


def start_refusal(*, actor: User) -> WorkflowRefusal | None:
    """The latest refusal of the workflows folder at a start, while no later deployment accepted it."""
    require_role(actor, Role.ADMIN)
    return db.session.scalars(
        select(WorkflowRefusal)
        .where(WorkflowRefusal.cleared_at.is_(None))
        .order_by(WorkflowRefusal.at.desc(), WorkflowRefusal.id.desc())
        .limit(1)
    ).first()


def note_incident(incident: runtime.Incident, *, actor_name: str) -> EvaluationIncident:
    """Add an incident to the session; the caller's transaction (not the failed step's) keeps it."""
    row = EvaluationIncident(
        centre_id=incident.centre_id,
        at=clock.now(),
        process_key=incident.process_key,
        version=incident.version,
        instance_id=incident.instance_id,
        dossier_id=incident.dossier_id,
        file=incident.file[:200],
        element=incident.element[:200],
        element_name=incident.element_name[:200],
        rule=incident.rule[:200],
        kind=incident.kind,
        message=incident.message,
        actor_name=actor_name[:200],
    )
    db.session.add(row)
    return row


@use_case
def record_incident(incident: runtime.Incident, *, actor_name: str) -> None:
    """Keep an incident once the failed step was rolled back: a transaction of its own."""
    note_incident(incident, actor_name=actor_name)


def incidents(*, actor: User, limit: int = 50) -> Sequence[EvaluationIncident]:
    """The centre's latest stopped evaluations, newest first: for administrators."""
    require_role(actor, Role.ADMIN)
    return db.session.scalars(
        select(EvaluationIncident)
        .order_by(EvaluationIncident.at.desc(), EvaluationIncident.id.desc())
        .limit(limit)
    ).all()


@dataclass(frozen=True)
class DeployedTable:
    """A barème (DMN file) in force, with the processes whose latest version uses it."""

    file_name: str
    text: str
    sha256: str
    used_by: list[str]


def tables(*, actor: User) -> list[DeployedTable]:
    """The barèmes in force: the DMN files of the latest version of each process."""
    require_role(actor, Role.ADMIN)
    found: dict[str, DeployedTable] = {}
    for definition in _latest_definitions():
        for name, text in definition.sources.items():
            if name.endswith(".dmn"):
                table = found.setdefault(name, DeployedTable(name, text, _sha256(text), []))
                table.used_by.append(f"{definition.name} v{definition.version}")
    return sorted(found.values(), key=lambda table: table.file_name)


@dataclass(frozen=True)
class RuleChange:
    """A rule in the comparison: its row, its cells, and what became of it."""

    rule: decision_tables.RuleView
    change: str  # inchangée, modifiée, nouvelle, retirée


@dataclass(frozen=True)
class TableComparison:
    """One decision table, the version in force beside the one proposed."""

    table_id: str
    name: str
    inputs: list[str]
    outputs: list[str]
    current: list[RuleChange]
    proposed: list[RuleChange]


@dataclass(frozen=True)
class TablePreview:
    """A new barème that passed every check, to compare before confirming: nothing is deployed yet."""

    file_name: str
    sha256: str
    processes: list[str]
    tables: list[TableComparison]


def preview_table(*, actor: User, file_name: str, data: bytes) -> TablePreview:
    """Check a new version of a barème with every process using it, and compare it with the one in force.

    Nothing is deployed: the administrator confirms with deploy_table, which checks everything again.
    """
    require_role(actor, Role.ADMIN)
    text, texts = _proposed(file_name, data)
    processes = _check_sources({**texts, file_name: text})
    return TablePreview(
        file_name=file_name,
        sha256=_sha256(text),
        processes=sorted(process.name for process in processes if file_name in process.sources),
        tables=_compare(texts[file_name], text),
    )


@use_case
def deploy_table(*, actor: User, file_name: str, data: bytes, sha256: str) -> list[Deployment]:
    """Deploy a new version of a barème, as previewed: every process using it gets a new version.

    Running dossiers keep the version they started with (the rules in force at filing); new ones use
    this one. A refused table (overlapping rules, a gap, an invalid expression) deploys nothing, and so does
    a file that is not the one the administrator saw (its fingerprint changed).
    """
    require_role(actor, Role.ADMIN)
    text, texts = _proposed(file_name, data)
    if _sha256(text) != sha256:
        raise InvalidInputError("Ce n'est pas le barème vérifié : recommencez depuis l'envoi du fichier.")
    deployments = registry.deploy(_check_sources({**texts, file_name: text}), deployed_by=actor.username)
    created = [d for d in deployments if d.created]
    audit.record(
        action=AuditAction.BAREME_DEPLOIEMENT, subject_type="barème", subject_id=file_name, actor=actor,
        details={"sha256": sha256, "versions": {d.key: d.version for d in created}},
    )  # fmt: skip
    return created


def _proposed(file_name: str, data: bytes) -> tuple[str, dict[str, str]]:
    """The new table's text and the sources in force; refuse an unknown name, a bad file, no change."""
    texts: dict[str, str] = {}
    for definition in _latest_definitions():
        texts.update(definition.sources)
    if file_name not in texts or not file_name.endswith(".dmn"):
        known = ", ".join(sorted(name for name in texts if name.endswith(".dmn")))
        raise InvalidInputError(
            f"Aucun barème en vigueur ne porte le nom « {file_name[:80]} » (barèmes : {known})."
        )
    try:
        text = sources.decode(file_name, data, max_bytes=_max_bytes())
    except sources.SourceError as exc:
        raise DiagramError([Problem(file_name, "", str(exc))]) from None
    if texts[file_name] == text:
        raise InvalidInputError("Ce barème est identique à celui en vigueur : rien à déployer.")
    return text, texts


def _compare(current_text: str, proposed_text: str) -> list[TableComparison]:
    current = {view.table_id: view for view in decision_tables.read_rules(current_text)}
    comparisons = []
    for view in decision_tables.read_rules(proposed_text):
        before = current.get(view.table_id)
        old = {rule.id: rule for rule in before.rules} if before else {}
        new_ids = {rule.id for rule in view.rules}
        proposed = [
            RuleChange(rule, "nouvelle" if rule.id not in old else
                       "inchangée" if old[rule.id].cells == rule.cells else "modifiée")
            for rule in view.rules
        ]  # fmt: skip
        in_force = [
            RuleChange(rule, "retirée" if rule.id not in new_ids else
                       "inchangée" if rule.cells == next(r.cells for r in view.rules if r.id == rule.id)
                       else "modifiée")
            for rule in (before.rules if before else [])
        ]  # fmt: skip
        comparisons.append(
            TableComparison(view.table_id, view.name, view.inputs, view.outputs, in_force, proposed)
        )
    return comparisons


def _max_bytes() -> int:
    return current_settings().WORKFLOW_FILE_MAX_KIB * 1024


def _latest_definitions() -> list[ProcessDefinition]:
    latest = (
        select(ProcessDefinition.process_key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.process_key)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(ProcessDefinition)
            .join(
                latest,
                (latest.c.process_key == ProcessDefinition.process_key)
                & (latest.c.version == ProcessDefinition.version),
            )
            .order_by(ProcessDefinition.process_key)
        )
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def versions(*, actor: User) -> list[registry.VersionSummary]:
    """Deployed versions and their running instances: for administrators."""
    require_role(actor, Role.ADMIN)
    return registry.summary()


def version_diagram(*, actor: User, definition_id: int) -> str:
    """The diagram of one deployed version (its BPMN with its layout), for the administrators' viewer."""
    require_role(actor, Role.ADMIN)
    definition = db.session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFoundError("Cette version de processus n'existe pas.")
    return progress.diagram_source(definition.sources, definition.process_key)


def failing_instances(*, actor: User) -> Sequence[ProcessInstance]:
    """The centre's instances whose last wake-up failed, with the reason; they are retried with backoff."""
    require_role(actor, Role.ADMIN)
    return db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.error != "").order_by(ProcessInstance.updated_at.desc())
    ).all()
