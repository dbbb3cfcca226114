"""Use cases of notifications: announce tasks, deliver the outbox, the daily digest, the admin's view."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage

from sqlalchemy import ColumnElement, and_, or_, select

from service import clock
from service.config import Settings, current_settings, local_zone
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import Dossier, HumanTask, MailStatus, OutboxMessage, Role, User, UserRole
from service.models.dossier import aid_label
from service.models.tenancy import ALL_CENTRES
from service.notifications import outbox, smtp
from service.permissions import require_role
from service.unit_of_work import use_case

BATCH = 50


Directory = dict[tuple[int, str], list[str]]


def announce(tasks: Iterable[HumanTask], *, directory: Directory | None = None) -> None:
    """Mail the holders of a task's role when its diagram asks for it (escalations).

    A job announcing many tasks passes a directory: the addresses of a role are then read once per run.
    """
    directory = {} if directory is None else directory
    to_mail = [task for task in tasks if task.mail_role]
    if to_mail:
        db.session.flush()  # the mail links to the task: it needs its id
    for task in to_mail:
        key = (task.centre_id, task.role)
        if key not in directory:
            directory[key] = _role_addresses(*key)
        outbox.queue(
            centre_id=task.centre_id,
            kind="tache",
            recipients=directory[key],
            template="tache_a_traiter",
            context={"task": task, "dossier": _dossier_of(task), "url": public_url(f"/taches/{task.id}")},
        )


@dataclass(frozen=True)
class _DossierInMail:
    number: str
    aid_label: str
    opened_at: datetime


def _dossier_of(task: HumanTask) -> Dossier | _DossierInMail | None:
    """What the mail says of the dossier (number, aid, opening date), read without loading the row."""
    if task.dossier is not None or task.dossier_id is None:
        return task.dossier
    statement = select(Dossier.number, Dossier.aid_type, Dossier.opened_at).where(
        Dossier.id == task.dossier_id
    )
    row = db.session.execute(statement).one_or_none()
    return None if row is None else _DossierInMail(row.number, aid_label(row.aid_type), row.opened_at)


def _role_addresses(centre_id: int, role: str) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.centre_id == centre_id,
                User.active.is_(True),
                UserRole.role == Role(role),
                User.email != "",
            )
        )
    )


def public_url(path: str) -> str:
    """The address of a page, as a mail links to it."""
    return current_settings().PUBLIC_URL.rstrip("/") + path


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    retried: int
    failed: int

    def __bool__(self) -> bool:  # worth a log line only when something happened
        return bool(self.sent or self.retried or self.failed)


@dataclass(frozen=True)
class _Claim:
    """A message a worker holds while it sends it: its row, the worker's token, the e-mail built."""

    message_id: int
    token: str
    email: EmailMessage


def deliver_pending(*, limit: int = BATCH) -> DeliveryReport:
    """Send the due messages, each claimed under a lease and counted before it goes out.

    No transaction is open while the SMTP server is spoken to. A worker killed after the server accepted a
    message, before it recorded the send, leaves the row claimed: once the lease has run out another worker
    sends it again, with the same Message-ID, so the receiving side can tell the copies apart; a message
    whose senders keep dying is given up at MAIL_MAX_ATTEMPTS like one the server keeps refusing.
    """
    settings = current_settings()
    if not settings.SMTP_HOST:
        return DeliveryReport(0, 0, 0)  # the embedded default: mail waits in the outbox
    sent = retried = failed = 0
    for message_id in _due_message_ids(limit):
        claim = _claim(message_id, settings)
        if claim is None:
            continue  # taken by another worker, or given up
        try:
            smtp.send(claim.email, settings)
        except smtp.SmtpUnavailableError as error:
            if _record_refusal(claim, str(error), settings) is MailStatus.FAILED:
                failed += 1
            else:
                retried += 1
        else:
            _record_sent(claim)
            sent += 1
    return DeliveryReport(sent, retried, failed)


def _deliverable(now: datetime) -> ColumnElement[bool]:
    """Due and waiting, or held by a worker whose lease has run out (it died while sending)."""
    return or_(
        and_(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == MailStatus.SENDING, OutboxMessage.claimed_until < now),
    )


@use_case
def _due_message_ids(limit: int) -> list[int]:
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(_deliverable(clock.now()))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .execution_options(**{ALL_CENTRES: True})
    ).all()
    return list(ids)


