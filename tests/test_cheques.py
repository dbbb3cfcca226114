"""Chèques d'accompagnement personnalisé: decision, stock, numbered cheques issued once, hand-over receipt."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from scenarios.committee import accord, committee_decides
from scenarios.factories import delegate_power, make_centre
from service import clock
from service.accounts import service as accounts
from service.aids.cheque_accompagnement import stock
from service.dossiers import tasks
from service.errors import InvalidInputError
from service.extensions import db
from service.models import (
    AidType,
    ChequeBook,
    ChequeNature,
    Document,
    Dossier,
    DossierStatus,
    InstanceStatus,
    IssuedCheque,
    Role,
    User,
)
from tests.aid_steps import NOTIFIED, do, instance_of, open_aid, open_tasks, person_with_budget, task_of
from tests.conftest import PASSWORD, migrated_app, text_of
from tests.databases import fresh_database, on_postgresql
from tests.pdf import text_of_pdf
from tests.workflow_helpers import as_user, post_form

EVALUATION = {"situation": "Plus de quoi acheter à manger jusqu'à la fin du mois.", "nature": "alimentation"}


@pytest.fixture
def agents(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "accueil": make_user("nadia", Role.ACCUEIL),
        "instructeur": make_user("julien", Role.INSTRUCTEUR),
        "delegataire": make_user("michel", Role.DELEGATAIRE, full_name="Michel Garnier"),
        "elu": make_user("aicha", Role.ELU),
        "secretariat": make_user("sophie", Role.SECRETARIAT),
        "regisseur": make_user("paul", Role.REGISSEUR, full_name="Paul Henry"),
    }


def _book(agent: User, series: str = "CAP-A", nature: ChequeNature = ChequeNature.ALIMENTATION) -> ChequeBook:
    return stock.register_book(
        actor=agent, series=series, first_number=101, last_number=150, face_value_cents=2000, nature=nature
    )


def _granted(agents: dict[str, User], amount: str = "60") -> Dossier:
    person_id = person_with_budget(agents["instructeur"], "Martin")
    dossier = open_aid(agents["accueil"], person_id, AidType.CHEQUE_ACCOMPAGNEMENT)
    do(agents["instructeur"], dossier, "evaluer", {**EVALUATION, "montant_cents": amount})
    do(
        agents["delegataire"],
        dossier,
        "decider_delegation",
        {"decision": "accord", "montant_accorde_cents": amount},
    )
    do(agents["instructeur"], dossier, "notifier", NOTIFIED)
    return dossier


def test_cheques_granted_taken_from_stock_and_handed_over(
    client: FlaskClient, agents: dict[str, User], travel: clock.TravellingClock
) -> None:
    as_user(client, "sophie")
    entered = {"series": "cap-a", "nature": "alimentation", "face_value": "20,00", "first_number": "101",
               "last_number": "150"}  # fmt: skip
    assert post_form(client, "/cheques/stock", entered).status_code == 302
    again = post_form(client, "/cheques/stock", entered)
    assert again.status_code == 422
    assert "Un carnet de la série CAP-A est déjà en stock." in text_of(again)
    book = db.session.scalars(select(ChequeBook)).one()
    other = _book(agents["secretariat"], "CAP-H", ChequeNature.HYGIENE)

    dossier = _granted(agents)
    letter = db.session.scalars(
        select(Document).where(
            Document.kind == "decision", Document.subject_type == "dossier", Document.subject_id == dossier.id
        )
    ).one()
    assert "des chèques d'accompagnement personnalisé (alimentation) d'une valeur de 60,00" in " ".join(
        text_of_pdf(letter.content).split()
    )
    page = client.get(f"/taches/{task_of(dossier, 'delivrer_cheques').id}").get_data(as_text=True)
    assert "Série CAP-A — Alimentation, 20,00\u00a0€ — 50 disponible(s)" in page
    assert "CAP-H" not in page  # only books of the nature granted
    assert 'name="nombre" value="3"' in page

    with pytest.raises(InvalidInputError, match="4 chèques de 20,00\u00a0€ dépassent le montant accordé"):
        do(agents["secretariat"], dossier, "delivrer_cheques", {"carnet": str(book.id), "nombre": "4"})
    for hostile in ("9" * 30, "2147483648", "-1", "1e3"):  # 30 nines crashed SQLite: a 500
        with pytest.raises(InvalidInputError, match="Choisissez un carnet de la liste"):
            do(agents["secretariat"], dossier, "delivrer_cheques", {"carnet": hostile, "nombre": "1"})
    with pytest.raises(InvalidInputError, match="pas de la nature accordée"):
        do(agents["secretariat"], dossier, "delivrer_cheques", {"carnet": str(other.id), "nombre": "1"})
    do(agents["secretariat"], dossier, "delivrer_cheques", {"carnet": str(book.id), "nombre": "3"})
    issued = stock.cheques_of(dossier)
    assert [cheque.number for cheque in issued] == [101, 102, 103]

    def papers(kind: str) -> list[Document]:
        return list(
            db.session.scalars(
                select(Document).where(Document.subject_id == dossier.id, Document.kind == kind)
            )
        )

    # The stock exit is the secretariat's record, apart: no receipt before the régisseur hands them over.
    assert papers("recu_cheques") == []
    (exit_slip,) = papers("sortie_cheques")
    exit_text = text_of_pdf(exit_slip.content)
    assert "Sortis du stock le 23 novembre 2026 par" in exit_text
    assert "CAP-A 101 Alimentation 20,00" in exit_text
    assert "Ce document n'est pas un reçu de remise" in exit_text

    with pytest.raises(tasks.FormInvalidError) as unsigned:
        do(agents["regisseur"], dossier, "remettre_cheques", {})
    assert unsigned.value.errors == {"recu_signe": "Cochez cette case pour continuer."}
    travel.advance(timedelta(days=2))  # the person comes to the régie two days later
    do(agents["regisseur"], dossier, "remettre_cheques", {"recu_signe": "on"})
    (receipt,) = papers("recu_cheques")
    printed = text_of_pdf(receipt.content)
    for mention in ("Remis le 25 novembre 2026 par Paul Henry, régisseur",
                    "des mains de Paul Henry, régisseur", "CAP-A 101 Alimentation 20,00", "CAP-A 103",
                    "Total 60,00", "aucun rendu de monnaie",
                    "L1611-6", "Signature de la personne", "Le régisseur, Paul Henry"):  # fmt: skip
        assert mention in printed, mention
    assert receipt.author_name == "Paul Henry"
    assert receipt.created_at == clock.now()
    assert dossier.status is DossierStatus.VERSE
    assert dossier.amount_paid_cents == 6000
    assert all(cheque.handed_over_at == clock.now() for cheque in stock.cheques_of(dossier))
    assert instance_of(dossier).status is InstanceStatus.COMPLETED

    row = next(row for row in stock.stock(actor=agents["secretariat"]) if row.book.id == book.id)
    assert (row.issued, row.handed_over, row.available) == (3, 3, 47)
    as_user(client, "paul")
    stock_page = text_of(client.get("/cheques/stock"))
    assert "CAP-A n° 101" in stock_page


def test_above_the_delegation_ceiling_the_committee_decides(agents: dict[str, User]) -> None:
    person_id = person_with_budget(agents["instructeur"], "Petit")
    dossier = open_aid(agents["accueil"], person_id, AidType.CHEQUE_ACCOMPAGNEMENT)
    do(agents["instructeur"], dossier, "evaluer", {**EVALUATION, "montant_cents": "200"})  # ceiling: 150 €
    assert open_tasks(dossier) == []  # waiting for the committee
    committee_decides(agents["secretariat"], {dossier: accord(20000, voters=3)})
    assert dossier.decision == "accord"
    assert dossier.amount_granted_cents == 20000
    assert open_tasks(dossier) == ["notifier"]


def test_a_cheque_number_cannot_leave_stock_twice(agents: dict[str, User]) -> None:
    book = _book(agents["secretariat"])
    dossier = _granted(agents)
    first = IssuedCheque(
        centre_id=book.centre_id, book_id=book.id, number=120, dossier_id=dossier.id, issued_at=clock.now(),
        issued_by_id=agents["secretariat"].id,
    )  # fmt: skip
    db.session.add(first)
    db.session.flush()
    twice = IssuedCheque(
        centre_id=book.centre_id, book_id=book.id, number=120, dossier_id=dossier.id, issued_at=clock.now(),
        issued_by_id=agents["secretariat"].id,
    )  # fmt: skip
    db.session.add(twice)
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.fixture
def committing_app(tmp_path: Path) -> Iterator[Flask]:
    """Real commits on a database of its own: concurrent issuers need separate transactions."""
    with fresh_database(tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance")
        with app.app_context():
            make_centre("ccas-cheques", "CCAS des Chèques")
            everyone = accounts.create_user(
                centre_code="ccas-cheques", username="tout", full_name="Agent Polyvalent", password=PASSWORD,
                roles=[Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE, Role.SECRETARIAT],
            )  # fmt: skip
            db.session.flush()
            delegate_power(everyone)
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


def _agent() -> User:
    agent = accounts.authenticate(username="tout", password=PASSWORD, address="127.0.0.1")
    accounts.scope_session_to(agent)
    return agent


def test_concurrent_issuers_never_share_a_number(
    committing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuers = 6
    with committing_app.app_context():
        agent = _agent()
        book_id = _book(agent).id
        agents = dict.fromkeys(("accueil", "instructeur", "delegataire"), agent)
        task_ids = [task_of(_granted(agents), "delivrer_cheques").id for _ in range(issuers)]
    if on_postgresql():
        # Every issuer has read its task and instance before any takes numbers: they all compete for the book.
        barrier = threading.Barrier(issuers, timeout=30)
        issue = stock.issue

        def issue_together(**kwargs: Any) -> list[IssuedCheque]:
            barrier.wait()
            return issue(**kwargs)

        monkeypatch.setattr(stock, "issue", issue_together)
    errors: list[BaseException] = []

    def deliver(task_id: int) -> None:
        with committing_app.app_context():
            try:
                tasks.complete_task(
                    actor=_agent(), task_id=task_id, form={"carnet": str(book_id), "nombre": "3"}
                )
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(task_id,)) for task_id in task_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with committing_app.app_context():
        numbers = db.session.scalars(select(IssuedCheque.number).order_by(IssuedCheque.number)).all()
        assert numbers == list(range(101, 101 + 3 * issuers))
        per_dossier = {
            dossier_id: len(
                db.session.scalars(select(IssuedCheque.id).where(IssuedCheque.dossier_id == dossier_id)).all()
            )
            for dossier_id in db.session.scalars(select(Dossier.id))
        }
        assert set(per_dossier.values()) == {3}
