"""Hand one message to the SMTP server of the settings."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from service import clock
from service.config import Settings
from service.extensions import db
from service.models import Document, OutboxMessage
from service.models.tenancy import ALL_CENTRES


class SmtpUnavailableError(RuntimeError):
    """The server refused the message or could not be reached; the attempt is retried later."""


class MissingAttachmentError(LookupError):
    """A message names a document that does not exist in its centre: a bug, never retried."""


def new_message_id(settings: Settings) -> str:
    """A Message-ID of the sender's domain, unique to one message and kept for every attempt to send it."""
    domain = parseaddr(settings.MAIL_SENDER)[1].rpartition("@")[2] or "entraide.invalid"
    return make_msgid(domain=domain)


def build(message: OutboxMessage, settings: Settings) -> EmailMessage:
    """The e-mail of an outbox row, with the Message-ID the row was given when it was queued."""
    if not message.message_id:
        raise ValueError(f"outbox message {message.id} has no Message-ID: it was not claimed")
    email = EmailMessage()
    email["From"] = settings.MAIL_SENDER
    email["To"] = ", ".join(message.recipients)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = message.message_id
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        _attach_text(email, attachment)
    for document_id in message.attachment_document_ids:
        # Delivery is installation-wide: read across centres, then refuse another centre's document.
        document = db.session.get(Document, document_id, execution_options={ALL_CENTRES: True})
        if document is None or document.centre_id != message.centre_id:
            raise MissingAttachmentError(
                f"outbox message {message.id} attaches document {document_id}, not in its centre"
            )
        email.add_attachment(document.content, "application", "pdf", filename=document.filename)
    return email


def _attach_text(email: EmailMessage, attachment: dict[str, str]) -> None:
    """A small text file, in UTF-8, with the simple parameters of its type (method=PUBLISH)."""
    kind, *raw_params = attachment["content_type"].split(";")
    maintype, _, subtype = kind.strip().lower().partition("/")
    if not maintype or not subtype:
        raise ValueError(f"not a content type: {attachment['content_type']!r}")
    params: dict[str, str] = {}
    for raw in raw_params:
        name, _, value = raw.partition("=")
        name, value = name.strip().lower(), value.strip().strip('"')
        if name and value and name != "charset":  # the charset is always utf-8
            params[name] = value
    if maintype == "text":
        email.add_attachment(
            attachment["text"], subtype=subtype, filename=attachment["filename"], params=params
        )
    else:
        email.add_attachment(
            attachment["text"].encode("utf-8"),
            maintype,
            subtype,
            filename=attachment["filename"],
            params=params,
        )


def send(email: EmailMessage, settings: Settings) -> None:
    try:
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=15) as server:
            if settings.SMTP_STARTTLS:
                server.starttls()
            if settings.SMTP_USERNAME:
                server.login(settings.SMTP_USERNAME, settings.SMTP_PASSWORD)
            server.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpUnavailableError(f"{type(exc).__name__} : {exc}") from exc
