"""Printed letters: one decision letter against a naive WeasyPrint render, and a session's letters printed by
two worker processes against one, in one run.

A committee session decides BENCH_PDF_LETTERS dossiers (200) on a temporary SQLite database (or, when
ENTRAIDE_BENCH_DATABASE_URL is set, in a database `<its name>_pdf` made afresh on its server); its closing
queues the letters as HTML. Then:

- pdf_letter_vs_naive: one of those letters converted by `printing.html_to_pdf` (PDF/A-3b, the font
  configuration and the parsed stylesheet kept between documents) against `HTML(string=…).write_pdf()` of the
  same HTML with print.css parsed again and a fresh font configuration each time (what WeasyPrint does when
  nothing is kept; the stylesheet asks for DejaVu Sans, which is also what fontconfig gives for sans-serif).
  Medians of interleaved repetitions.
- pdf_batch_two_procs_vs_one: the session's letters printed by the scheduler's job (`print_letter_batches`)
  with PDF_WORKERS=2 (a pool of two processes started for the batch; this process records each document)
  against PDF_WORKERS=1 (converted and recorded in this process, one after the other). Each runs three
  times, on the closing's batch then on the same letters queued again, in the order 1, 2, 2, 1, 1, 2; medians
  are compared. Each run of two starts its pool (processes forked from the fork server, which import the
  main module, then load the fonts); the fork server itself is started once before, on four letters (a
  long-running worker starts it at its first batch): that run is printed apart.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import undefer
from weasyprint import CSS, HTML

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.kit import BENCH_URL, migrated_app, server_database
from scenarios.committee import accord, all_present, convened, item_of, members, refus
from scenarios.factories import do, open_aid, person_with_budget
from service.accounts import service as accounts
from service.committee import closing, sitting
from service.documents import batches, printing
from service.extensions import db
from service.models import (
    AidType,
    BatchStatus,
    CentreKind,
    Document,
    LetterBatch,
    PendingLetter,
    Role,
    User,
)
from service.organisation import service as organisation
from service.paths import PDF_DIR

LETTERS = int(os.environ.get("BENCH_PDF_LETTERS", "200"))
REPETITIONS = int(os.environ.get("BENCH_PDF_REPETITIONS", "25"))
PASSWORD = "mot-de-passe-du-banc"
RELIEF = {
    "situation": "Facture d'énergie impayée, coupure annoncée.",
    "nature_besoin": "energie",
    "montant_cents": "450",  # above the delegation ceiling: the committee decides
    "mode_paiement": "virement",
}


def database_url(tmp: Path) -> str:
    """ENTRAIDE_BENCH_DATABASE_URL's server, in a database of this bench's own made afresh; else SQLite."""
    if not BENCH_URL:
        return f"sqlite:///{tmp / 'bench.db'}"
    return server_database(BENCH_URL, f"{make_url(BENCH_URL).database}_pdf", fresh=True)[0]


def build(tmp: Path) -> Flask:
    app = migrated_app(database_url(tmp), tmp / "instance")
    with app.app_context():
        centre = organisation.create_centre(
            code="banc", name="CCAS du Banc", kind=CentreKind.CCAS, communes={("99999", "Banc"): ["Centre"]}
        )
        centre.president_name, centre.president_title = "Marie Lefèvre", "Présidente du CCAS"
        db.session.commit()
        for username, roles in (
            ("agent", [Role.ACCUEIL, Role.INSTRUCTEUR]),
            ("secretaire", [Role.SECRETARIAT]),
        ):
            accounts.create_user(
                centre_code="banc",
                username=username,
                full_name=username.title(),
                password=PASSWORD,
                roles=roles,
            )
    return app


def close_a_session(app: Flask) -> int:
    """A session deciding LETTERS dossiers, one in three refused; returns the batch its closing queued."""
    with app.app_context():
        agent = _user("agent")
        secretary = _user("secretaire")
        dossiers = []
        for index in range(LETTERS):
            dossier = open_aid(agent, person_with_budget(agent, f"Banc{index:03d}"), AidType.SECOURS_URGENCE)
            do(agent, dossier, "evaluer", RELIEF)
            dossiers.append(dossier)
        members(secretary.centre_id)
        session = convened(secretary)
        all_present(secretary, session)
        for index, dossier in enumerate(dossiers):
            vote = refus(3) if index % 3 == 2 else accord(45000, voters=3)
            sitting.record_vote(
                actor=secretary, session_id=session.id, item_id=item_of(session, dossier).id, vote=vote
            )
        closing.close_session(actor=secretary, session_id=session.id)
        batch = db.session.scalars(select(LetterBatch).where(LetterBatch.session_id == session.id)).one()
        return batch.id


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def queued_letters(app: Flask, batch_id: int) -> list[dict[str, Any]]:
    """The batch's letters as the closing queued them (printing empties their HTML)."""
    columns = [
        column.key for column in PendingLetter.__table__.columns if column.key not in {"id", "batch_id"}
    ]
    with app.app_context():
        letters = db.session.scalars(
            select(PendingLetter)
            .where(PendingLetter.batch_id == batch_id)
            .order_by(PendingLetter.position)
            .options(undefer(PendingLetter.html))
        ).all()
        return [{column: getattr(letter, column) for column in columns} for letter in letters]


