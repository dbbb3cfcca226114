"""`entraide doctor`: after a crash, say per centre, in French, everything stored that disagrees with itself.

Read-only. What is checked: each running instance against its open task rows, the message it waits for and
its next due time; dossiers against their instances; open tasks of finished instances; outbox messages held
past their lease; documents whose bytes no longer match their SHA-256; the numbered series (dossiers,
delegated decisions DEC, deliberations DEL) for gaps and duplicates.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import undefer

from service import clock
from service.engine import runtime
from service.extensions import db
from service.models import (
    AgendaItem,
    Centre,
    Counter,
    Document,
    Dossier,
    HumanTask,
    InstanceStatus,
    MailStatus,
    OutboxMessage,
    ProcessInstance,
)
from service.models.tenancy import ALL_CENTRES
from service.unit_of_work import discard

_BATCH = 200
_INSTALLATION = 0  # findings about rows that belong to no centre (installation-wide mail)
_NUMBERED = {
    "dossier": re.compile(r"^(?P<year>\d{4})-(?P<value>\d+)$"),
    "DEC": re.compile(r"^DEC(?P<year>\d{4})_(?P<value>\d+)$"),
    "DEL": re.compile(r"^DEL(?P<year>\d{4})_(?P<value>\d+)$"),
}
_SERIES_LABELS = {"dossier": "numéros de dossier", "DEC": "décisions par délégation", "DEL": "délibérations"}


@dataclass
class Report:
    """Findings per centre id (0: the installation itself), each a French sentence."""

    findings: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    centres: dict[int, str] = field(default_factory=dict)

    def add(self, centre_id: int | None, finding: str) -> None:
        self.findings[centre_id or _INSTALLATION].append(finding)

    def __bool__(self) -> bool:
        return any(self.findings.values())

    def lines(self) -> Iterator[str]:
        for centre_id, name in [*self.centres.items(), (_INSTALLATION, "Installation")]:
            found = self.findings.get(centre_id, [])
            if centre_id == _INSTALLATION and not found:
                continue
            if not found:
                yield f"{name} : aucune incohérence."
                continue
            yield f"{name} : {len(found)} incohérence(s)"
            yield from (f"  - {finding}" for finding in found)


def examine() -> Report:
    """Check the whole installation; the report is empty when everything agrees."""
    report = Report()
    report.centres = {
        centre.id: f"Centre « {centre.name} » ({centre.code})"
        for centre in db.session.scalars(select(Centre).order_by(Centre.id))
    }
    _instances(report)
    _dossiers(report)
    _tasks_of_finished_instances(report)
    _outbox(report)
    _documents(report)
    _series(report)
    discard()  # read-only: nothing to keep, no transaction left open
    return report


def _instances(report: Report) -> None:
    open_rows: dict[int, set[str]] = defaultdict(set)
    for instance_id, task_id in db.session.execute(
        select(HumanTask.instance_id, HumanTask.task_id)
        .where(HumanTask.completed_at.is_(None))
        .execution_options(**{ALL_CENTRES: True})
    ):
        open_rows[instance_id].add(task_id)
    running = (
        select(ProcessInstance)
        .where(ProcessInstance.status == InstanceStatus.RUNNING)
        .order_by(ProcessInstance.id)
        .execution_options(yield_per=_BATCH, **{ALL_CENTRES: True})
    )
    for instance in db.session.scalars(running):
        where = _instance_label(instance)
        try:
            expected = runtime.expected_state(instance)
        except Exception as error:  # a state the engine cannot read is itself the finding
            report.add(instance.centre_id, f"{where} : état illisible ({type(error).__name__}).")
            continue
        rows = open_rows.get(instance.id, set())
        for missing in sorted(expected.ready_task_ids - rows):
            report.add(instance.centre_id, f"{where} : la tâche prête {missing} n'a pas de ligne ouverte.")
        for extra in sorted(rows - expected.ready_task_ids):
            report.add(
                instance.centre_id, f"{where} : la ligne de tâche {extra} est ouverte mais plus prête."
            )
        if expected.completed:
            report.add(
                instance.centre_id, f"{where} : le processus est terminé mais l'instance est en cours."
            )
        if instance.awaiting_message != expected.awaiting_message:
            report.add(
                instance.centre_id,
                f"{where} : attend « {instance.awaiting_message or 'rien'} » selon la base, "
                f"« {expected.awaiting_message or 'rien'} » selon son état.",
            )
        if not instance.error and instance.next_due_at != expected.next_due_at:
            report.add(
                instance.centre_id,
                f"{where} : prochaine échéance {_moment(instance.next_due_at)} selon la base, "
                f"{_moment(expected.next_due_at)} selon son état.",
            )


def _instance_label(instance: ProcessInstance) -> str:
    return f"instance {instance.id} ({instance.definition.process_key})"


def _dossiers(report: Report) -> None:
    rows = db.session.execute(
        select(
            Dossier.centre_id, Dossier.number, Dossier.closed_at, ProcessInstance.id, ProcessInstance.status
        )
        .outerjoin(ProcessInstance, ProcessInstance.dossier_id == Dossier.id)
        .order_by(Dossier.id)
        .execution_options(**{ALL_CENTRES: True})
    )
    for centre_id, number, closed_at, instance_id, status in rows:
        if instance_id is None:
            report.add(centre_id, f"dossier {number} : aucune instance de processus.")
        elif closed_at is not None and status is InstanceStatus.RUNNING:
            report.add(
                centre_id, f"dossier {number} : clos alors que son processus {instance_id} est en cours."
            )
        elif closed_at is None and status is InstanceStatus.COMPLETED:
            report.add(
                centre_id, f"dossier {number} : ouvert alors que son processus {instance_id} est terminé."
            )


def _tasks_of_finished_instances(report: Report) -> None:
    rows = db.session.execute(
        select(HumanTask.centre_id, HumanTask.id, HumanTask.title, HumanTask.instance_id)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(HumanTask.completed_at.is_(None), ProcessInstance.status == InstanceStatus.COMPLETED)
        .execution_options(**{ALL_CENTRES: True})
    )
    for centre_id, task_id, title, instance_id in rows:
        report.add(centre_id, f"tâche {task_id} « {title} » ouverte sur l'instance terminée {instance_id}.")


def _outbox(report: Report) -> None:
    rows = db.session.execute(
        select(OutboxMessage.centre_id, OutboxMessage.id, OutboxMessage.subject, OutboxMessage.claimed_until)
        .where(OutboxMessage.status == MailStatus.SENDING, OutboxMessage.claimed_until < clock.now())
        .execution_options(**{ALL_CENTRES: True})
    )
    for centre_id, message_id, subject, claimed_until in rows:
        report.add(
            centre_id,
            f"courriel {message_id} « {subject} » réservé pour l'envoi jusqu'au {_moment(claimed_until)}, "
            "bail dépassé (l'envoi a été interrompu ; il sera repris).",
        )


def _documents(report: Report) -> None:
    documents = (
        select(Document)
        .options(undefer(Document.content))
        .where(Document.erased_at.is_(None))  # destroyed past the archival period: only the register stays
        .order_by(Document.id)
        .execution_options(yield_per=20, **{ALL_CENTRES: True})
    )
    for document in db.session.scalars(documents):
        if hashlib.sha256(document.content).hexdigest() != document.sha256:
            report.add(
                document.centre_id,
                f"document {document.id} « {document.title} » : contenu différent de son SHA-256.",
            )
        db.session.expunge(document)  # the bytes are not kept in memory for the whole run


def _series(report: Report) -> None:
    used: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for centre_id, series, number in _numbers():
        match = _NUMBERED[series].match(number)
        if match is None:
            report.add(centre_id, f"{_SERIES_LABELS[series]} : numéro « {number} » mal formé.")
            continue
        used[(centre_id, series, int(match["year"]))].append(int(match["value"]))
    counters = {
        (centre_id, series, year): last
        for centre_id, series, year, last in db.session.execute(
            select(Counter.centre_id, Counter.series, Counter.year, Counter.last_value).execution_options(
                **{ALL_CENTRES: True}
            )
        )
    }
    for key in sorted(set(used) | {k for k in counters if k[1] in _NUMBERED}):
        centre_id, series, year = key
        values = used.get(key, [])
        label = f"{_SERIES_LABELS[series]} {year}"
        duplicates = sorted(value for value, count in Tally(values).items() if count > 1)
        if duplicates:
            report.add(centre_id, f"{label} : numéro(s) en double {_listed(duplicates)}.")
        last = counters.get(key, 0)
        gaps = sorted(set(range(1, max([last, *values]) + 1)) - set(values))
        if gaps:
            report.add(
                centre_id, f"{label} : numéro(s) manquant(s) {_listed(gaps)} (dernier donné : {last})."
            )
        if values and max(values) > last:
            report.add(centre_id, f"{label} : le compteur est à {last}, mais {max(values)} a été donné.")


def _numbers() -> Iterable[tuple[int, str, str]]:
    options = {ALL_CENTRES: True}
    for centre_id, number in db.session.execute(
        select(Dossier.centre_id, Dossier.number).execution_options(**options)
    ):
        yield centre_id, "dossier", number
    # A rectificatif repeats the number of the act it replaces: only originals count.
    for centre_id, number in db.session.execute(
        select(Document.centre_id, Document.number)
        .where(Document.number.like("DEC%"), Document.corrects_id.is_(None))
        .execution_options(**options)
    ):
        yield centre_id, "DEC", number
    for centre_id, number in db.session.execute(
        select(AgendaItem.centre_id, AgendaItem.deliberation_number)
        .where(AgendaItem.deliberation_number != "")
        .execution_options(**options)
    ):
        yield centre_id, "DEL", number


def _listed(values: list[int]) -> str:
    shown = ", ".join(str(value) for value in values[:20])
    return shown + (f" et {len(values) - 20} autre(s)" if len(values) > 20 else "")


def _moment(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else "aucune"
