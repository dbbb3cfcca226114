"""Every scheduled job in one table: its id, when it runs, and the one use case it calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.appointments import reminders as appointment_reminders
from service.config import Settings
from service.documents import batches
from service.notifications import service as notifications
from service.people import importing
from service.privacy import retention
from service.rights import service as rights
from service.scheduling import wake


@dataclass(frozen=True)
class Job:
    id: str
    trigger: str  # "interval" or "cron", as APScheduler names them
    schedule: Callable[[Settings], dict[str, Any]]  # the trigger's arguments, from the settings
    run: Callable[[], object]


JOBS: tuple[Job, ...] = (
    Job("wake_due_instances", "interval", lambda s: {"seconds": s.WAKE_INTERVAL_SECONDS},
        wake.wake_due_instances),
    Job("deliver_mail", "interval", lambda s: {"seconds": s.MAIL_INTERVAL_SECONDS},
        notifications.deliver_pending),
    Job("print_letter_batches", "interval", lambda s: {"seconds": s.LETTER_BATCH_INTERVAL_SECONDS},
        batches.print_letter_batches),
    Job("people_imports", "interval", lambda s: {"seconds": s.IMPORT_INTERVAL_SECONDS},
        importing.run_people_imports),
    Job("daily_digest", "cron", lambda s: {"day_of_week": "mon-fri", "hour": 7, "minute": 30,
                                           "timezone": s.TIMEZONE},
        notifications.daily_digest),
    Job("estimate_rights", "interval", lambda s: {"seconds": s.RIGHTS_INTERVAL_SECONDS},
        rights.estimate_pending),
    Job("remind_appointments", "interval", lambda s: {"minutes": 15},
        appointment_reminders.remind_due),
    Job("apply_retention", "cron", lambda s: {"hour": 2, "minute": 30, "timezone": s.TIMEZONE},
        retention.run_scheduled),
)  # fmt: skip
