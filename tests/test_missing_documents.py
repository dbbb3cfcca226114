"""The missing-documents step: ask, remind once after a delay, close without follow-up after another."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scenarios.secours import EVALUATION, open_task_of
from service.clock import TravellingClock
from service.dossiers import service as dossiers
from service.dossiers import tasks
from service.extensions import db
from service.models import AidType, Document, Dossier, DossierStatus, ProcessInstance, Role, User
from service.people import service as people
from service.scheduling.wake import wake_due_instances
from tests.conftest import START
from tests.pdf import text_of_pdf

# The delays are settings: shorter ones here than the defaults (15 and 30 days).
REMINDER, CLOSURE = timedelta(days=10), timedelta(days=20)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"PIECES_REMINDER_DELAY": "P10D", "PIECES_CLOSURE_DELAY": "P20D"}


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE)


def _waiting_for_documents(agent: User) -> Dossier:
    person = people.create(actor=agent, identity=people.Identity(last_name="Pieces", first_name="Ana"))
    dossier = dossiers.open_request(
        actor=agent, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Loyer"
    )
    form = {**EVALUATION, "pieces_manquantes": "Avis d'échéance du loyer ; dernier relevé de la CAF"}
    tasks.complete_task(actor=agent, task_id=open_task_of(dossier.id, "evaluer").id, form=form)
    assert dossier.status is DossierStatus.EN_ATTENTE_PIECES
    ask = open_task_of(dossier.id, "demander_pieces")
    assert ask.role == "instructeur"
    tasks.complete_task(actor=agent, task_id=ask.id, form={"moyen": "courrier", "date_demande": "2026-11-23"})
    return dossier


def _complete(agent: User, dossier: Dossier, task_name: str, form: dict[str, str]) -> None:
    tasks.complete_task(actor=agent, task_id=open_task_of(dossier.id, task_name).id, form=form)


def _paper(dossier: Dossier, kind: str) -> str:
    paper = db.session.scalars(
        select(Document).where(Document.subject_id == dossier.id, Document.kind == kind)
    ).one()
    return text_of_pdf(paper.content)


def test_documents_received_send_the_request_back_to_evaluation(agent: User, travel: TravellingClock) -> None:
    dossier = _waiting_for_documents(agent)
    # The request is printed with the documents and the day they are expected by: the reminder and the
    # closure delays counted from the request (L114-5 CRPA).
    request = _paper(dossier, "demande_pieces")
    for mention in (
        "PIECES Ana", "Objet : pièces manquantes à votre demande de secours d'urgence",
        "au plus tard le 23 décembre 2026", "Avis d'échéance du loyer", "dernier relevé de la CAF", "L114-5",
        "classée sans suite",
    ):  # fmt: skip
        assert mention in request, mention
    reception = open_task_of(dossier.id, "recevoir_pieces")
    assert (reception.role, reception.due_at) == ("accueil", START + REMINDER)
    travel.advance(timedelta(days=4))
    _complete(agent, dossier, "recevoir_pieces", {"date_reception": "2026-11-27"})
    _complete(agent, dossier, "evaluer", EVALUATION)  # complete now: on to the barème and the decision
    assert open_task_of(dossier.id, "decider_delegation")
    assert dossier.status is DossierStatus.EN_ATTENTE_DECISION


def test_no_answer_brings_one_reminder_then_closes_without_follow_up(
    agent: User, travel: TravellingClock
) -> None:
    dossier = _waiting_for_documents(agent)
    travel.advance(REMINDER - timedelta(minutes=1))
    assert wake_due_instances() == 0
    travel.advance(timedelta(minutes=2))
    assert wake_due_instances() == 1
    reminder = open_task_of(dossier.id, "relancer_pieces")
    assert reminder.role == "instructeur"
    _complete(agent, dossier, "relancer_pieces", {"moyen": "telephone", "date_relance": "2026-12-03"})
    second = open_task_of(dossier.id, "recevoir_pieces_relance")
    assert second.due_at == START + REMINDER + timedelta(minutes=1) + CLOSURE

    travel.advance(CLOSURE)
    assert wake_due_instances() == 0  # a timer fires once its instant has passed
    travel.advance(timedelta(minutes=1))
    assert wake_due_instances() == 1
    db.session.expire_all()
    assert dossier.status is DossierStatus.CLASSE_SANS_SUITE
    letter = _paper(dossier, "classement_sans_suite")
    for mention in (
        "PIECES Ana", "Objet : classement sans suite de votre demande de secours d'urgence",
        "par notre courrier du 23 novembre 2026", "classée sans suite", "Voies et délais de recours",
        "Tribunal administratif de Lyon", "Télérecours citoyens",
    ):  # fmt: skip
        assert mention in letter, mention
    assert dossier.closed_at == START + REMINDER + timedelta(minutes=2) + CLOSURE
    instance = db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)
    ).one()
    assert instance.next_due_at is None  # bounded: nothing more will fire
    travel.advance(timedelta(days=365))
    assert wake_due_instances() == 0
