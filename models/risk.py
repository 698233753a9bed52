"""The slip risk of an open assignment: a rule a secretary can read, not a model (issue 18, point 6).

From the assignment's own history, on a given day:
- pace: days left against the progress per day so far: between the first report with progress and the
  last one when there are two, else since the plan's first day (1/1 of its year, or the day it was issued
  if later); at that pace the rest needs (100 − progress) ÷ pace days. More than ``PACE_SLACK`` times the
  days left: behind pace (2 points; work often comes in a last push, so merely "a little slower than even"
  is not a warning; no progress at all with the deadline within ``WINDOW`` days: also behind).
- silence: days since the last progress report (or since the start when there is none): from
  ``STALE_DAYS`` 1 point, from twice that 2.
- reminders ignored: reminders sent since the last report (1 point from one, 2 from ``IGNORED_MANY``).
- the unit's own word (the report's self-assessment): "có nguy cơ chậm" 1 point, "chậm" 2.
- the unit's on-time record: of its assignments that came due (done, or overdue), at least
  ``RECORD_MIN`` and a share late (done late or still overdue) of ``RECORD_LATE`` or more: 1 point.
At risk from ``AT_RISK`` points. The reasons are kept with their numbers, strongest first, and said in
words by ``templates/tasks/_risk.j2`` ("còn 9 ngày, mới đạt 20%, 24 ngày chưa báo cáo").

How well this would have warned 7 days before the deadline, against "finished late": ``python -m
bench.risk`` (bench/README.md, Session 9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from models.enums import SelfAssessment

AT_RISK = 2  # points from which an assignment is at risk
PACE_SLACK = 2  # behind pace: the rest would need more than twice the days left
STALE_DAYS = 21  # a report is expected about every three weeks (the province asks monthly at most)
IGNORED_MANY = 2
RECORD_MIN = 3  # a unit's record counts once this many of its assignments came due
RECORD_LATE = Decimal("0.3")
WINDOW = 14  # the warning looks this many days ahead (``due_in``)
DIGEST_FROM = 7  # a weekly digest names what is due 7–14 days ahead: each task in exactly one week


@dataclass(frozen=True)
class Reason:
    """One reason, as ``templates/tasks/_risk.j2`` says it: ``code`` and its ``numbers``."""

    code: str  # pace | no_progress | silent | never_reported | ignored | self | record
    points: int
    numbers: dict[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class History:
    """What is known of one open assignment on ``today`` (nothing after it)."""

    today: date
    due: date
    started: date  # the day work could start (the plan's first day)
    progress: int  # percent, the last report's (0 with none)
    last_report: date | None
    first_report: tuple[date, int] | None = None  # the first report with progress (day, percent): work began
    reminders_since: int = 0  # reminders sent since the last report (or since the start)
    self_assessment: str | None = None  # the last report's (models.enums.SelfAssessment)
    unit_came_due: int = 0  # the unit's assignments that came due (done or overdue) before today
    unit_late: int = 0  # of those, done late or still overdue


@dataclass(frozen=True)
class Risk:
    points: int
    reasons: tuple[Reason, ...]
    days_left: int
    progress: int

    @property
    def at_risk(self) -> bool:
        return self.points >= AT_RISK


def slip_risk(h: History) -> Risk:
    """The rule of the module docstring, on one assignment's history."""
    days_left = (h.due - h.today).days
    reasons: list[Reason] = []
    elapsed = max(1, (h.today - h.started).days)
    if h.progress < 100:
        if h.progress == 0:
            if days_left <= WINDOW:
                reasons.append(Reason("no_progress", 2, {"days_left": days_left}))
        else:
            rate = h.progress / elapsed  # percent a day since the plan's start ...
            first, last = h.first_report, h.last_report
            if first is not None and last is not None and last > first[0] and h.progress > first[1]:
                rate = (h.progress - first[1]) / (last - first[0]).days  # ... or since work began
            needed = (100 - h.progress) / rate  # days at the pace so far
            if needed > PACE_SLACK * max(days_left, 0):
                reasons.append(Reason("pace", 2, {"days_left": days_left, "progress": h.progress}))
    since = h.last_report or h.started
    silent = (h.today - since).days
    if silent >= STALE_DAYS:
        points = 2 if silent >= 2 * STALE_DAYS else 1
        if h.last_report is None:
            reasons.append(Reason("never_reported", points, {"days": silent}))
        else:
            reasons.append(Reason("silent", points, {"days": silent}))
    if h.reminders_since:
        reasons.append(Reason("ignored", 2 if h.reminders_since >= IGNORED_MANY else 1, {"count": h.reminders_since}))
    if h.self_assessment in (SelfAssessment.AT_RISK, SelfAssessment.LATE):
        points = 2 if h.self_assessment == SelfAssessment.LATE else 1
        reasons.append(Reason("self", points, {"value": str(h.self_assessment)}))
    if h.unit_came_due >= RECORD_MIN and Decimal(h.unit_late) >= RECORD_LATE * h.unit_came_due:
        reasons.append(Reason("record", 1, {"late": h.unit_late, "came_due": h.unit_came_due}))
    reasons.sort(key=lambda r: -r.points)  # stable: the order above among equals
    return Risk(sum(r.points for r in reasons), tuple(reasons), days_left, h.progress)


def plan_start(year: int, issued_on: date | None) -> date:
    """The day work on a plan's tasks could start: 1/1 of its year, or the day it was issued if later."""
    first = date(year, 1, 1)
    return max(first, issued_on) if issued_on is not None else first
