"""Deploy the diagrams of workflows/: validated as a set, versioned by content, audited."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from service.audit import service as audit
from service.audit.actions import AuditAction
from service.engine import registry
from service.engine.registry import Deployment
from service.errors import InvalidInputError
from service.extensions import db
from service.models import ProcessDefinition, ProcessInstance, Role, User
from service.paths import WORKFLOWS_DIR
from service.permissions import require_role
from service.unit_of_work import use_case


@use_case
def deploy_folder(*, deployed_by: str, folder: Path = WORKFLOWS_DIR) -> list[Deployment]:
    """Check every diagram of the folder and store a new version of each changed process, or nothing."""
    processes = registry.check_folder(folder)
    deployments = registry.deploy(processes, deployed_by=deployed_by)
    for deployment in (d for d in deployments if d.created):
        audit.record(
            action=AuditAction.PROCESSUS_DEPLOIEMENT,
            subject_type="processus",
            subject_id=deployment.key,
            details={"version": deployment.version, "par": deployed_by},
        )
    return deployments


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


@use_case
def deploy_table(*, actor: User, file_name: str, text: str) -> list[Deployment]:
    """Deploy a new version of a barème: every process using it gets a new version, checked as a set.

    Running dossiers keep the version they started with (the rules in force at filing); new ones use
    this one. A refused table (overlapping rules, a gap, an invalid expression) deploys nothing.
    """
    require_role(actor, Role.ADMIN)
    sources: dict[str, str] = {}
    for definition in _latest_definitions():
        sources.update(definition.sources)
    if file_name not in sources or not file_name.endswith(".dmn"):
        known = ", ".join(sorted(name for name in sources if name.endswith(".dmn")))
        raise InvalidInputError(
            f"Aucun barème en vigueur ne porte le nom « {file_name} » (barèmes : {known})."
        )
    if sources[file_name] == text:
        raise InvalidInputError("Ce barème est identique à celui en vigueur : rien à déployer.")
    deployments = registry.deploy(
        registry.check_sources({**sources, file_name: text}), deployed_by=actor.username
    )
    created = [d for d in deployments if d.created]
    audit.record(
        action=AuditAction.BAREME_DEPLOIEMENT, subject_type="barème", subject_id=file_name, actor=actor,
        details={"sha256": _sha256(text), "versions": {d.key: d.version for d in created}},
    )  # fmt: skip
    return created


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


def failing_instances(*, actor: User) -> Sequence[ProcessInstance]:
    """The centre's instances whose last wake-up failed, with the reason; they are retried with backoff."""
    require_role(actor, Role.ADMIN)
    return db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.error != "").order_by(ProcessInstance.updated_at.desc())
    ).all()
