"""Queue a message in the caller's transaction; it is sent later, once, by deliver_pending."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from service import clock
from service.config import current_settings
from service.extensions import db
from service.models import MailStatus, OutboxMessage
from service.notifications.smtp import new_message_id


def queue(
    *,
    centre_id: int | None,
    kind: str,
    recipients: Iterable[str],
    template: str,
    context: Mapping[str, Any],
    dedupe_key: str | None = None,
    attachments: Sequence[Mapping[str, str]] = (),
    document_ids: Sequence[int] = (),
) -> OutboxMessage | None:
    """Render templates/mail/<template>.{subject.txt,txt,html} and add the message to the session.

    attachments are small text files ({"filename", "content_type", "text"}); document_ids name issued PDFs.
    """
    addresses = sorted({address.strip() for address in recipients if address and address.strip()})
    if not addresses:
        return None
    if dedupe_key is not None and db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    now = clock.now()
    message = OutboxMessage(
        centre_id=centre_id,
        kind=kind,
        dedupe_key=dedupe_key,
        recipients=addresses,
        subject=_render(f"mail/{template}.subject.txt", context).strip(),
        body_text=_render(f"mail/{template}.txt", context),
        body_html=_render(f"mail/{template}.html", context),
        attachment_document_ids=list(document_ids),
        attachments=[_attachment(attachment) for attachment in attachments],
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        message_id=new_message_id(current_settings()),
    )
    db.session.add(message)
    return message


def _attachment(attachment: Mapping[str, str]) -> dict[str, str]:
    missing = {"filename", "content_type", "text"} - attachment.keys()
    if missing:
        raise ValueError(f"attachment without {', '.join(sorted(missing))}")
    return {key: attachment[key] for key in ("filename", "content_type", "text")}


def _render(name: str, context: Mapping[str, Any]) -> str:
    # Not render_template: mail is written by jobs, outside any request and its page context.
    rendered: str = current_app.jinja_env.get_template(name).render(**context)
    return rendered
