"""A closed session's letters: how far their printing has gone; printing them again after a failure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.audit import service as audit
from service.audit.actions import AuditAction
from service.committee.access import readable_session, require_manager
from service.documents import batches
from service.errors import InvalidInputError
from service.models import BatchStatus, LetterBatch, PendingLetter, User
from service.unit_of_work import use_case


@dataclass(frozen=True)
class LettersProgress:
    """A session's batch of letters as its page shows it."""

    total: int
    done: int
    status: BatchStatus
    error: str
    letters: Sequence[PendingLetter]

    @property
    def running(self) -> bool:
        return self.status in (BatchStatus.EN_ATTENTE, BatchStatus.EN_COURS)

    @property
    def message(self) -> str:
        return f"Courriers de la séance : {self.done} / {self.total} imprimés"

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "done": self.done,
            "status": self.status.value,
            "status_label": self.status.label,
            "running": self.running,
            "message": self.message,
            "error": self.error,
        }


def progress_of(batch: LetterBatch | None, *, with_letters: bool) -> LettersProgress | None:
    """The batch's counts; its letters too, to link to them, once the batch has stopped."""
    if batch is None:
        return None
    stopped = batch.status in (BatchStatus.TERMINEE, BatchStatus.ECHEC)
    letters = batches.letters_of(batch) if with_letters and stopped else ()
    return LettersProgress(batch.total, batch.done, batch.status, batch.error, letters)


def letters_progress(*, actor: User, session_id: int) -> LettersProgress | None:
    """For the staff holding the session: where the printing of its letters stands (None before closing)."""
    require_manager(actor)
    session = readable_session(actor, session_id)
    batch = batches.latest_of_session(session_id=session.id, centre_id=session.centre_id)
    return progress_of(batch, with_letters=False)


@use_case
def retry_printing(*, actor: User, session_id: int) -> LetterBatch:
    """Queue a failed batch again: the letters already printed stay, the others are printed by the job."""
    require_manager(actor)
    session = readable_session(actor, session_id)
    batch = batches.latest_of_session(session_id=session.id, centre_id=session.centre_id)
    if batch is None or batch.status is not BatchStatus.ECHEC:
        raise InvalidInputError("Aucune impression en échec n'est à relancer pour cette séance.")
    batches.retry(batch)
    audit.record(
        action=AuditAction.COMMISSION_COURRIERS_RELANCES,
        subject_type="seance", subject_id=session.id, actor=actor,
        details={"lot": batch.id, "imprimés": batch.done, "total": batch.total},
    )  # fmt: skip
    return batch
