"""A worker SIGKILLed right after the SMTP server accepted a message: the next worker sends it once more, with
the same Message-ID, and nothing else; the database is consistent afterwards (`entraide doctor`)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import create_engine, select

from scenarios.factories import make_centre
from scenarios.workers import doctor, start_worker, wait_for
from service.accounts import service as accounts
from service.models import MailStatus, OutboxMessage, Role
from service.notifications import outbox
from service.unit_of_work import transaction
from tests.conftest import PASSWORD
from tests.smtp_server import Mailbox, free_port


class KillingMailbox(Mailbox):
    """Keeps each message; the first time, SIGKILLs the sending worker before answering "250"."""

    def __init__(self) -> None:
        super().__init__()
        self.victim: subprocess.Popen[bytes] | None = None
        self.killed = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        answer = await super().handle_DATA(server, session, envelope)
        if self.victim is not None and not self.killed.is_set():
            os.kill(self.victim.pid, signal.SIGKILL)
            self.victim.wait()
            self.killed.set()
        return answer


def _queue_one(app: Flask) -> int:
    with app.app_context():
        make_centre("ccas-envoi", "CCAS d'Envoi")
        agent = accounts.create_user(
            centre_code="ccas-envoi", username="claire", full_name="Claire Dumont", password=PASSWORD,
            roles=[Role.RESPONSABLE], email="claire@ccas-envoi.exemple.fr",
        )  # fmt: skip
        with transaction():
            message = outbox.queue(
                centre_id=agent.centre_id, kind="tache", recipients=[agent.email], template="recapitulatif",
                context={"user": agent, "tasks": [], "now": None, "url": "http://127.0.0.1/taches/"},
            )  # fmt: skip
        assert message is not None
        return message.id


def test_a_worker_killed_after_the_server_accepted_sends_once_more_with_the_same_message_id(
    database: tuple[str, Flask], tmp_path: Path
) -> None:
    url, app = database
    message_id = _queue_one(app)
    port = free_port()
    mailbox = KillingMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_STARTTLS": "false",
        "MAIL_INTERVAL_SECONDS": "1", "WAKE_INTERVAL_SECONDS": "3600",
        "MAIL_CLAIM_LEASE_SECONDS": "1",  # the dead worker's claim runs out by the time another starts
    }  # fmt: skip
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        mailbox.victim = start_worker(url, tmp_path, **smtp)
        assert mailbox.killed.wait(timeout=120), "the first worker never reached the SMTP server"
        with engine.connect() as connection:
            row = connection.execute(
                select(OutboxMessage.status, OutboxMessage.attempts).where(OutboxMessage.id == message_id)
            ).one()
        assert (row.status, row.attempts) == (MailStatus.SENDING, 1)  # claimed and counted, not recorded

        second = start_worker(url, tmp_path, **smtp)
        try:

            def recorded() -> bool:
                with engine.connect() as connection:
                    status = connection.scalar(
                        select(OutboxMessage.status).where(OutboxMessage.id == message_id)
                    )
                return bool(status == MailStatus.SENT)

            wait_for(recorded, timeout=120, workers=[second])
        finally:
            second.terminate()
            second.wait()
    finally:
        controller.stop()
    with engine.connect() as connection:
        row = connection.execute(
            select(OutboxMessage.attempts, OutboxMessage.message_id).where(OutboxMessage.id == message_id)
        ).one()
    engine.dispose()
    assert row.attempts == 2
    assert len(mailbox.messages) == 2  # the copy the dead worker sent, and one more: never a third
    assert {received["Message-ID"].strip() for received in mailbox.messages} == {row.message_id}
    checked = doctor(url, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "aucune incohérence" in checked.stdout
