"""Mail exactly once, as far as SMTP allows: the Message-ID is fixed at queueing, each attempt is counted and
committed before the send under a lease; a sender that dies mid-send costs at most one copy more, with the
same Message-ID; a sender that keeps dying gives the message up at MAIL_MAX_ATTEMPTS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import select

from service.clock import TravellingClock
from service.config import Settings
from service.extensions import db
from service.models import MailStatus, OutboxMessage, Role, User
from service.notifications import outbox, smtp
from service.notifications import service as notifications
from service.unit_of_work import transaction
from tests.smtp_server import Mailbox, free_port, smtp_server

PORT = free_port()
LEASE = timedelta(seconds=300)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": PORT,
        "SMTP_STARTTLS": False,
        "MAIL_MAX_ATTEMPTS": 3,
        "MAIL_CLAIM_LEASE_SECONDS": int(LEASE.total_seconds()),
        "MAIL_SENDER": "CCAS de Test <ccas@ccas-test.exemple.fr>",
    }


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server(PORT) as box:
        yield box


@pytest.fixture
def queued(make_user: Callable[..., User]) -> OutboxMessage:
    agent = make_user("claire", Role.RESPONSABLE, email="claire@ccas-test.exemple.fr")
    with transaction():
        message = outbox.queue(
            centre_id=agent.centre_id,
            kind="tache",
            recipients=[agent.email],
            template="recapitulatif",
            context={"user": agent, "tasks": [], "now": None, "url": "http://127.0.0.1/taches/"},
        )
    assert message is not None
    return message


class WorkerKilled(BaseException):
    """Stands for SIGKILL in the sending worker: nothing after it runs, no handler catches it."""


def _killed_after_the_server_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    real_send = smtp.send

    def send_then_die(email: EmailMessage, settings: Settings) -> None:
        real_send(email, settings)
        raise WorkerKilled

    monkeypatch.setattr(smtp, "send", send_then_die)


def test_the_message_id_is_fixed_at_queueing_and_kept_across_retries(
    queued: OutboxMessage, travel: TravellingClock
) -> None:
    fixed = queued.message_id
    assert fixed.startswith("<")
    assert fixed.endswith("@ccas-test.exemple.fr>")
    assert notifications.deliver_pending().retried == 1  # nobody listens yet
    db.session.expire_all()
    assert (queued.status, queued.attempts, queued.message_id) == (MailStatus.PENDING, 1, fixed)
    travel.advance(timedelta(minutes=1))
    with smtp_server(PORT) as mailbox:
        assert notifications.deliver_pending().sent == 1
    assert [received["Message-ID"].strip() for received in mailbox.messages] == [fixed]


def test_a_sender_killed_after_the_server_accepted_costs_one_copy_with_the_same_message_id(
    queued: OutboxMessage, travel: TravellingClock, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        _killed_after_the_server_accepted(patch)
        with pytest.raises(WorkerKilled):
            notifications.deliver_pending()
    db.session.expire_all()
    # The attempt was counted and the row claimed before the send: no other sender takes it meanwhile.
    assert (queued.status, queued.attempts) == (MailStatus.SENDING, 1)
    assert notifications.deliver_pending().sent == 0
    travel.advance(LEASE - timedelta(seconds=1))
    assert notifications.deliver_pending().sent == 0

    travel.advance(timedelta(seconds=2))  # the dead sender's lease has run out
    assert notifications.deliver_pending().sent == 1
    db.session.expire_all()
    assert (queued.status, queued.attempts) == (MailStatus.SENT, 2)
    assert len(mailbox.messages) == 2
    assert {received["Message-ID"].strip() for received in mailbox.messages} == {queued.message_id}
    travel.advance(LEASE * 2)
    assert notifications.deliver_pending().sent == 0
    assert len(mailbox.messages) == 2


def test_a_sender_that_keeps_dying_gives_the_message_up(
    queued: OutboxMessage, travel: TravellingClock, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        _killed_after_the_server_accepted(patch)
        for _ in range(3):  # MAIL_MAX_ATTEMPTS
            with pytest.raises(WorkerKilled):
                notifications.deliver_pending()
            travel.advance(LEASE + timedelta(seconds=1))
    report = notifications.deliver_pending()
    assert (report.sent, report.failed) == (0, 0)
    db.session.expire_all()
    assert (queued.status, queued.attempts) == (MailStatus.FAILED, 3)
    assert "interrompu 3 fois" in queued.last_error
    assert queued.claimed_until is None
    assert len(mailbox.messages) == 3  # one per attempt, never more
    assert notifications.deliver_pending().sent == 0


def test_a_claimed_message_cannot_be_sent_again_by_hand(
    queued: OutboxMessage, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox
) -> None:
    admin = make_user("lea", Role.ADMIN)
    with monkeypatch.context() as patch:
        _killed_after_the_server_accepted(patch)
        with pytest.raises(WorkerKilled):
            notifications.deliver_pending()
    with pytest.raises(Exception, match="en cours d'envoi"):
        notifications.resend(actor=admin, message_id=queued.id)


def test_the_lease_keeps_a_second_worker_away(queued: OutboxMessage, mailbox: Mailbox) -> None:
    """Two workers read the same due row: the first claims it; the second's claim finds it taken."""
    settings = notifications.current_settings()
    first = notifications._claim(queued.id, settings)
    assert first is not None
    assert notifications._claim(queued.id, settings) is None
    db.session.expire_all()
    row = db.session.scalars(select(OutboxMessage)).one()
    assert (row.status, row.attempts) == (MailStatus.SENDING, 1)
