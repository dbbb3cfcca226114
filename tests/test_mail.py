"""Mail goes through the outbox and reaches a real SMTP server on loopback, exactly once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from scenarios.secours import awaiting_delegate_decision
from service.clock import TravellingClock
from service.extensions import db
from service.models import MailStatus, OutboxMessage, Role, User
from service.notifications import service as notifications
from service.scheduling.wake import wake_due_instances
from tests.conftest import START, csrf_token, text_of
from tests.smtp_server import Mailbox, free_port, smtp_server
from tests.workflow_helpers import as_user

PORT = free_port()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": PORT,
        "SMTP_STARTTLS": False,
        "MAIL_MAX_ATTEMPTS": 3,
        "MAIL_SENDER": "CCAS de Test <ccas@test.invalid>",
    }


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server(PORT) as box:
        yield box


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    make_user("claire", Role.RESPONSABLE, full_name="Claire Dumont", email="claire@ccas.invalid")
    make_user("lea", Role.ADMIN, email="lea@ccas.invalid")
    return make_user("julien", Role.ACCUEIL, Role.INSTRUCTEUR, Role.DELEGATAIRE, email="julien@ccas.invalid")


def _escalate(agent: User, travel: TravellingClock) -> OutboxMessage:
    awaiting_delegate_decision(agent)
    travel.advance(timedelta(hours=49))
    wake_due_instances()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "tache")).one()


def test_escalation_mail_reaches_the_server_in_french(
    agent: User, travel: TravellingClock, mailbox: Mailbox
) -> None:
    message = _escalate(agent, travel)
    report = notifications.deliver_pending()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)

    [received] = mailbox.messages
    assert received["To"] == "claire@ccas.invalid"
    assert received["From"] == "CCAS de Test <ccas@test.invalid>"
    assert received["Subject"] == "[Entraide] Traiter la décision en retard — dossier 2026-000001"
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert "Une tâche attend votre service : « Traiter la décision en retard »." in text
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "<strong>« Traiter la décision en retard »</strong>" in html

    db.session.expire_all()
    assert message.status is MailStatus.SENT
    assert message.sent_at == START + timedelta(hours=49)
    assert message.message_id == received["Message-ID"]
    assert notifications.deliver_pending().sent == 0
    assert len(mailbox.messages) == 1


def test_smtp_down_keeps_the_mail_then_delivers_it_once(agent: User, travel: TravellingClock) -> None:
    message = _escalate(agent, travel)
    down = notifications.deliver_pending()  # nobody listens on the port
    assert (down.sent, down.retried) == (0, 1)
    db.session.expire_all()
    assert message.status is MailStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == START + timedelta(hours=49, minutes=1)
    assert "ConnectionRefusedError" in message.last_error

    with smtp_server(PORT) as mailbox:
        assert notifications.deliver_pending().sent == 0  # not before its retry time
        travel.advance(timedelta(minutes=1))
        assert notifications.deliver_pending().sent == 1
        assert notifications.deliver_pending().sent == 0
        travel.advance(timedelta(days=1))
        assert notifications.deliver_pending().sent == 0
        assert len(mailbox.messages) == 1
    db.session.expire_all()
    assert message.status is MailStatus.SENT


def test_after_the_last_attempt_the_mail_fails_and_can_be_sent_again(
    agent: User, travel: TravellingClock, client: FlaskClient
) -> None:
    message = _escalate(agent, travel)
    for minutes in (0, 1, 2):  # 3 attempts, 1 then 2 minutes apart
        travel.advance(timedelta(minutes=minutes))
        notifications.deliver_pending()
    db.session.expire_all()
    assert (message.status, message.attempts) == (MailStatus.FAILED, 3)

    as_user(client, "lea")
    page = text_of(client.get("/administration/courriels"))
    assert "Traiter la décision en retard" in page
    assert "Échec" in page
    token = csrf_token(client, "/administration/courriels")
    assert (
        client.post(
            f"/administration/courriels/{message.id}/renvoyer", data={"csrf_token": token}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert (message.status, message.attempts) == (MailStatus.PENDING, 0)
    with smtp_server(PORT) as mailbox:
        assert notifications.deliver_pending().sent == 1
        assert len(mailbox.messages) == 1


def test_only_admins_read_the_mail(agent: User, client: FlaskClient) -> None:
    as_user(client, "claire")
    assert client.get("/administration/courriels").status_code == 403


def test_daily_digest_lists_overdue_tasks_once_a_working_day(agent: User, travel: TravellingClock) -> None:
    awaiting_delegate_decision(agent)  # due Wednesday 09:00
    travel.advance(timedelta(days=2, hours=-1, minutes=-30))  # Wednesday 07:30 in Paris: due at 09:00
    assert notifications.daily_digest() == 1
    digest = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "recapitulatif")).one()
    assert digest.recipients == ["julien@ccas.invalid"]
    assert digest.subject == "[Entraide] Vos tâches du jour : 1 à traiter"
    assert "Décider sous délégation (dossier 2026-000001) : échéance 25/11/2026 à 09:00" in digest.body_text
    assert notifications.daily_digest() == 0  # once a day

    travel.advance(timedelta(days=3))  # Saturday
    assert notifications.daily_digest() == 0


def test_no_digest_for_an_agent_with_nothing_due(agent: User) -> None:
    assert notifications.daily_digest() == 0


def test_without_smtp_server_mail_waits_in_the_outbox(
    agent: User, travel: TravellingClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask import current_app

    message = _escalate(agent, travel)
    settings = current_app.extensions["entraide.settings"]
    import dataclasses

    monkeypatch.setitem(
        current_app.extensions, "entraide.settings", dataclasses.replace(settings, SMTP_HOST="")
    )
    assert notifications.deliver_pending().sent == 0
    db.session.expire_all()
    assert (message.status, message.attempts) == (MailStatus.PENDING, 0)
