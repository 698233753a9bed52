"""A recurring deadline's periods as a unit lives them: the period it owes, the one after, and which periods
its progress reports closed (a 100 % report closes the oldest open one)."""

from __future__ import annotations

from datetime import date

from models.rules import Period, Recurrence

QUARTERLY = Recurrence.of("quarterly@15")
LAST = date(2026, 12, 15)


def test_the_periods_of_a_plan_stop_at_the_task_s_last_due_date() -> None:
    assert [p.due for p in QUARTERLY.plan_periods(LAST)] == [
        date(2026, 3, 15),
        date(2026, 6, 15),
        date(2026, 9, 15),
        date(2026, 12, 15),
    ]
    assert [p.number for p in Recurrence.of("monthly@8").plan_periods(date(2026, 6, 8))] == [1, 2, 3, 4, 5, 6]
    assert Recurrence.of("half_yearly").plan_periods(date(2026, 12, 31))[1] == Period(
        "half_yearly", 2, date(2026, 7, 1), date(2026, 12, 31)
    )


def test_the_owed_period_is_the_one_due_on_the_assignment_s_date_and_the_first_without_one() -> None:
    assert QUARTERLY.open_period(date(2026, 6, 15), LAST).number == 2
    assert QUARTERLY.open_period(None, LAST).number == 1
    assert QUARTERLY.open_period(date(2027, 3, 15), LAST).number == 4  # never past the last


def test_the_last_period_has_none_after_it() -> None:
    periods = QUARTERLY.plan_periods(LAST)
    assert QUARTERLY.following(periods[0], LAST) == periods[1]
    assert QUARTERLY.following(periods[3], LAST) is None


def test_each_100_report_closes_the_oldest_open_period() -> None:
    reports = [(date(2026, 3, 1), 50), (date(2026, 5, 20), 100), (date(2026, 6, 10), 30), (date(2026, 6, 14), 100)]

    closed = QUARTERLY.closed_periods(LAST, reports)

    assert [(p.number, day) for p, day in closed] == [(1, date(2026, 5, 20)), (2, date(2026, 6, 14))]


def test_a_lower_report_after_the_last_period_opens_it_again_and_extra_100s_close_nothing() -> None:
    four = [(date(2026, 12, d), 100) for d in range(1, 6)]  # five 100 % reports: four periods

    assert len(QUARTERLY.closed_periods(LAST, four)) == 4
    assert len(QUARTERLY.closed_periods(LAST, [*four, (date(2026, 12, 10), 90)])) == 3
