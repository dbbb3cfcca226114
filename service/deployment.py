"""Deploy the diagrams of workflows/: validated as a set, versioned by content, audited."""

from __future__ import annotations

from pathlib import Path

from service.audit import service as audit
from service.engine import registry
from service.engine.registry import Deployment
from service.extensions import db
from service.paths import WORKFLOWS_DIR


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
