"""Loan schedules: equal instalments to the cent, month-end due dates, balances and arrears in order."""

from __future__ import annotations

import calendar
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.aids.pret_sans_interet.schedule import (
    MAX_MONTHS,
    Installment,
    amounts_due_by,
    arrears_cents,
    build_schedule,
    next_due_on,
    outstanding_cents,
    overdue_since,
    reschedule,
)
from service.errors import InvalidInputError

# --- Examples ---------------------------------------------------------------------------------------


def test_the_first_instalments_carry_the_remainder() -> None:
    schedule = build_schedule(amount_cents=100_000, months=3, first_due_on=date(2026, 1, 5))

    assert schedule == [
        Installment(number=1, due_on=date(2026, 1, 5), amount_cents=33_334),
        Installment(number=2, due_on=date(2026, 2, 5), amount_cents=33_333),
        Installment(number=3, due_on=date(2026, 3, 5), amount_cents=33_333),
    ]


def test_the_remainder_is_spread_one_cent_each() -> None:
    schedule = build_schedule(amount_cents=1_000, months=6, first_due_on=date(2026, 1, 5))

    assert [installment.amount_cents for installment in schedule] == [167, 167, 167, 167, 166, 166]


def test_due_dates_keep_the_day_of_month_clamped_to_the_month_end() -> None:
    schedule = build_schedule(amount_cents=30_000, months=3, first_due_on=date(2026, 1, 31))

    assert [installment.due_on for installment in schedule] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]


def test_due_dates_fall_on_the_29th_of_february_in_a_leap_year() -> None:
    schedule = build_schedule(amount_cents=40_000, months=4, first_due_on=date(2027, 12, 31))

    assert [installment.due_on for installment in schedule] == [
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
    ]


def test_due_dates_cross_the_year_end() -> None:
    schedule = build_schedule(amount_cents=3_000, months=3, first_due_on=date(2026, 11, 30))

    assert [installment.due_on for installment in schedule] == [
        date(2026, 11, 30),
        date(2026, 12, 30),
        date(2027, 1, 30),
    ]


def test_a_single_month_loan_is_one_instalment() -> None:
    assert build_schedule(amount_cents=5_000, months=1, first_due_on=date(2026, 4, 10)) == [
        Installment(number=1, due_on=date(2026, 4, 10), amount_cents=5_000)
    ]


def test_thirty_six_months_is_the_longest_loan() -> None:
    schedule = build_schedule(amount_cents=360_000, months=MAX_MONTHS, first_due_on=date(2026, 1, 15))

    assert MAX_MONTHS == 36
    assert len(schedule) == 36
    assert schedule[-1].due_on == date(2028, 12, 15)


@pytest.mark.parametrize("amount_cents", [0, -1, -100_000])
def test_a_loan_must_lend_something(amount_cents: int) -> None:
    with pytest.raises(InvalidInputError, match=r"^Le montant du prêt doit être positif\.$"):
        build_schedule(amount_cents=amount_cents, months=3, first_due_on=date(2026, 1, 5))


@pytest.mark.parametrize("months", [0, -1, 37, 120])
def test_a_loan_lasts_one_to_thirty_six_months(months: int) -> None:
    with pytest.raises(InvalidInputError, match=r"^La durée d'un prêt va de 1 à 36 mois\.$"):
        build_schedule(amount_cents=100_000, months=months, first_due_on=date(2026, 1, 5))


def test_no_instalment_of_zero_cents() -> None:
    with pytest.raises(InvalidInputError, match=r"chaque échéance doit être d'au moins 1 centime"):
        build_schedule(amount_cents=2, months=3, first_due_on=date(2026, 1, 5))


def test_nothing_left_cannot_be_rescheduled() -> None:
    with pytest.raises(InvalidInputError, match=r"^Il ne reste rien à rembourser"):
        reschedule(outstanding_cents=0, months=3, first_due_on=date(2026, 1, 5))


