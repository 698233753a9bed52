"""Domain rules without storage: task status, the reporting sentence's numbers, index changes, drive
scoring and standings, deadlines as plans write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.enums import DeadlineKind, TaskStatus
from models.rules import (
    Change,
    DeadlineError,
    Recurrence,
    StatusCounts,
    change,
    criterion_points,
    days_left,
    fell_most,
    leaderboard,
    recurrence,
    resolve_deadline,
    task_status,
)

TODAY = date(2024, 6, 1)
DUE = date(2024, 6, 15)


@pytest.mark.parametrize(
    ("due", "progress", "completed_on", "expected"),
    [
        (DUE, 100, date(2024, 6, 10), TaskStatus.DONE_ON_TIME),
        (DUE, 100, DUE, TaskStatus.DONE_ON_TIME),
        (date(2024, 5, 1), 100, date(2024, 5, 20), TaskStatus.DONE_LATE),
        (date(2024, 5, 31), 60, None, TaskStatus.OVERDUE),
        (TODAY, 60, None, TaskStatus.IN_TIME),  # due today is not late yet
        (DUE, 0, None, TaskStatus.IN_TIME),
        (date(2024, 7, 1), 0, None, TaskStatus.IN_TIME),  # exactly 30 days away
        (date(2024, 7, 2), 0, None, TaskStatus.NOT_YET_DUE),
    ],
)
def test_task_status_covers_the_five_categories(
    due: date, progress: int, completed_on: date | None, expected: TaskStatus
) -> None:
    assert task_status(due, progress, completed_on, TODAY, due_soon_days=30) == expected


def test_done_without_a_completion_date_counts_as_done_today() -> None:
    assert task_status(date(2024, 5, 1), 100, None, TODAY) == TaskStatus.DONE_LATE
    assert task_status(DUE, 100, None, TODAY) == TaskStatus.DONE_ON_TIME


def test_reporting_window_is_configurable() -> None:
    assert task_status(DUE, 0, None, TODAY, due_soon_days=7) == TaskStatus.NOT_YET_DUE
    assert task_status(DUE, 0, None, TODAY, due_soon_days=14) == TaskStatus.IN_TIME


def test_days_left_is_negative_when_overdue() -> None:
    assert days_left(DUE, TODAY) == 14
    assert days_left(date(2024, 3, 31), TODAY) == -62


def test_status_counts_tally() -> None:
    counts = StatusCounts.of(
        [TaskStatus.DONE_ON_TIME] * 3 + [TaskStatus.DONE_LATE, TaskStatus.OVERDUE] + [TaskStatus.NOT_YET_DUE] * 5
    )
    assert (counts.done, counts.not_done, counts.total) == (4, 1, 10)


def test_status_counts_add_up() -> None:
    total = StatusCounts(done_on_time=14_068, done_late=1_983) + StatusCounts(in_time=5_640, overdue=223)
    assert (total.done, total.not_done) == (16_051, 5_863)


def test_change_from_two_published_years() -> None:
    # Lạng Sơn PAR INDEX 2023: 47th, up 7 places from 54th
    assert change(Decimal("85.94"), 47, Decimal("84.00"), 54) == Change(Decimal("1.94"), 7)
    assert change(Decimal("87.11"), 23, Decimal("83.80"), 36) == Change(Decimal("3.31"), 13)


def test_change_falls_back_to_the_published_delta() -> None:
    # PAPI 2023: rank 21 (13th in 2022), score change published only as −0,37
    assert change(None, 21, None, 13, published_points=Decimal("-0.37")) == Change(Decimal("-0.37"), -8)
    assert change(Decimal("85.94"), 47, None, None, published_places=7) == Change(None, 7)
    assert change(None, None, None, None) == Change(None, None)


def test_computed_change_wins_over_the_published_one() -> None:
    assert change(Decimal("80"), 10, Decimal("79"), 12, Decimal("5"), 9) == Change(Decimal("1"), 2)


def test_fell_most_lists_the_worst_falls_first() -> None:
    fields = [
        ("direction", Change(Decimal("-3.1"), -33)),
        ("institutions", Change(Decimal("-1.2"), -20)),
        ("procedures", Change(Decimal("0.5"), 4)),
        ("finance", Change(Decimal("-0.8"), -18)),
        ("civil service", Change(Decimal("-0.1"), None)),
        ("unknown", Change(None, None)),
    ]
    assert [name for name, _ in fell_most(fields)] == ["direction", "institutions", "finance"]
    assert [name for name, _ in fell_most(fields, limit=10)] == [
        "direction",
        "institutions",
        "finance",
        "civil service",
    ]
    assert fell_most([("up", Change(Decimal(1), 3))]) == []


def test_criterion_points_pro_rata_up_to_the_weight() -> None:
    assert criterion_points(Decimal(90), Decimal(90), Decimal(20)) == Decimal(20)
    assert criterion_points(Decimal(95), Decimal(90), Decimal(20)) == Decimal("20.00")
    assert criterion_points(Decimal(45), Decimal(90), Decimal(20)) == Decimal("10.00")
    assert criterion_points(Decimal(1), Decimal(3), Decimal(10)) == Decimal("3.33")
    assert criterion_points(Decimal(-5), Decimal(90), Decimal(20)) == Decimal("0.00")


def test_criterion_with_no_target_is_all_or_nothing() -> None:
    assert criterion_points(Decimal(0), Decimal(0), Decimal(15)) == Decimal(15)
    assert criterion_points(Decimal(-1), Decimal(0), Decimal(15)) == Decimal(0)


def test_leaderboard_ties_share_a_rank() -> None:
    board = leaderboard({4: Decimal(80), 1: Decimal(95), 3: Decimal(80), 2: Decimal(70)})
    assert [(s.unit_id, s.rank) for s in board] == [(1, 1), (3, 2), (4, 2), (2, 4)]
    assert [s.gap_to_leader for s in board] == [Decimal(0), Decimal(15), Decimal(15), Decimal(25)]
    assert leaderboard({}) == []


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("30/6/2023", DeadlineKind.DATE, date(2023, 6, 30)),
        ("30/06/23", DeadlineKind.DATE, date(2023, 6, 30)),
        ("trước 15/3", DeadlineKind.DATE, date(2023, 3, 15)),
        ("Trước ngày 31.10.2023", DeadlineKind.DATE, date(2023, 10, 31)),
        ("Quý I", DeadlineKind.PERIOD, date(2023, 3, 31)),
        ("quý II", DeadlineKind.PERIOD, date(2023, 6, 30)),
        ("Quý IV/2023", DeadlineKind.PERIOD, date(2023, 12, 31)),
        ("quy 3", DeadlineKind.PERIOD, date(2023, 9, 30)),
        ("Tháng 2", DeadlineKind.PERIOD, date(2023, 2, 28)),
        ("tháng 11", DeadlineKind.PERIOD, date(2023, 11, 30)),
        ("6 tháng đầu năm", DeadlineKind.PERIOD, date(2023, 6, 30)),
        ("Sáu tháng cuối năm", DeadlineKind.PERIOD, date(2023, 12, 31)),
        ("Cả năm", DeadlineKind.CONTINUOUS, date(2023, 12, 31)),
        ("Thường xuyên", DeadlineKind.CONTINUOUS, date(2023, 12, 31)),
        ("Năm 2023", DeadlineKind.CONTINUOUS, date(2023, 12, 31)),
    ],
)
def test_resolve_deadline_reads_the_forms_plans_use(text: str, kind: DeadlineKind, due: date) -> None:
    assert resolve_deadline(text, 2023) == (kind, due)


def test_leap_year_february() -> None:
    assert resolve_deadline("tháng 2", 2024) == (DeadlineKind.PERIOD, date(2024, 2, 29))


@pytest.mark.parametrize("text", ["", "   ", "31/13/2023", "30/2/2023", "tháng 13", "khi có chỉ đạo"])
def test_unreadable_deadlines_are_refused(text: str) -> None:
    with pytest.raises(DeadlineError):
        resolve_deadline(text, 2023)


def test_month_with_year_is_a_period() -> None:
    assert resolve_deadline("Tháng 6/2024", 2024) == (DeadlineKind.PERIOD, date(2024, 6, 30))


def test_period_with_its_own_year_uses_that_year() -> None:
    assert resolve_deadline("Quý II/2024", 2023) == (DeadlineKind.PERIOD, date(2024, 6, 30))
    assert resolve_deadline("Quý IV năm 2024", 2023) == (DeadlineKind.PERIOD, date(2024, 12, 31))
    assert resolve_deadline("2024-06-30", 2023) == (DeadlineKind.DATE, date(2024, 6, 30))


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("30/6/2026", DeadlineKind.DATE, date(2026, 6, 30)),
        ("Trước 30/6/2026", DeadlineKind.DATE, date(2026, 6, 30)),
        ("Quý II/2026", DeadlineKind.PERIOD, date(2026, 6, 30)),
        ("6 tháng đầu năm", DeadlineKind.PERIOD, date(2026, 6, 30)),
        ("Tháng 6", DeadlineKind.PERIOD, date(2026, 6, 30)),
        ("Năm 2026", DeadlineKind.CONTINUOUS, date(2026, 12, 31)),
        ("Trong năm 2026", DeadlineKind.CONTINUOUS, date(2026, 12, 31)),
        ("Thường xuyên", DeadlineKind.CONTINUOUS, date(2026, 12, 31)),
        ("Từ 01/7 - 31/12/2026", DeadlineKind.DATE, date(2026, 12, 31)),
        ("Hằng quý", DeadlineKind.RECURRING, date(2026, 12, 31)),
        ("Định kỳ hằng tháng", DeadlineKind.RECURRING, date(2026, 12, 31)),
        ("Trước ngày 15 của tháng cuối quý", DeadlineKind.RECURRING, date(2026, 12, 15)),
        ("Hằng năm", DeadlineKind.RECURRING, date(2026, 12, 31)),
        ("Định kỳ 6 tháng", DeadlineKind.RECURRING, date(2026, 12, 31)),
    ],
)
def test_every_deadline_form_of_a_2026_plan(text: str, kind: DeadlineKind, due: date) -> None:
    """A recurring deadline resolves to its last period's due date: the task's final one."""
    assert resolve_deadline(text, 2026) == (kind, due)


@pytest.mark.parametrize(
    ("text", "rule", "first", "count"),
    [
        ("Hằng quý", "quarterly", date(2026, 3, 31), 4),
        ("Định kỳ hằng tháng", "monthly", date(2026, 1, 31), 12),
        ("Trước ngày 15 của tháng cuối quý", "quarterly@15", date(2026, 3, 15), 4),
        ("Hằng năm", "yearly", date(2026, 12, 31), 1),
        ("Báo cáo định kỳ 6 tháng", "half_yearly", date(2026, 6, 30), 2),
        ("Trước ngày 20 hằng tháng", "monthly@20", date(2026, 1, 20), 12),
    ],
)
def test_a_recurring_deadline_has_a_due_date_per_period(text: str, rule: str, first: date, count: int) -> None:
    every = recurrence(text)
    assert every is not None and every.rule == rule
    periods = every.periods(2026)
    assert (periods[0][1], len(periods)) == (first, count)
    assert Recurrence.of(rule) == every


def test_a_report_closes_its_period_and_opens_the_next() -> None:
    every = Recurrence.of("quarterly@15")
    assert every.next_due(date(2026, 2, 1)) == date(2026, 6, 15)  # Q1 reported: Q2 is open
    assert every.next_due(date(2026, 6, 20)) == date(2026, 9, 15)  # late in Q2, still Q2's report
    assert every.next_due(date(2026, 12, 1)) == date(2027, 3, 15)  # the year's last period reported
    assert recurrence("30/6/2026") is None and recurrence("Quý II") is None
