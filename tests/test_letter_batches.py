"""A session's decision letters: queued by the closing, printed in the background, progress on the page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from scenarios.committee import accord, all_present, convened, item_of, members, refus
from scenarios.factories import open_task
from service import clock
from service.committee import closing, sitting
from service.documents import batches, printing
from service.extensions import db
from service.models import (
    AidType,
    AuditEvent,
    BatchStatus,
    CommitteeMember,
    CommitteeSession,
    Document,
    Dossier,
    LetterBatch,
    PendingLetter,
    Role,
    User,
)
from tests.aid_steps import do, open_aid, person_with_budget
from tests.conftest import csrf_token, text_of
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user

RELIEF = {
    "situation": "Facture d'énergie impayée, coupure annoncée.",
    "nature_besoin": "energie",
    "montant_cents": "450",  # above the 300 € delegation ceiling: the committee decides
    "mode_paiement": "virement",
}


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "instructeur": make_user("julien", Role.INSTRUCTEUR),
        "secretariat": make_user("sophie", Role.SECRETARIAT, full_name="Sophie Martin"),
    }


@pytest.fixture
def board(agents: dict[str, User]) -> list[CommitteeMember]:
    return members(agents["secretariat"].centre_id)


def _relief(agents: dict[str, User], name: str) -> Dossier:
    dossier = open_aid(
        agents["accueil"], person_with_budget(agents["instructeur"], name), AidType.SECOURS_URGENCE
    )
    do(agents["instructeur"], dossier, "evaluer", RELIEF)
    return dossier


def _closed(
    agents: dict[str, User], names: tuple[str, ...] = ("Martin", "Petit", "Roux")
) -> CommitteeSession:
    """A session that granted the first dossier and refused the others, closed, its letters not printed."""
    dossiers = [_relief(agents, name) for name in names]
    secretary = agents["secretariat"]
    session = convened(secretary)
    all_present(secretary, session)
    for index, dossier in enumerate(dossiers):
        vote = accord(40000, 3, reasons="Le loyer est pris en charge en partie.") if index == 0 else refus(3)
        sitting.record_vote(
            actor=secretary, session_id=session.id, item_id=item_of(session, dossier).id, vote=vote
        )
    closing.close_session(actor=secretary, session_id=session.id)
    return session


def _batch(session: CommitteeSession) -> LetterBatch:
    return db.session.scalars(select(LetterBatch).where(LetterBatch.session_id == session.id)).one()


def _letters(session: CommitteeSession) -> dict[str, Document]:
    """The decision letters of the session's dossiers, by deliberation number."""
    found = {}
    for item in session.items:
        document = db.session.scalars(
            select(Document).where(
                Document.kind == "decision",
                Document.subject_type == "dossier",
                Document.subject_id == item.dossier_id,
            )
        ).one()
        found[item.deliberation_number] = document
    return found


