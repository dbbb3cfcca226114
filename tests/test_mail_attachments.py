"""Mail attachments: an iCal file and an issued PDF reach a real SMTP server on loopback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from service import clock
from service.config import current_settings
from service.extensions import db
from service.models import Centre, Document, MailStatus, OutboxMessage
from service.notifications import outbox, smtp
from service.notifications import service as notifications
from service.notifications.ical import session_ics
from tests.conftest import START
from tests.smtp_server import Mailbox, free_port, smtp_server

PORT = free_port()
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": PORT,
        "SMTP_STARTTLS": False,
        "MAIL_SENDER": "CCAS de Test <ccas@test.invalid>",
    }


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server(PORT) as box:
        yield box


def _queue(centre: Centre, **attached: Any) -> OutboxMessage:
    message = outbox.queue(
        centre_id=centre.id,
        kind="convocation",
        recipients=["elu@ccas.invalid"],
        template="tache_a_traiter",
        context={
            "task": SimpleNamespace(title="Séance de la commission"),
            "dossier": None,
            "url": "https://entraide.invalid/commission/seances/12",
        },
        **attached,
    )
    assert message is not None
    db.session.commit()
    return message


def _document(centre: Centre, filename: str = "convocation-séance-12.pdf") -> Document:
    document = Document(
        centre_id=centre.id,
        kind="convocation",
        title="Convocation à la séance du 3 décembre 2026",
        subject_type="seance",
        subject_id=12,
        filename=filename,
        content=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
        size_bytes=len(PDF),
        author_name="Claire Dumont",
        created_at=clock.now(),
    )
    db.session.add(document)
    db.session.flush()
    return document


def _deliver_one(mailbox: Mailbox, message: OutboxMessage) -> Any:
    report = notifications.deliver_pending()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    db.session.expire_all()
    assert message.status is MailStatus.SENT
    [received] = mailbox.messages
    return received


def test_ics_attachment_reaches_the_server(centre: Centre, mailbox: Mailbox) -> None:
    ics = session_ics(
        uid="seance-12@ccas-test.entraide",
        starts_at=START + timedelta(days=10),
        ends_at=START + timedelta(days=10, hours=2),
        summary="Commission permanente — CCAS de Test-sur-Mer",
        location="Salle du conseil, mairie annexe",
        description="Séance de la commission permanente. Ordre du jour : " + "dossiers à examiner ; " * 5,
        url="https://entraide.invalid/commission/seances/12",
        stamp=START,
    )
    message = _queue(
        centre,
        attachments=[
            {"filename": "séance-12.ics", "content_type": "text/calendar; method=PUBLISH", "text": ics}
        ],
    )
    assert message.attachments == [
        {"filename": "séance-12.ics", "content_type": "text/calendar; method=PUBLISH", "text": ics}
    ]
    assert message.attachment_document_ids == []

    received = _deliver_one(mailbox, message)
    assert received.get_content_type() == "multipart/mixed"
    body = received.get_body(preferencelist=("plain",))
    assert "Une tâche attend votre service : « Séance de la commission »." in body.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "séance-12.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_content_disposition() == "attachment"
    content = attachment.get_content()
    assert content == ics  # CRLF line ends and accents intact
    assert "DESCRIPTION:Séance de la commission permanente. Ordre du jour : dossiers" in content


def test_document_attachment_reaches_the_server(centre: Centre, mailbox: Mailbox) -> None:
    document = _document(centre)
    message = _queue(centre, document_ids=[document.id])
    assert message.attachment_document_ids == [document.id]
    assert message.attachments == []

    received = _deliver_one(mailbox, message)
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "convocation-séance-12.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == PDF


def test_text_and_documents_travel_together_in_order(centre: Centre, mailbox: Mailbox) -> None:
    first, second = _document(centre, "ordre-du-jour.pdf"), _document(centre, "proces-verbal.pdf")
    message = _queue(
        centre,
        attachments=[{"filename": "notes.txt", "content_type": "text/plain", "text": "Salle 2, 1er étage"}],
        document_ids=[first.id, second.id],
    )
    received = _deliver_one(mailbox, message)
    attachments = list(received.iter_attachments())
    assert [part.get_filename() for part in attachments] == [
        "notes.txt",
        "ordre-du-jour.pdf",
        "proces-verbal.pdf",
    ]
    assert attachments[0].get_content().rstrip("\r\n") == "Salle 2, 1er étage"


def test_a_missing_document_is_a_bug_not_a_retry(centre: Centre) -> None:
    message = _queue(centre, document_ids=[999_999])
    with pytest.raises(smtp.MissingAttachmentError, match="document 999999"):
        smtp.build(message, current_settings())


def test_an_attachment_without_its_fields_is_refused(centre: Centre) -> None:
    with pytest.raises(ValueError, match="content_type"):
        _queue(centre, attachments=[{"filename": "a.ics", "text": "BEGIN:VCALENDAR"}])
