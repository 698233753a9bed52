"""The reporting periods of the periodic report: their keys, due dates, and which one is open on a day."""

from __future__ import annotations

from datetime import date

from models.queries.report_inputs import deadline
from models.report_inputs import ReportPeriod, late_period, open_period


def test_keys_are_those_of_the_report_draft_and_read_back() -> None:
    keys = [ReportPeriod(2026, q).key for q in (1, 2, 3, 4)]
    assert keys == ["2026-Q1", "2026-H1", "2026-Q3", "2026"]
    assert [ReportPeriod.from_key(k) for k in keys] == [ReportPeriod(2026, q) for q in (1, 2, 3, 4)]
    assert ReportPeriod.from_key("2026-q3") == ReportPeriod(2026, 3)
    for bad in ("2026-Q2", "2026-H2", "26", "２０２６", "2026-Q1-", ""):
        assert ReportPeriod.from_key(bad) is None, bad


def test_the_report_is_due_on_the_20th_of_the_last_month_and_the_next_period_opens_after_it() -> None:
    assert deadline("2026-Q1") == date(2026, 3, 20)
    assert deadline("2026-H1") == date(2026, 6, 20)
    assert deadline("2026", due_day=15) == date(2026, 12, 15)
    assert deadline("2026-Q2") is None
    assert open_period(date(2026, 1, 1)) == ReportPeriod(2026, 1)
    assert open_period(date(2026, 3, 20)) == ReportPeriod(2026, 1)
    assert open_period(date(2026, 3, 21)) == ReportPeriod(2026, 2)
    assert open_period(date(2026, 12, 2)) == ReportPeriod(2026, 4)
    assert open_period(date(2026, 12, 21)) == ReportPeriod(2027, 1)
    assert ReportPeriod(2026, 4).following() == ReportPeriod(2027, 1)


def test_the_period_just_closed_takes_late_answers_for_the_late_days_after_its_due_date() -> None:
    assert ReportPeriod(2027, 1).previous() == ReportPeriod(2026, 4)
    assert ReportPeriod(2026, 3).previous() == ReportPeriod(2026, 2)
    assert late_period(date(2026, 12, 20), late_days=10) is None  # the due date itself: still open on time
    assert late_period(date(2026, 12, 21), late_days=10) == ReportPeriod(2026, 4)
    assert late_period(date(2026, 12, 30), late_days=10) == ReportPeriod(2026, 4)
    assert late_period(date(2026, 12, 31), late_days=10) is None
    assert late_period(date(2027, 1, 5), late_days=10) is None  # across the year: 16 days late
    assert late_period(date(2027, 1, 5), late_days=16) == ReportPeriod(2026, 4)
    assert late_period(date(2026, 3, 25), due_day=15, late_days=10) == ReportPeriod(2026, 1)
