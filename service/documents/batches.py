"""A committee session's letters: queued as HTML by the closing transaction, printed to PDF afterwards.

A letter printed is kept as a document and counted in the same commit, so a page can follow the progress and
a failure loses nothing already kept; a batch that failed is printed again from where it stopped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import undefer

from service import clock
from service.config import current_settings
from service.documents import printing
from service.documents.service import record
from service.extensions import db
from service.models import BatchStatus, Dossier, LetterBatch, PendingLetter, User
from service.unit_of_work import discard, transaction, use_case

log = logging.getLogger(__name__)

# A batch "en cours" that has not printed a letter for this long lost its worker (stopped, killed): it is
# taken again. A letter prints in a fraction of a second.
ABANDONED_AFTER = timedelta(minutes=10)
# Letters printed are kept (and the progress shown) in one commit at most this often: fewer commits, and the
# database is not written to while waiting for the next letter.
KEEP_EVERY_SECONDS = 0.25
_ERRORS_SHOWN = 3


def open_batch(*, centre_id: int, session_id: int) -> LetterBatch:
    """An empty batch for a session's letters, in the caller's transaction."""
    batch = LetterBatch(
        centre_id=centre_id, session_id=session_id, total=0, done=0, status=BatchStatus.EN_ATTENTE,
        error="", attempts=0, created_at=clock.now(),
    )  # fmt: skip
    db.session.add(batch)
    db.session.flush()
    return batch


def queue(
    batch: LetterBatch,
    *,
    dossier: Dossier,
    author: User,
    kind: str,
    number: str,
    title: str,
    filename: str,
    html: str,
    issue_params: Mapping[str, Any],
    issued_at: datetime,
) -> PendingLetter:
    """Add one rendered letter to the batch, in the caller's transaction."""
    batch.total += 1
    letter = PendingLetter(
        centre_id=batch.centre_id, batch_id=batch.id, position=batch.total, dossier_id=dossier.id, kind=kind,
        number=number, title=title, filename=filename, html=html, issue_params=dict(issue_params),
        author_id=author.id, author_name=author.full_name, issued_at=issued_at,
    )  # fmt: skip
    db.session.add(letter)
    return letter


def print_letter_batches(*, workers: int | None = None) -> str:
    """Print every batch waiting, oldest first, and those a stopped worker left; the scheduler's job.

    `workers` processes convert the letters, by default as many as the PDF_WORKERS setting says.
    """
    workers = workers or current_settings().PDF_WORKERS
    printed = []
    while (batch_id := _claim_next()) is not None:
        batch = print_batch(batch_id, workers=workers)
        printed.append(f"lot {batch.id} : {batch.done}/{batch.total} ({batch.status.label.lower()})")
    return ", ".join(printed)


def print_batch(batch_id: int, *, workers: int) -> LetterBatch:
    """Convert the batch's letters still unprinted with `workers` processes, keeping them as they come.

    A letter that cannot be printed does not stop the others; the batch then ends in failure, saying which.
    """
    with transaction():  # no transaction held open while the first letters print
        batch = db.session.get(LetterBatch, batch_id)
        if batch is None:
            raise ValueError(f"no letter batch {batch_id}")
        letters = db.session.scalars(
            select(PendingLetter)
            .where(PendingLetter.batch_id == batch_id, PendingLetter.document_id.is_(None))
            .order_by(PendingLetter.position)
            .options(undefer(PendingLetter.html))
        ).all()
        htmls = [letter.html for letter in letters]
    failures: list[tuple[PendingLetter, Exception]] = []
    printed: list[tuple[PendingLetter, bytes]] = []
    kept_at = time.monotonic()
    try:
        with closing(printing.convert(htmls, workers=workers)) as results:
            for letter, result in zip(letters, results, strict=True):
                if isinstance(result, Exception):
                    log.warning("courrier %s du lot %s non imprimé : %r", letter.id, batch_id, result)
                    failures.append((letter, result))
                    continue
                printed.append((letter, result))
                if time.monotonic() - kept_at >= KEEP_EVERY_SECONDS:
                    _keep(batch, printed)
                    kept_at = time.monotonic()
            _keep(batch, printed)
    except Exception as error:
        discard()
        _finish(batch, [(letter, error) for letter in letters if letter.document_id is None])
        raise
    _finish(batch, failures)
    return batch


