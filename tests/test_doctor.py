"""`entraide doctor`: nothing to say about the demo data; each inconsistency a test plants is named, in
French, under its centre, and the command then exits with status 1."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text, update

from scenarios.secours import EVALUATION
from service import clock, demo, doctor
from service.extensions import db
from service.models import (
    AidType,
    Document,
    Dossier,
    DossierStatus,
    HumanTask,
    InstanceStatus,
    MailStatus,
    OutboxMessage,
    ProcessInstance,
    Role,
    User,
)
from service.unit_of_work import transaction
from tests import aid_steps


def test_the_demo_data_is_consistent(app: Flask) -> None:
    demo.seed_if_empty()
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "Centre « CIAS du Val d'Aubin » (cias-val-d-aubin) : aucune incohérence." in result.output


@pytest.fixture
def team(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "agent": make_user("julie", Role.ACCUEIL, Role.INSTRUCTEUR),
        "delegate": make_user("michel", Role.DELEGATAIRE),
    }


def _dossier(agent: User, name: str) -> Dossier:
    return aid_steps.open_aid(agent, aid_steps.person_with_budget(agent, name), AidType.SECOURS_URGENCE)


def _instance(dossier: Dossier) -> ProcessInstance:
    return aid_steps.instance_of(dossier)


def _plant(statement: object) -> None:
    with transaction():
        db.session.execute(statement)  # type: ignore[call-overload]
    db.session.expire_all()


def _findings() -> list[str]:
    return [line for found in doctor.examine().findings.values() for line in found]


def test_each_planted_inconsistency_is_named(app: Flask, team: dict[str, User]) -> None:
    agent, delegate = team["agent"], team["delegate"]
    assert _findings() == []

    lost_task = _dossier(agent, "Tâche-Perdue")
    _plant(text("DELETE FROM human_task WHERE dossier_id = :d").bindparams(d=lost_task.id))

    wrong_wait = _instance(_dossier(agent, "Attente"))
    _plant(update(ProcessInstance).where(ProcessInstance.id == wrong_wait.id).values(awaiting_message="rien"))

    wrong_due = _instance(_dossier(agent, "Échéance"))
    _plant(
        update(ProcessInstance)
        .where(ProcessInstance.id == wrong_due.id)
        .values(next_due_at=clock.now() + timedelta(days=400))
    )

    closed_running = _dossier(agent, "Clos")
    _plant(update(Dossier).where(Dossier.id == closed_running.id).values(closed_at=clock.now()))

    ended = _dossier(agent, "Fini")
    _plant(
        update(ProcessInstance)
        .where(ProcessInstance.id == _instance(ended).id)
        .values(status=InstanceStatus.COMPLETED)
    )

    orphan = Dossier(
        centre_id=agent.centre_id, number="2026-000999", aid_type=AidType.SECOURS_URGENCE,
        status=DossierStatus.EN_INSTRUCTION, person_id=lost_task.person_id, opened_by_id=agent.id,
        opened_at=clock.now(), reason="Sans processus",
    )  # fmt: skip
    with transaction():
        db.session.add(orphan)

    decided = _dossier(agent, "Décidé")
    aid_steps.do(agent, decided, "evaluer", EVALUATION)
    aid_steps.do(
        delegate,
        decided,
        "decider_delegation",
        {
            "decision": "accord",
            "montant_accorde_cents": "150",
            "motif": "Une partie de la dépense est déjà prise en charge.",
        },
    )
    letter = db.session.scalars(select(Document).where(Document.number.like("DEC%"))).one()
    _plant(text("UPDATE document SET sha256 = :h WHERE id = :i").bindparams(h="0" * 64, i=letter.id))

    with transaction():
        message = OutboxMessage(
            centre_id=agent.centre_id, kind="tache", recipients=["x@exemple.fr"], subject="Bloqué",
            body_text="", body_html="", status=MailStatus.SENDING, attempts=1,
            next_attempt_at=clock.now(), created_at=clock.now(), message_id="<x@exemple.fr>",
            claimed_until=clock.now() - timedelta(minutes=1), claim_token="0" * 32,
        )  # fmt: skip
        db.session.add(message)

    findings = _findings()
    expected = [
        f"instance {_instance(lost_task).id} (secours_urgence) : la tâche prête",
        f"instance {wrong_wait.id} (secours_urgence) : attend « rien » selon la base",
        f"instance {wrong_due.id} (secours_urgence) : prochaine échéance",
        f"dossier {closed_running.number} : clos alors que son processus",
        f"dossier {ended.number} : ouvert alors que son processus",
        f"« Évaluer la situation » ouverte sur l'instance terminée {_instance(ended).id}",
        "dossier 2026-000999 : aucune instance de processus.",
        "numéros de dossier 2026 : numéro(s) manquant(s)",
        "numéros de dossier 2026 : le compteur est à",
        f"document {letter.id} « ",
        f"courriel {message.id} « Bloqué » réservé pour l'envoi",
    ]
    for start in expected:
        assert any(start in finding for finding in findings), (start, findings)
    assert len(findings) == len(expected), findings


def test_gaps_and_duplicates_in_the_decision_series(app: Flask, team: dict[str, User]) -> None:
    agent, delegate = team["agent"], team["delegate"]
    for name in ("Un", "Deux", "Trois"):
        dossier = _dossier(agent, name)
        aid_steps.do(agent, dossier, "evaluer", EVALUATION)
        aid_steps.do(
            delegate,
            dossier,
            "decider_delegation",
            {
                "decision": "accord",
                "montant_accorde_cents": "150",
                "motif": "Une partie de la dépense est déjà prise en charge.",
            },
        )
    assert _findings() == []
    _plant(text("UPDATE document SET number = 'DEC2026_001' WHERE number = 'DEC2026_002'"))
    findings = _findings()
    assert any("décisions par délégation 2026 : numéro(s) en double 1" in f for f in findings), findings
    assert any("décisions par délégation 2026 : numéro(s) manquant(s) 2" in f for f in findings), findings


def test_the_command_exits_with_one_and_names_the_centre(app: Flask, team: dict[str, User]) -> None:
    dossier = _dossier(team["agent"], "Perdu")
    _plant(update(HumanTask).where(HumanTask.dossier_id == dossier.id).values(completed_at=clock.now()))
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "Centre « CCAS de Test-sur-Mer » (ccas-test) : 1 incohérence(s)" in result.output
    assert "n'a pas de ligne ouverte" in result.output
