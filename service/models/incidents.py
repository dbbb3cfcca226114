"""What went wrong with the diagrams, kept for the administrators: stopped evaluations, refused start-ups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UtcDateTime
from service.models.tenancy import CentreScoped


class EvaluationIncident(CentreScoped, Base):
    """A step the sandbox stopped (over its CPU time or memory, refused): the step itself was not saved.

    Written in a transaction of its own once the step's was rolled back; the instance and the dossier are
    plain numbers, not foreign keys, since a failed start leaves neither.
    """

    __tablename__ = "evaluation_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    process_key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    instance_id: Mapped[int | None] = mapped_column(Integer, default=None)
    dossier_id: Mapped[int | None] = mapped_column(Integer, default=None)
    file: Mapped[str] = mapped_column(String(200))
    element: Mapped[str] = mapped_column(String(200))
    element_name: Mapped[str] = mapped_column(String(200), default="")
    rule: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20))  # temps, mémoire, taille, récursion, refus, arrêt
    message: Mapped[str] = mapped_column(Text)
    actor_name: Mapped[str] = mapped_column(String(200))


class WorkflowRefusal(Base):
    """The diagrams of the workflows folder refused at a start: the versions already deployed kept serving.

    Installation-wide, as the process definitions are; the latest one not cleared is the banner of
    Administration › Processus, until a start or a deployment accepts the folder again.
    """

    __tablename__ = "workflow_refusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(String(200))  # who tried: the start of `run`, of `worker`
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None, index=True)