def retry(batch: LetterBatch) -> None:
    """Put a failed batch back in the queue; the letters already printed are kept, not printed again."""
    batch.status = BatchStatus.EN_ATTENTE
    batch.error = ""
    batch.finished_at = None


def latest_of_session(*, session_id: int, centre_id: int) -> LetterBatch | None:
    return db.session.scalars(
        select(LetterBatch)
        .where(LetterBatch.session_id == session_id, LetterBatch.centre_id == centre_id)
        .order_by(LetterBatch.id.desc())
        .limit(1)
    ).first()


def letters_of(batch: LetterBatch) -> Sequence[PendingLetter]:
    return db.session.scalars(
        select(PendingLetter).where(PendingLetter.batch_id == batch.id).order_by(PendingLetter.position)
    ).all()


@dataclass(frozen=True)
class UnprintedLetter:
    """A letter decided and queued, not printed yet: still to come, or stopped by a failure."""

    title: str
    failed: bool


def unprinted_of(dossier: Dossier) -> list[UnprintedLetter]:
    rows = db.session.execute(
        select(PendingLetter.title, LetterBatch.status)
        .join(LetterBatch, LetterBatch.id == PendingLetter.batch_id)
        .where(PendingLetter.dossier_id == dossier.id, PendingLetter.document_id.is_(None))
        .order_by(PendingLetter.id)
    ).all()
    return [UnprintedLetter(title, status is BatchStatus.ECHEC) for title, status in rows]


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        LetterBatch.status == BatchStatus.EN_ATTENTE,
        and_(LetterBatch.status == BatchStatus.EN_COURS, LetterBatch.progress_at < now - ABANDONED_AFTER),
    )


def _claim_next() -> int | None:
    """Take the oldest batch to print; two workers never take the same one (the update re-checks)."""
    while True:
        with transaction():
            now = clock.now()
            batch_id = db.session.scalars(
                select(LetterBatch.id).where(_claimable(now)).order_by(LetterBatch.created_at, LetterBatch.id)
            ).first()
            if batch_id is None:
                return None
            claimed = db.session.execute(
                update(LetterBatch)
                .where(LetterBatch.id == batch_id, _claimable(now))
                .values(
                    status=BatchStatus.EN_COURS,
                    started_at=now,
                    progress_at=now,
                    attempts=LetterBatch.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return int(batch_id)


@use_case
def _keep(batch: LetterBatch, printed: list[tuple[PendingLetter, bytes]]) -> None:
    """The letters printed become documents, as if printed at the closing, counted in one commit.

    Their HTML is emptied: the PDF is the record, and no second copy of the person's data is kept.
    """
    if not printed:
        return
    for letter, content in printed:
        dossier = db.session.get(Dossier, letter.dossier_id)
        author = db.session.get(User, letter.author_id) if letter.author_id is not None else None
        assert dossier is not None  # noqa: S101 - a foreign key
        document = record(
            kind=letter.kind, number=letter.number, title=letter.title, author=author, content=content,
            filename=letter.filename, dossier=dossier, issue_params=letter.issue_params,
            issued_at=letter.issued_at,
        )  # fmt: skip
        letter.document_id = document.id
        letter.html = ""
        batch.done += 1
    batch.progress_at = clock.now()
    printed.clear()


@use_case
def _finish(batch: LetterBatch, failures: Sequence[tuple[PendingLetter, Exception]]) -> None:
    batch.finished_at = clock.now()
    batch.status = BatchStatus.ECHEC if failures else BatchStatus.TERMINEE
    batch.error = _failure_message(failures) if failures else ""


def _failure_message(failures: Sequence[tuple[PendingLetter, Exception]]) -> str:
    shown = "; ".join(
        f"{letter.title} : {type(error).__name__} ({error})" for letter, error in failures[:_ERRORS_SHOWN]
    )
    more = len(failures) - _ERRORS_SHOWN
    suffix = f" et {more} autre(s)" if more > 0 else ""
    return f"{len(failures)} courrier(s) n'ont pu être imprimé(s) : {shown}{suffix}."
