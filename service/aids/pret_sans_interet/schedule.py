"""Repayment schedules of interest-free loans: pure arithmetic on integer cents and calendar dates.

Instalments differ by at most one cent (the first ones carry the remainder), fall due monthly on the
day of month of the first one (clamped to the month's last day), and repayments cover them in order.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from service.errors import InvalidInputError

MAX_MONTHS = 36


@dataclass(frozen=True)
class Installment:
    number: int
    due_on: date
    amount_cents: int


def build_schedule(*, amount_cents: int, months: int, first_due_on: date) -> list[Installment]:
    """`months` monthly instalments summing to `amount_cents`, the first `remainder` ones one cent higher."""
    if amount_cents <= 0:
        raise InvalidInputError("Le montant du prêt doit être positif.")
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInputError(f"La durée d'un prêt va de 1 à {MAX_MONTHS} mois.")
    if months > amount_cents:
        raise InvalidInputError(
            "Le montant est trop faible pour cette durée : chaque échéance doit être d'au moins 1 centime."
        )
    base, remainder = divmod(amount_cents, months)
    return [
        Installment(
            number=index + 1,
            due_on=_add_months(first_due_on, index),
            amount_cents=base + (1 if index < remainder else 0),
        )
        for index in range(months)
    ]


def reschedule(*, outstanding_cents: int, months: int, first_due_on: date) -> list[Installment]:
    """A new schedule for the balance left (an amendment: the caller keeps the old schedule)."""
    if outstanding_cents <= 0:
        raise InvalidInputError("Il ne reste rien à rembourser : le prêt ne peut pas être rééchelonné.")
    return build_schedule(amount_cents=outstanding_cents, months=months, first_due_on=first_due_on)


def outstanding_cents(amount_cents: int, repayments: Iterable[int]) -> int:
    """What remains to be repaid."""
    return amount_cents - sum(repayments)


def amounts_due_by(schedule: Sequence[Installment], day: date) -> int:
    """Total of the instalments due on or before `day`."""
    return sum(installment.amount_cents for installment in schedule if installment.due_on <= day)


def arrears_cents(schedule: Sequence[Installment], repaid_cents: int, day: date) -> int:
    """What was due by `day` and has not been repaid yet; never negative."""
    return max(0, amounts_due_by(schedule, day) - repaid_cents)


def overdue_since(schedule: Sequence[Installment], repaid_cents: int, day: date) -> date | None:
    """Due date of the oldest instalment not fully covered, if it fell due on or before `day`."""
    due_on = next_due_on(schedule, repaid_cents)
    return due_on if due_on is not None and due_on <= day else None


def next_due_on(schedule: Sequence[Installment], repaid_cents: int) -> date | None:
    """Due date of the first instalment (in schedule order) not fully covered; None once all is repaid."""
    covered = 0
    for installment in schedule:
        covered += installment.amount_cents
        if covered > repaid_cents:
            return installment.due_on
    return None


def _add_months(start: date, months: int) -> date:
    """`start` moved by `months` calendar months, the day clamped to the target month's last day."""
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month_index + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