def test_a_rescheduled_loan_follows_the_same_rules() -> None:
    with pytest.raises(InvalidInputError, match=r"^La durée d'un prêt va de 1 à 36 mois\.$"):
        reschedule(outstanding_cents=10_000, months=37, first_due_on=date(2026, 1, 5))


def test_rescheduling_the_balance_after_a_repayment() -> None:
    left = outstanding_cents(100_000, [33_334, 10_000])

    schedule = reschedule(outstanding_cents=left, months=4, first_due_on=date(2026, 3, 31))

    assert left == 56_666
    assert [(installment.due_on, installment.amount_cents) for installment in schedule] == [
        (date(2026, 3, 31), 14_167),
        (date(2026, 4, 30), 14_167),
        (date(2026, 5, 31), 14_166),
        (date(2026, 6, 30), 14_166),
    ]


def test_outstanding_is_the_amount_less_the_repayments() -> None:
    assert outstanding_cents(100_000, []) == 100_000
    assert outstanding_cents(100_000, [20_000, 5_050]) == 74_950


def test_amounts_due_include_the_instalment_due_that_day() -> None:
    schedule = build_schedule(amount_cents=100_000, months=3, first_due_on=date(2026, 1, 5))

    assert amounts_due_by(schedule, date(2026, 1, 4)) == 0
    assert amounts_due_by(schedule, date(2026, 1, 5)) == 33_334
    assert amounts_due_by(schedule, date(2026, 2, 4)) == 33_334
    assert amounts_due_by(schedule, date(2026, 2, 5)) == 66_667
    assert amounts_due_by(schedule, date(2030, 1, 1)) == 100_000


def test_arrears_and_the_oldest_unpaid_instalment() -> None:
    schedule = build_schedule(amount_cents=100_000, months=3, first_due_on=date(2026, 1, 5))
    day = date(2026, 2, 20)  # two instalments due: 666,67 €

    assert arrears_cents(schedule, 0, day) == 66_667
    assert overdue_since(schedule, 0, day) == date(2026, 1, 5)
    # The first instalment is covered, the second only partly.
    assert arrears_cents(schedule, 40_000, day) == 26_667
    assert overdue_since(schedule, 40_000, day) == date(2026, 2, 5)
    assert next_due_on(schedule, 40_000) == date(2026, 2, 5)
    # Up to date: the next instalment is not due yet.
    assert arrears_cents(schedule, 66_667, day) == 0
    assert overdue_since(schedule, 66_667, day) is None
    assert next_due_on(schedule, 66_667) == date(2026, 3, 5)
    # Paid ahead: still no arrears.
    assert arrears_cents(schedule, 90_000, day) == 0
    assert overdue_since(schedule, 90_000, day) is None


def test_nothing_is_overdue_before_the_first_due_date() -> None:
    schedule = build_schedule(amount_cents=100_000, months=3, first_due_on=date(2026, 1, 5))

    assert arrears_cents(schedule, 0, date(2026, 1, 4)) == 0
    assert overdue_since(schedule, 0, date(2026, 1, 4)) is None
    assert next_due_on(schedule, 0) == date(2026, 1, 5)


def test_a_repaid_loan_has_no_next_due_date() -> None:
    schedule = build_schedule(amount_cents=100_000, months=3, first_due_on=date(2026, 1, 5))

    assert next_due_on(schedule, 100_000) is None
    assert overdue_since(schedule, 100_000, date(2030, 1, 1)) is None
    assert arrears_cents(schedule, 100_000, date(2030, 1, 1)) == 0


# --- Properties -------------------------------------------------------------------------------------

FIRST_DUE_DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def loans(draw: st.DrawFn) -> tuple[int, int, date]:
    """(amount_cents, months, first_due_on) that build_schedule accepts."""
    amount_cents = draw(st.integers(min_value=1, max_value=1_000_000))
    months = draw(st.integers(min_value=1, max_value=min(MAX_MONTHS, amount_cents)))
    return amount_cents, months, draw(FIRST_DUE_DATES)


