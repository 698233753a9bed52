"""The slip-risk rule (models/risk.py) on hand-made histories, on a fixed day: each reason alone, the sum,
and the order the reasons are said in; and the days /vangmat reads (models/leave.py)."""

from __future__ import annotations

from datetime import date

from models.leave import parse_day
from models.risk import History, plan_start, slip_risk

TODAY = date(2026, 12, 2)
START = date(2026, 1, 1)


def history(**changes: object) -> History:
    base: dict[str, object] = {"today": TODAY, "due": date(2026, 12, 11), "started": START, "progress": 95}
    base["last_report"] = date(2026, 11, 30)
    return History(**(base | changes))  # type: ignore[arg-type]


def codes(h: History) -> list[str]:
    return [r.code for r in slip_risk(h).reasons]


def test_a_task_on_pace_recently_reported_is_not_at_risk() -> None:
    risk = slip_risk(history())
    assert not risk.at_risk and risk.reasons == ()


def test_behind_pace_says_days_left_and_progress_and_is_at_risk() -> None:
    risk = slip_risk(history(progress=20))  # 20% in 335 days: the rest needs 1,340 days, 9 are left
    assert risk.at_risk and risk.reasons[0].code == "pace"
    assert risk.reasons[0].numbers == {"days_left": 9, "progress": 20}


def test_no_progress_counts_only_within_the_window() -> None:
    assert codes(history(progress=0, due=date(2026, 12, 10))) == ["no_progress"]
    assert codes(history(progress=0, due=date(2027, 3, 1))) == []


def test_silence_one_point_from_three_weeks_two_from_six_and_never_reported() -> None:
    assert [(r.code, r.points) for r in slip_risk(history(last_report=date(2026, 11, 8))).reasons] == [("silent", 1)]
    assert [(r.code, r.points) for r in slip_risk(history(last_report=date(2026, 10, 1))).reasons] == [("silent", 2)]
    assert codes(history(last_report=None)) == ["never_reported"]


def test_ignored_reminders_the_units_word_and_its_record() -> None:
    assert slip_risk(history(reminders_since=1)).points == 1
    assert slip_risk(history(reminders_since=2)).at_risk
    assert slip_risk(history(self_assessment="at_risk")).points == 1
    assert slip_risk(history(self_assessment="late")).at_risk
    assert slip_risk(history(self_assessment="on_track")).points == 0
    assert codes(history(unit_came_due=10, unit_late=3)) == ["record"]
    assert codes(history(unit_came_due=10, unit_late=2)) == []
    assert codes(history(unit_came_due=2, unit_late=2)) == []  # too few to judge a unit by


def test_the_example_of_the_issue_strongest_reasons_first() -> None:
    risk = slip_risk(history(progress=20, last_report=date(2026, 11, 8), unit_came_due=5, unit_late=2))
    assert [r.code for r in risk.reasons] == ["pace", "silent", "record"]
    assert risk.reasons[1].numbers == {"days": 24} and risk.points == 4


def test_the_plan_starts_on_the_first_of_january_or_when_issued() -> None:
    assert plan_start(2026, None) == START
    assert plan_start(2026, date(2026, 3, 15)) == date(2026, 3, 15)
    assert plan_start(2026, date(2025, 12, 20)) == START


def test_leave_days_are_read_in_the_provinces_calendar() -> None:
    assert parse_day("05/12", TODAY) == date(2026, 12, 5)
    assert parse_day("5-1", TODAY) == date(2027, 1, 5)  # more than a month ago this year: next year's
    assert parse_day("20/11", TODAY) == date(2026, 11, 20)  # a leave that began recently
    assert parse_day("03/01", TODAY, after=date(2026, 12, 28)) == date(2027, 1, 3)
    assert parse_day("05/12/26", TODAY) == date(2026, 12, 5)
    for bad in ("31/02", "29/02/2026", "13/13", "ngay mai", "5", ""):
        assert parse_day(bad, TODAY) is None, bad