def test_the_closing_queues_the_letters_and_the_job_prints_them_with_two_processes(
    agents: dict[str, User], board: list[CommitteeMember], monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _closed(agents)
    batch = _batch(session)
    assert (batch.status, batch.total, batch.done) == (BatchStatus.EN_ATTENTE, 3, 0)
    assert (
        db.session.scalar(select(func.count()).select_from(Document).where(Document.kind == "decision")) == 0
    )

    pools: list[dict[str, Any]] = []

    class WatchedPool(ProcessPoolExecutor):
        def __init__(self, **kwargs: Any) -> None:
            pools.append(kwargs)
            super().__init__(**kwargs)

    monkeypatch.setattr(printing, "ProcessPoolExecutor", WatchedPool)
    assert batches.print_letter_batches(workers=2) == f"lot {batch.id} : 3/3 (imprimés)"
    assert [pool["max_workers"] for pool in pools] == [2]
    assert pools[0]["mp_context"].get_start_method() in {"forkserver", "spawn"}  # never fork

    db.session.expire_all()
    assert (batch.status, batch.total, batch.done) == (BatchStatus.TERMINEE, 3, 3)
    assert batch.started_at is not None
    assert batch.finished_at is not None
    assert batch.error == ""
    letters = _letters(session)
    assert sorted(letters) == ["DEL2026_001", "DEL2026_002", "DEL2026_003"]
    for number, document in letters.items():
        assert document.number == number
        assert document.sha256 == hashlib.sha256(document.content).hexdigest()
        assert document.author_name == "Sophie Martin"
        assert (document.issue_params or {})["number"] == number
        assert f"Délibération n° {number} de la commission permanente" in text_of_pdf(document.content)
    assert "d'un montant de 400,00 € vous est accordé" in text_of_pdf(letters["DEL2026_001"].content)
    assert "refusée" in text_of_pdf(letters["DEL2026_002"].content)
    pending = db.session.scalars(select(PendingLetter).where(PendingLetter.batch_id == batch.id)).all()
    assert {letter.document_id for letter in pending} == {document.id for document in letters.values()}
    assert all(letter.html == "" for letter in pending)  # the PDF is the record, no second copy
    issued = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.émission")).all()
    assert sorted(
        event.details["numéro"] for event in issued if event.details["type"] == "decision"
    ) == sorted(letters)
    assert batches.print_letter_batches(workers=2) == ""  # nothing left: nothing printed twice


def test_the_session_page_follows_the_printing(
    client: FlaskClient, agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    session = _closed(agents, ("Martin", "Petit"))
    dossier_id = session.items[0].dossier_id
    as_user(client, "sophie")
    page = text_of(client.get(f"/commission/seances/{session.id}"))
    assert "Courriers de la séance : 0 / 2 imprimés" in page
    assert "En attente d'impression" in page
    assert 'max="2" value="0"' in page
    assert "js/letters-progress.js" in page
    progress = client.get(f"/commission/seances/{session.id}/courriers").get_json()
    assert progress == {
        "total": 2, "done": 0, "status": "en_attente", "status_label": "En attente d'impression",
        "running": True, "message": "Courriers de la séance : 0 / 2 imprimés", "error": "",
    }  # fmt: skip
    dossier_page = text_of(client.get(f"/dossiers/{dossier_id}"))
    assert "Décision DEL2026_001 — dossier" in dossier_page
    assert "courrier en cours d'impression" in dossier_page
    as_user(client, "julien")
    notifying = open_task(session.items[0].dossier, "notifier").id
    task_page = text_of(client.get(f"/taches/{notifying}"))
    assert "courrier en cours d'impression, il sera dans les documents du dossier" in task_page
    as_user(client, "sophie")

    batches.print_letter_batches()
    page = text_of(client.get(f"/commission/seances/{session.id}"))
    assert "Courriers de la séance : 2 / 2 imprimés" in page
    assert "Imprimés" in page
    assert "letters-progress.js" in page  # the script is there, and stops at once: the batch is not running
    assert "data-running" not in page
    letters = _letters(session)
    for document in letters.values():
        assert f'href="/documents/{document.id}"' in page
    progress = client.get(f"/commission/seances/{session.id}/courriers").get_json()
    assert (progress["done"], progress["running"], progress["status"]) == (2, False, "terminee")
    dossier_page = text_of(client.get(f"/dossiers/{dossier_id}"))
    assert "en cours d'impression" not in dossier_page
    assert f'href="/documents/{letters["DEL2026_001"].id}"' in dossier_page

    as_user(client, "julien")  # an instructor follows dossiers, not the printing of a session
    assert client.get(f"/commission/seances/{session.id}/courriers").status_code == 403
    assert "en cours d'impression" not in text_of(client.get(f"/taches/{notifying}"))
    assert "Courriers de la séance" not in text_of(client.get(f"/commission/seances/{session.id}"))


def test_a_letter_that_fails_stops_the_batch_without_losing_the_others_and_can_be_printed_again(
    client: FlaskClient,
    agents: dict[str, User],
    board: list[CommitteeMember],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = _closed(agents)
    batch = _batch(session)
    real = printing.html_to_pdf
    second = session.items[1].dossier

    def broken_on_the_second(html: str) -> bytes:
        if second.number in html:
            raise OSError("police introuvable")
        return real(html)

    monkeypatch.setattr(printing, "html_to_pdf", broken_on_the_second)
    batches.print_letter_batches()
    db.session.expire_all()
    assert (batch.status, batch.done, batch.total) == (BatchStatus.ECHEC, 2, 3)
    assert batch.error == (
        f"1 courrier(s) n'ont pu être imprimé(s) : Décision DEL2026_002 — dossier {second.number} : "
        "OSError (police introuvable)."
    )
    printed = {number: document.id for number, document in _letters_printed(session).items()}
    assert sorted(printed) == ["DEL2026_001", "DEL2026_003"]  # kept, each with its hash and audit
    assert batches.print_letter_batches() == ""  # a failed batch waits for someone to retry it

    as_user(client, "sophie")
    path = f"/commission/seances/{session.id}"
    page = text_of(client.get(path))
    assert "Courriers de la séance : 2 / 3 imprimés" in page
    assert "L'impression a échoué : 1 courrier(s) n'ont pu être imprimé(s)" in page
    assert "police introuvable" in page
    assert f"Décision DEL2026_002 — dossier {second.number} — non imprimé" in page
    assert "l'impression a échoué" in text_of(client.get(f"/dossiers/{second.id}"))

    monkeypatch.setattr(printing, "html_to_pdf", real)
    response = client.post(f"{path}/courriers/relancer", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    db.session.expire_all()
    assert (batch.status, batch.error) == (BatchStatus.EN_ATTENTE, "")
    batches.print_letter_batches()
    db.session.expire_all()
    assert (batch.status, batch.done, batch.total, batch.attempts) == (BatchStatus.TERMINEE, 3, 3, 2)
    again = {number: document.id for number, document in _letters_printed(session).items()}
    assert {number: again[number] for number in printed} == printed  # not printed a second time
    assert "DEL2026_002" in again
    retried = client.post(f"{path}/courriers/relancer", data={"csrf_token": csrf_token(client, path)})
    assert retried.status_code == 422
    assert "Aucune impression en échec" in text_of(retried)


def _letters_printed(session: CommitteeSession) -> dict[str, Document]:
    ids = [item.dossier_id for item in session.items]
    documents = db.session.scalars(
        select(Document).where(
            Document.kind == "decision", Document.subject_type == "dossier", Document.subject_id.in_(ids)
        )
    ).all()
    return {document.number: document for document in documents}


def test_a_batch_a_stopped_worker_left_is_printed_again_later(
    agents: dict[str, User], board: list[CommitteeMember], travel: clock.TravellingClock
) -> None:
    session = _closed(agents, ("Martin",))
    batch = _batch(session)
    batch.status, batch.progress_at = BatchStatus.EN_COURS, clock.now()  # claimed, then the worker died
    db.session.commit()
    travel.advance(timedelta(minutes=9))
    assert batches.print_letter_batches() == ""  # perhaps still printing: left alone
    travel.advance(timedelta(minutes=2))
    assert batches.print_letter_batches() == f"lot {batch.id} : 1/1 (imprimés)"
    assert len(_letters(session)) == 1


def test_a_session_without_decision_queues_no_batch(
    agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    secretary = agents["secretariat"]
    session = convened(secretary)
    all_present(secretary, session)
    closing.close_session(actor=secretary, session_id=session.id)
    assert db.session.scalar(select(func.count()).select_from(LetterBatch)) == 0


def test_the_operator_prints_the_letters_waiting_from_the_command_line(
    app: Flask, agents: dict[str, User], board: list[CommitteeMember]
) -> None:
    session = _closed(agents, ("Martin",))
    batch = _batch(session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["letters", "print", "--processus", "1"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Imprimé : lot {batch.id} : 1/1 (imprimés).\n"
    assert len(_letters(session)) == 1
    again = runner.invoke(args=["letters", "print"])
    assert again.output == "Aucun courrier en attente d'impression.\n"
