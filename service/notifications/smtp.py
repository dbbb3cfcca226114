"""Hand one message to the SMTP server of the settings."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from service import clock
from service.config import Settings
from service.models import OutboxMessage


class SmtpUnavailableError(RuntimeError):
    """The server refused the message or could not be reached; the attempt is retried later."""


def build(message: OutboxMessage, settings: Settings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.MAIL_SENDER
    email["To"] = ", ".join(message.recipients)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.now())
    # One id per row, kept across retries: a server that got the message twice can tell.
    email["Message-ID"] = message.message_id or make_msgid(
        domain="entraide.invalid", idstring=str(message.id)
    )
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


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
