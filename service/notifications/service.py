"""Use cases of notifications: announce tasks, deliver the outbox, the daily digest, the admin's view."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Row, or_, select

from service import clock
from service.config import current_settings, local_zone
from service.errors import InvalidInputError, NotFoundError
from service.extensions import db
from service.models import AidType, Dossier, HumanTask, MailStatus, OutboxMessage, Role, User, UserRole
from service.models.tenancy import ALL_CENTRES
from service.notifications import outbox, smtp
from service.permissions import require_role

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


def _dossier_of(task: HumanTask) -> Dossier | Row[tuple[str, AidType, datetime]] | None:
    """What the mail says of the dossier (number, aid, opening date), read without loading the row."""
    if task.dossier is not None or task.dossier_id is None:
        return task.dossier
    statement = select(Dossier.number, Dossier.aid_type, Dossier.opened_at).where(
        Dossier.id == task.dossier_id
    )
    return db.session.execute(statement).one_or_none()


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


def deliver_pending(*, limit: int = BATCH) -> DeliveryReport:
    """Send due messages, each in its own transaction holding its row, so no message goes out twice."""
    settings = current_settings()
    if not settings.SMTP_HOST:
        return DeliveryReport(0, 0, 0)  # the embedded default: mail waits in the outbox
    sent = retried = failed = 0
    for message_id in _due_message_ids(limit):
        message = _claim(message_id)
        if message is None:
            db.session.rollback()
            continue
        email = smtp.build(message, settings)
        message.message_id = str(email["Message-ID"])
        message.attempts += 1
        try:
            smtp.send(email, settings)
        except smtp.SmtpUnavailableError as error:
            message.last_error = str(error)[:2000]
            if message.attempts >= settings.MAIL_MAX_ATTEMPTS:
                message.status = MailStatus.FAILED
                failed += 1
            else:
                message.next_attempt_at = clock.now() + timedelta(minutes=2 ** (message.attempts - 1))
                retried += 1
        else:
            message.status = MailStatus.SENT
            message.sent_at = clock.now()
            message.last_error = ""
            sent += 1
        db.session.commit()
    return DeliveryReport(sent, retried, failed)


def _due_message_ids(limit: int) -> list[int]:
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= clock.now())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    return list(ids)


def _claim(message_id: int) -> OutboxMessage | None:
    """Lock one message still due; another worker holding it, or having sent it, makes this None."""
    statement = select(OutboxMessage).where(
        OutboxMessage.id == message_id,
        OutboxMessage.status == MailStatus.PENDING,
        OutboxMessage.next_attempt_at <= clock.now(),
    )
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return db.session.scalars(statement).one_or_none()


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


def resend(*, actor: User, message_id: int) -> OutboxMessage:
    """Put a failed message back in the queue, with its attempts counted anew."""
    found = message(actor=actor, message_id=message_id)
    if found.status is MailStatus.SENT:
        raise InvalidInputError("Ce courriel a déjà été envoyé.")
    found.status = MailStatus.PENDING
    found.attempts = 0
    found.next_attempt_at = clock.now()
    db.session.commit()
    return found


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
    db.session.commit()
    return queued