def queue_again(app: Flask, letters: list[dict[str, Any]]) -> None:
    """The same letters queued again, as a new batch of the same session waiting for the job."""
    with app.app_context():
        source = db.session.scalars(select(LetterBatch).order_by(LetterBatch.id)).first()
        assert source is not None
        copy = batches.open_batch(centre_id=source.centre_id, session_id=source.session_id)
        copy.total = len(letters)
        db.session.add_all(PendingLetter(**letter, batch_id=copy.id) for letter in letters)
        db.session.commit()


def print_with(app: Flask, workers: int) -> float:
    """Seconds for the scheduler's job to print the batch waiting, with this many worker processes."""
    with app.app_context():
        started = time.perf_counter()
        summary = batches.print_letter_batches(workers=workers)
        elapsed = time.perf_counter() - started
        batch = db.session.scalars(select(LetterBatch).order_by(LetterBatch.id.desc())).first()
        assert batch is not None, summary
        assert batch.status is BatchStatus.TERMINEE, summary
        smallest = db.session.scalar(
            select(func.min(Document.size_bytes))
            .join(PendingLetter, PendingLetter.document_id == Document.id)
            .where(PendingLetter.batch_id == batch.id)
        )
        assert (smallest or 0) > 10_000, smallest  # real letters were printed
        return elapsed


def naive(html: str) -> bytes:
    pdf: bytes = HTML(string=html, base_url=str(PDF_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(PDF_DIR / "print.css"))]
    )
    return pdf


def letter_times(html: str) -> tuple[float, float]:
    """Median seconds of our conversion and of the naive one, interleaved."""
    printing.html_to_pdf(html)
    naive(html)
    ours, theirs = [], []
    for _ in range(REPETITIONS):
        started = time.perf_counter()
        printing.html_to_pdf(html)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        naive(html)
        theirs.append(time.perf_counter() - started)
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        started = time.perf_counter()
        batch_id = close_a_session(app)
        print(
            f"BENCH pdf_session_prepared_s {time.perf_counter() - started:.1f} ({LETTERS} dossiers decided)"
        )

        letters = queued_letters(app, batch_id)
        ours, theirs = letter_times(letters[0]["html"])
        print(f"BENCH pdf_letter_ours_ms {ours * 1000:.1f}")
        print(f"BENCH pdf_letter_naive_ms {theirs * 1000:.1f}")
        print(f"RATIO pdf_letter_vs_naive {ours / theirs:.2f}")

        times: dict[int, list[float]] = {1: [print_with(app, 1)]}  # the closing's own batch first
        queue_again(app, letters[:4])
        print(f"BENCH pdf_forkserver_first_start_s {print_with(app, 2):.2f} (4 letters)")
        for workers in (2, 2, 1, 1, 2):
            queue_again(app, letters)
            times.setdefault(workers, []).append(print_with(app, workers))
        one, two = statistics.median(times[1]), statistics.median(times[2])
        print(f"BENCH pdf_batch_one_proc_s {one:.2f} ({LETTERS} letters)")
        print(f"BENCH pdf_batch_two_procs_s {two:.2f} ({LETTERS} letters)")
        print(f"RATIO pdf_batch_two_procs_vs_one {two / one:.2f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