@st.composite
def repayments_of(draw: st.DrawFn, amount_cents: int) -> list[int]:
    """Partial repayments of at least one cent each, together at most `amount_cents`."""
    repayments: list[int] = []
    left = amount_cents
    while left > 0 and draw(st.booleans()):
        repayment = draw(st.integers(min_value=1, max_value=left))
        repayments.append(repayment)
        left -= repayment
    return repayments


@given(loans())
def test_instalments_add_up_to_the_amount_and_differ_by_one_cent_at_most(loan: tuple[int, int, date]) -> None:
    amount_cents, months, first_due_on = loan

    schedule = build_schedule(amount_cents=amount_cents, months=months, first_due_on=first_due_on)

    amounts = [installment.amount_cents for installment in schedule]
    assert len(schedule) == months
    assert [installment.number for installment in schedule] == list(range(1, months + 1))
    assert sum(amounts) == amount_cents
    assert max(amounts) - min(amounts) <= 1
    assert min(amounts) >= 1
    assert amounts == sorted(amounts, reverse=True)


@given(loans())
def test_one_instalment_per_calendar_month_on_the_same_day(loan: tuple[int, int, date]) -> None:
    amount_cents, months, first_due_on = loan

    due_dates = [
        installment.due_on
        for installment in build_schedule(amount_cents=amount_cents, months=months, first_due_on=first_due_on)
    ]

    assert due_dates[0] == first_due_on
    assert all(earlier < later for earlier, later in itertools.pairwise(due_dates))
    month_numbers = [due_on.year * 12 + due_on.month for due_on in due_dates]
    assert month_numbers == list(range(month_numbers[0], month_numbers[0] + months))
    for due_on in due_dates:
        assert due_on.day == min(first_due_on.day, calendar.monthrange(due_on.year, due_on.month)[1])


@given(st.data())
def test_repayments_arrears_and_overdue_dates_agree(data: st.DataObject) -> None:
    amount_cents, months, first_due_on = data.draw(loans())
    schedule = build_schedule(amount_cents=amount_cents, months=months, first_due_on=first_due_on)
    repayments = data.draw(repayments_of(amount_cents))
    day = first_due_on + timedelta(days=data.draw(st.integers(min_value=-40, max_value=MAX_MONTHS * 31 + 40)))
    repaid = sum(repayments)

    assert outstanding_cents(amount_cents, repayments) == amount_cents - repaid
    assert arrears_cents(schedule, repaid, day) >= 0
    assert arrears_cents(schedule, repaid, day) == max(0, amounts_due_by(schedule, day) - repaid)
    oldest = overdue_since(schedule, repaid, day)
    if repaid >= amounts_due_by(schedule, day):
        assert oldest is None
    else:
        assert oldest is not None
        assert oldest <= day
        assert oldest == next_due_on(schedule, repaid)
        # Every instalment before the oldest unpaid one is covered by the repayments.
        assert amounts_due_by(schedule, oldest - timedelta(days=1)) <= repaid
    assert (next_due_on(schedule, repaid) is None) == (repaid == amount_cents)


@given(st.data())
def test_rescheduling_the_balance_adds_up_to_the_balance(data: st.DataObject) -> None:
    amount_cents, _months, first_due_on = data.draw(loans())
    repayments = data.draw(repayments_of(amount_cents))
    left = outstanding_cents(amount_cents, repayments)
    if left == 0:
        with pytest.raises(InvalidInputError):
            reschedule(outstanding_cents=left, months=1, first_due_on=first_due_on)
        return
    new_months = data.draw(st.integers(min_value=1, max_value=min(MAX_MONTHS, left)))
    new_first_due_on = data.draw(FIRST_DUE_DATES)

    schedule = reschedule(outstanding_cents=left, months=new_months, first_due_on=new_first_due_on)

    assert sum(installment.amount_cents for installment in schedule) == left
    assert len(schedule) == new_months
    assert schedule[0].due_on == new_first_due_on
