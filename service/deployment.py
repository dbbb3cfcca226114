"""Deploy the diagrams of workflows/: validated as a set, versioned by content, audited."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from service.audit import service as audit
from service.engine import registry
from service.engine.registry import Deployment
from service.extensions import db
from service.models import ProcessInstance, Role, User
from service.paths import WORKFLOWS_DIR
from service.permissions import require_role


def deploy_folder(*, deployed_by: str, folder: Path = WORKFLOWS_DIR) -> list[Deployment]:
    """Check every diagram of the folder and store a new version of each changed process, or nothing."""
    processes = registry.check_folder(folder)
    deployments = registry.deploy(processes, deployed_by=deployed_by)
    for deployment in (d for d in deployments if d.created):
        audit.record(
            action="processus.déploiement",
            subject_type="processus",
            subject_id=deployment.key,
            details={"version": deployment.version, "par": deployed_by},
        )
    db.session.commit()
    return deployments


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