@use_case
def _claim(message_id: int, settings: Settings) -> _Claim | None:
    """Take a message still deliverable, count the attempt, build the e-mail; None if not ours to send."""
    now = clock.now()
    statement = (
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id, _deliverable(now))
        .execution_options(**{ALL_CENTRES: True})
    )
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    message = db.session.scalars(statement).one_or_none()
    if message is None:
        return None
    if message.status is MailStatus.SENDING and message.attempts >= settings.MAIL_MAX_ATTEMPTS:
        _give_up(message, f"l'envoi a été interrompu {message.attempts} fois (processus d'envoi arrêté)")
        return None
    message.status = MailStatus.SENDING
    message.attempts += 1
    message.claimed_until = now + timedelta(seconds=settings.MAIL_CLAIM_LEASE_SECONDS)
    message.claim_token = secrets.token_hex(16)
    if not message.message_id:  # queued before Message-IDs were fixed at queueing
        message.message_id = smtp.new_message_id(settings)
    try:
        email = smtp.build(message, settings)
    except smtp.MissingAttachmentError as error:
        _give_up(message, str(error))
        return None
    return _Claim(message.id, message.claim_token, email)


def _give_up(message: OutboxMessage, reason: str) -> None:
    message.status = MailStatus.FAILED
    message.last_error = reason[:2000]
    message.claimed_until = message.claim_token = None


def _held(claim: _Claim) -> OutboxMessage | None:
    """The claimed row, if the claim still holds (a lease run out and taken by another worker: None)."""
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id == claim.message_id, OutboxMessage.claim_token == claim.token)
        .execution_options(**{ALL_CENTRES: True})
    ).one_or_none()


@use_case
def _record_sent(claim: _Claim) -> None:
    message = _held(claim)
    if message is not None:
        message.status = MailStatus.SENT
        message.sent_at = clock.now()
        message.last_error = ""
        message.claimed_until = message.claim_token = None


@use_case
def _record_refusal(claim: _Claim, reason: str, settings: Settings) -> MailStatus | None:
    """The server refused or could not be reached: try again later with a growing delay, or give up."""
    message = _held(claim)
    if message is None:
        return None
    if message.attempts >= settings.MAIL_MAX_ATTEMPTS:
        _give_up(message, reason)
    else:
        message.status = MailStatus.PENDING
        message.last_error = reason[:2000]
        message.next_attempt_at = clock.now() + timedelta(minutes=2 ** (message.attempts - 1))
        message.claimed_until = message.claim_token = None
    return message.status


def messages(*, actor: User, limit: int = 200) -> Sequence[OutboxMessage]:
    """The centre's latest mail, newest first: for administrators."""
    require_role(actor, Role.ADMIN)
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.centre_id == actor.centre_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).all()


def message(*, actor: User, message_id: int) -> OutboxMessage:
    require_role(actor, Role.ADMIN)
    found = db.session.get(OutboxMessage, message_id)
    if found is None or found.centre_id != actor.centre_id:
        raise NotFoundError("Ce courriel n'existe pas dans votre centre.")
    return found


@use_case
def resend(*, actor: User, message_id: int) -> OutboxMessage:
    """Put a failed message back in the queue, with its attempts counted anew."""
    found = message(actor=actor, message_id=message_id)
    if found.status is MailStatus.SENT:
        raise InvalidInputError("Ce courriel a déjà été envoyé.")
    if found.status is MailStatus.SENDING:
        raise InvalidInputError(
            "Ce courriel est en cours d'envoi : attendez le résultat avant de le renvoyer."
        )
    found.status = MailStatus.PENDING
    found.attempts = 0
    found.next_attempt_at = clock.now()
    return found


@use_case
def daily_digest() -> int:
    """Mail each agent their overdue and due-today tasks, on working days; return how many were queued."""
    zone = local_zone()
    today = clock.now().astimezone(zone).date()
    if today.weekday() >= 5:
        return 0
    end_of_day = datetime.combine(today + timedelta(days=1), time(0), zone)
    open_tasks = db.session.execute(
        select(HumanTask, User)
        .join(UserRole, UserRole.role == HumanTask.role)
        .join(User, User.id == UserRole.user_id)
        .where(
            HumanTask.completed_at.is_(None),
            HumanTask.due_at < end_of_day,
            User.centre_id == HumanTask.centre_id,
            User.active.is_(True),
            User.email != "",
            or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == User.id),
        )
        .order_by(User.id, HumanTask.due_at)
        .execution_options(**{ALL_CENTRES: True})
    ).all()
    by_user: dict[int, tuple[User, list[HumanTask]]] = {}
    for task, user in open_tasks:
        by_user.setdefault(user.id, (user, []))[1].append(task)
    queued = 0
    now = clock.now()
    for user, tasks in by_user.values():
        message = outbox.queue(
            centre_id=user.centre_id,
            kind="recapitulatif",
            recipients=[user.email],
            template="recapitulatif",
            context={"user": user, "tasks": tasks, "now": now, "url": public_url("/taches/?vue=en-retard")},
            dedupe_key=f"recapitulatif:{user.id}:{today.isoformat()}",
        )
        queued += message is not None
    return queued
