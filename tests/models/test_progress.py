"""The completion rate as the government reports it: done ÷ what came due, two decimals, never rounded up."""

from __future__ import annotations

from decimal import Decimal

from bot.render import TEMPLATES, _environment
from models.enums import TaskStatus
from models.progress import Progress, truncated_percent
from models.rules import StatusCounts


def test_tasks_still_in_time_are_not_in_the_rate() -> None:
    p = Progress.from_counts(
        StatusCounts.of([TaskStatus.DONE_ON_TIME] * 2 + [TaskStatus.OVERDUE] * 2 + [TaskStatus.IN_TIME] * 2)
    )
    assert (p.done, p.came_due, p.not_done, p.total) == (2, 4, 4, 6)
    assert p.rate == Decimal("50.00")


def test_the_governments_sentence_is_98_62() -> None:
    p = Progress(done_on_time=14_068, done_late=1_983, in_time=5_640, overdue=223)
    assert (p.done, p.came_due, p.not_done) == (16_051, 16_274, 5_863)
    assert p.rate == Decimal("98.62")  # 98,6297…: rounding would say 98,63


def test_the_rate_is_cut_not_rounded() -> None:
    assert truncated_percent(1, 32) == Decimal("3.12")  # 3,125: half up would be 3,13
    assert truncated_percent(2, 3) == Decimal("66.66")
    assert truncated_percent(9_999, 10_000) == Decimal("99.99")
    assert truncated_percent(99_999, 100_000) == Decimal("99.99")  # 99,999% has not reached 100%
    assert truncated_percent(3, 3) == Decimal("100.00")
    assert truncated_percent(0, 5) == Decimal("0.00")


def test_nothing_came_due_has_no_rate() -> None:
    assert Progress(in_time=3, not_yet_due=4).rate is None
    assert Progress().rate is None
    assert Progress(not_yet_due=1).came_due == 0


def test_a_task_done_before_its_deadline_counts_as_come_due() -> None:
    p = Progress(done_on_time=1, not_yet_due=5)
    assert (p.came_due, p.rate) == (1, Decimal("100.00"))


def said(p: Progress, lang: str = "vi", assignments: bool = False) -> str:
    """The sentence ``templates/macros/progress.j2`` writes for ``p``, as /nhiemvu, /tomtat and the digests say it."""
    module = _environment(TEMPLATES, lang, "text").get_template("macros/progress.j2").module
    return str(module.sentence(p, assignments=assignments)).strip()  # type: ignore[attr-defined]


def test_the_sentence_is_the_governments() -> None:
    p = Progress(done_on_time=14_068, done_late=1_983, in_time=5_640, overdue=223)
    assert said(p) == (
        "16.051/16.274 nhiệm vụ đến hạn đã hoàn thành, đạt 98,62% (đúng hạn: 14.068, quá hạn: 1.983); "
        "chưa hoàn thành: 5.863 (trong hạn: 5.640, quá hạn: 223)."
    )
    assert said(p, "en") == (
        "16,051/16,274 tasks that came due are done, 98.62% (on time: 14,068, late: 1,983); "
        "not done: 5,863 (in time: 5,640, overdue: 223)."
    )
    assert said(Progress(done_on_time=1, not_yet_due=2), "en") == (
        "1/1 task that came due is done, 100.00% (on time: 1, late: 0); not done: 0 (in time: 0, overdue: 0); "
        "not yet due: 2."
    )


def test_the_sentence_of_assignments_says_luot() -> None:
    p = Progress(done_on_time=2, overdue=2, in_time=2)
    assert said(p, assignments=True).startswith("2/4 lượt nhiệm vụ đến hạn đã hoàn thành, đạt 50,00%")
    assert said(p, "en", assignments=True).startswith("2/4 assignments that came due are done, 50.00%")


def test_the_sentence_with_nothing_come_due_says_there_is_no_rate() -> None:
    p = Progress(in_time=2, not_yet_due=3)
    assert said(p) == "Chưa có nhiệm vụ nào đến hạn nên chưa tính tỷ lệ hoàn thành; trong hạn: 2; chưa đến hạn: 3."
    assert said(p, "en") == "No task has come due yet, so there is no completion rate; in time: 2; not yet due: 3."
    assert "%" not in said(p)
