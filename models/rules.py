"""Domain rules, free of storage: task status, the reporting sentence's numbers, index changes,
the fields that fell most, drive scoring and standings, deadline parsing.

Status of an assignment on a given day (the four official categories plus "not yet due"):
- done (progress 100) on or before the due date: DONE_ON_TIME, after it: DONE_LATE;
- not done, the due date passed: OVERDUE;
- not done, due within ``due_soon_days`` (the reporting window): IN_TIME ("trong hạn");
- not done, due later than that: NOT_YET_DUE ("chưa đến hạn").
The completion rate of the reporting sentence (done ÷ what came due, truncated) is models/progress.py's.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Self, TypeVar

from models.enums import DeadlineKind, TaskStatus
from models.text import fold

DUE_SOON_DAYS = 30
T = TypeVar("T")


def task_status(
    due_date: date,
    progress: int,
    completed_on: date | None,
    today: date,
    due_soon_days: int = DUE_SOON_DAYS,
) -> TaskStatus:
    if progress >= 100:
        finished = completed_on or today
        return TaskStatus.DONE_ON_TIME if finished <= due_date else TaskStatus.DONE_LATE
    if today > due_date:
        return TaskStatus.OVERDUE
    if (due_date - today).days <= due_soon_days:
        return TaskStatus.IN_TIME
    return TaskStatus.NOT_YET_DUE


def days_left(due_date: date, today: date) -> int:
    """Days until the deadline; negative when it has passed ("quá hạn N ngày")."""
    return (due_date - today).days


@dataclass(frozen=True)
class StatusCounts:
    done_on_time: int = 0
    done_late: int = 0
    in_time: int = 0
    overdue: int = 0
    not_yet_due: int = 0

    @classmethod
    def of(cls, statuses: Iterable[TaskStatus]) -> Self:
        tally = dict.fromkeys(TaskStatus, 0)
        for status in statuses:
            tally[status] += 1
        return cls(**{status.value: n for status, n in tally.items()})

    def __add__(self, other: StatusCounts) -> StatusCounts:
        return StatusCounts(
            self.done_on_time + other.done_on_time,
            self.done_late + other.done_late,
            self.in_time + other.in_time,
            self.overdue + other.overdue,
            self.not_yet_due + other.not_yet_due,
        )

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def not_done(self) -> int:
        return self.in_time + self.overdue

    @property
    def total(self) -> int:
        return self.done + self.not_done + self.not_yet_due


@dataclass(frozen=True)
class Change:
    """Year-on-year change. ``places`` is positive when the rank improved ("tăng 7 bậc")."""

    points: Decimal | None
    places: int | None
    digits: int | None = None  # the decimals to show ``points`` with (as published); None: the usual two


def change(
    score: Decimal | None,
    rank: int | None,
    previous_score: Decimal | None,
    previous_rank: int | None,
    published_points: Decimal | None = None,
    published_places: int | None = None,
    *,
    digits: tuple[int | None, int | None, int | None] = (None, None, None),
) -> Change:
    """Change against the previous published year; the published change fills what can't be computed.
    ``digits``: the decimals the score, the previous score and the published change were published with;
    a computed change is shown with the more precise of the two scores ("47,345" − "47,1" = "+0,245")."""
    points = score - previous_score if score is not None and previous_score is not None else None
    places = previous_rank - rank if rank is not None and previous_rank is not None else None
    if points is not None:
        shown = max(digits[0], digits[1]) if digits[0] is not None and digits[1] is not None else None
    else:
        shown = digits[2]
    return Change(
        points if points is not None else published_points,
        places if places is not None else published_places,
        shown,
    )


def fell_most(changes: Sequence[tuple[T, Change]], limit: int = 3) -> list[tuple[T, Change]]:
    """The items whose rank fell most (then score), worst first; items that did not fall are left out."""
    fallen = [
        (item, c)
        for item, c in changes
        if (c.places is not None and c.places < 0) or (c.places is None and c.points is not None and c.points < 0)
    ]
    fallen.sort(key=lambda pair: (pair[1].places if pair[1].places is not None else 0, pair[1].points or 0))
    return fallen[:limit]


# --- competition drives ---------------------------------------------------------------------------


HUNDREDTH = Decimal("0.01")  # drive points are kept to the hundredth, rounded half up


def criterion_points(value: Decimal, target: Decimal, weight: Decimal) -> Decimal:
    """Points earned on one criterion: the full weight at or above the target, pro rata below, to the
    hundredth (half up). ``models.queries.drives`` computes the same in SQL; a test holds them equal."""
    if target <= 0:
        return weight.quantize(HUNDREDTH, ROUND_HALF_UP) if value >= target else Decimal(0)
    share = min(value / target, Decimal(1))
    return (weight * max(share, Decimal(0))).quantize(HUNDREDTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class Standing:
    unit_id: int
    points: Decimal
    rank: int
    gap_to_leader: Decimal


def leaderboard(points_by_unit: dict[int, Decimal]) -> list[Standing]:
    """Rank units by points, ties sharing a rank (1, 2, 2, 4); ties listed by unit id for stability."""
    ordered = sorted(points_by_unit.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ordered:
        return []
    best = ordered[0][1]
    standings: list[Standing] = []
    for position, (unit_id, points) in enumerate(ordered, start=1):
        rank = standings[-1].rank if standings and standings[-1].points == points else position
        standings.append(Standing(unit_id, points, rank, best - points))
    return standings


# --- deadlines as plans write them ----------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# a date as plans write it: 2026-06-30, 30/6/2026, 30.6.26, 30-06-2026 (a dash only with the year: in
# "15/3-30/6" it separates two dates), 30/6 (the plan's year)
_DATE = re.compile(
    r"\b(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<d>\d{1,2})\s*(?P<sep>[/.])\s*(?P<m>\d{1,2})(?:\s*(?P=sep)\s*(?P<y>\d{4}|\d{2}))?"
    r"|(?P<dd>\d{1,2})-(?P<dm>\d{1,2})-(?P<dy>\d{4}|\d{2}))\b(?!\s*[/.]\s*\d)"
)
_RANGE_WORDS = re.compile(r"\s*(?:-|–|—|~|den|toi)\s*(?:ngay\s*)?")
_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_QUARTER = re.compile(r"quy\s*(iv|iii|ii|i|[1-4])\b")
_MONTH = re.compile(r"thang\s*(\d{1,2})\b")
_HALF = re.compile(r"(6|sau)\s*thang\s*(dau|cuoi)\s*nam")
_WHOLE_YEAR = re.compile(r"(trong |ca )?nam( \d{4})?")
_YEAR = re.compile(r"(?:/|\bnam\s*)(\d{4})\b")


class DeadlineError(ValueError):
    """The deadline text could not be read; the message says why (in English, for logs and tests)."""


class DeadlineYearError(DeadlineError):
    """The deadline falls in a year too far from the plan's (a typing slip such as 30/6/2203)."""

    def __init__(self, due: date, plan_year: int) -> None:
        super().__init__(f"{due:%d/%m/%Y} is not within a year of the plan's year {plan_year}")
        self.due, self.plan_year = due, plan_year


class DeadlineRangeError(DeadlineError):
    """Two dates that are not one range from the earlier to the later ("30/6 - 15/3", "15/3 và 30/6")."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --- recurring deadlines ("Hằng quý", "Trước ngày 15 của tháng cuối quý") --------------------------

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
_EVERY = (
    (re.compile(r"(hang|moi|tung)\s*thang|dinh ky thang"), "monthly"),
    (re.compile(r"(hang|moi|tung)\s*quy|dinh ky quy|cuoi (moi |cac )?quy|thang cuoi (moi |cac )?quy"), "quarterly"),
    (re.compile(r"(hang|moi)\s*6\s*thang|(6 thang|nua nam) (mot|1) lan|dinh ky 6 thang"), "half_yearly"),
    (re.compile(r"(hang|moi|tung)\s*nam|dinh ky nam"), "yearly"),
)
_DAY_OF = re.compile(r"ngay\s*(\d{1,2})\b(?!\s*[/.-]\s*\d)")


@dataclass(frozen=True)
class Recurrence:
    """A deadline that comes back every period: ``every`` one of PERIOD_MONTHS' keys, ``day`` the day
    of the period's last month it falls on (None: the last day of the period)."""

    every: str
    day: int | None = None

    @property
    def rule(self) -> str:
        """As stored in ``tasks.recurrence``: "quarterly", "quarterly@15"."""
        return self.every if self.day is None else f"{self.every}@{self.day}"

    @classmethod
    def of(cls, rule: str) -> Recurrence:
        every, _, day = rule.partition("@")
        return cls(every, int(day) if day else None)

    def periods(self, year: int) -> list[tuple[date, date]]:
        """The periods of ``year`` as (first day, due date)."""
        step = PERIOD_MONTHS[self.every]
        found = []
        for first_month in range(1, 13, step):
            last = _month_end(year, first_month + step - 1)
            due = last if self.day is None else last.replace(day=min(self.day, last.day))
            found.append((date(year, first_month, 1), due))
        return found

    def period_of(self, day: date) -> tuple[date, date]:
        """The period (first day, due date) ``day`` falls in."""
        return next(p for p in reversed(self.periods(day.year)) if p[0] <= day)

    def next_due(self, reported_on: date) -> date:
        """The due date of the period after the one ``reported_on`` falls in."""
        months = PERIOD_MONTHS[self.every]
        first = self.period_of(reported_on)[0]
        month = first.month - 1 + months
        following = date(first.year + month // 12, month % 12 + 1, 1)
        return self.period_of(following)[1]

    def plan_periods(self, final_due: date) -> list[Period]:
        """The periods of a task whose last due date is ``final_due`` (``tasks.due_date``): its year's, up
        to that one."""
        found = [Period(self.every, n, *p) for n, p in enumerate(self.periods(final_due.year), start=1)]
        return [p for p in found if p.due <= final_due] or found[:1]

    def open_period(self, due_on: date | None, final_due: date) -> Period:
        """The period a unit owes (``assignments.due_on``; None: the first), never past the last one."""
        periods = self.plan_periods(final_due)
        return periods[0] if due_on is None else next((p for p in periods if p.due >= due_on), periods[-1])

    def following(self, period: Period, final_due: date) -> Period | None:
        """The period after ``period``; None after the task's last."""
        periods = self.plan_periods(final_due)
        return periods[period.number] if period.number < len(periods) else None

    def closed_periods(self, final_due: date, reports: Iterable[tuple[date, int]]) -> list[tuple[Period, date]]:
        """The periods a unit's reports (day, percent; oldest first) closed, each with the day of the report
        that closed it, as ``models.queries.tasks.record_progress`` moves them: a 100 % report closes the
        oldest open period, a lower one after the last period was closed opens that one again."""
        periods, closed = self.plan_periods(final_due), list[tuple[Period, date]]()
        for day, reported in reports:
            if reported >= 100 and len(closed) < len(periods):
                closed.append((periods[len(closed)], day))
            elif reported < 100 and len(closed) == len(periods):
                closed.pop()
        return closed


@dataclass(frozen=True)
class Period:
    """One period of a recurring deadline: ``number`` counts from 1 in the year (the second quarter is 2)."""

    every: str
    number: int
    first: date
    due: date


def recurrence(text: str) -> Recurrence | None:
    """The recurrence a deadline as written states ("Định kỳ hằng tháng", "Trước ngày 15 của tháng cuối
    quý"), or None for a one-off deadline."""
    folded = fold(text)
    for pattern, every in _EVERY:
        if pattern.search(folded):
            day = _DAY_OF.search(folded)
            return Recurrence(every, int(day[1]) if day and 1 <= int(day[1]) <= 31 else None)
    return None


def resolve_deadline(text: str, year: int) -> tuple[DeadlineKind, date]:
    """Read a plan's deadline column: "30/6/2023", "trước 15/3", "quý II", "tháng 6", "6 tháng đầu năm",
    "cả năm", "thường xuyên". Periods resolve to their last day; continuous tasks to 31/12 of ``year``.
    A range ("15/3 - 30/6", "Từ 01/7-31/12", "01/7/2026 - 31/12/2026") resolves to its end. The day
    must fall within a year of ``year`` (DeadlineYearError otherwise)."""
    kind, due = _resolve(fold(text), year, text)
    if abs(due.year - year) > 1:
        raise DeadlineYearError(due, year)
    return kind, due


def _resolve(folded: str, year: int, text: str) -> tuple[DeadlineKind, date]:
    if not folded:
        raise DeadlineError("empty deadline")
    if "thuong xuyen" in folded or "ca nam" in folded or _WHOLE_YEAR.fullmatch(folded):
        return DeadlineKind.CONTINUOUS, date(year, 12, 31)
    if (every := recurrence(text)) is not None:  # the plan's last period's due date: the task's final one
        return DeadlineKind.RECURRING, every.periods(year)[-1][1]
    dates = list(_DATE.finditer(folded))
    if len(dates) == 1:
        return DeadlineKind.DATE, _written_date(dates[0], year, text)
    if len(dates) == 2:
        return DeadlineKind.DATE, _range_end(folded, dates[0], dates[1], year, text)
    if len(dates) > 2:
        raise DeadlineRangeError(f"more than two dates: {text!r}")
    if m := _MONTH_YEAR.search(folded):
        return DeadlineKind.PERIOD, _month_end(int(m[2]), _month(int(m[1]), text))
    if m := _YEAR.search(folded):
        year = int(m[1])
    if m := _QUARTER.search(folded):
        q = _ROMAN.get(m[1]) or int(m[1])
        return DeadlineKind.PERIOD, _month_end(year, q * 3)
    if m := _HALF.search(folded):
        return DeadlineKind.PERIOD, date(year, 6, 30) if m[2] == "dau" else date(year, 12, 31)
    if m := _MONTH.search(folded):
        return DeadlineKind.PERIOD, _month_end(year, _month(int(m[1]), text))
    raise DeadlineError(f"unreadable deadline: {text!r}")


def _year_of(match: re.Match[str]) -> int | None:
    written = match["iy"] or match["y"] or match["dy"]
    if written is None:
        return None
    return int(written) + 2000 if len(written) == 2 else int(written)


def _written_date(match: re.Match[str], year: int, text: str) -> date:
    day = match["id"] or match["d"] or match["dd"]
    month = match["im"] or match["m"] or match["dm"]
    return _date(_year_of(match) or year, int(month), int(day), text)


def _range_end(folded: str, start: re.Match[str], end: re.Match[str], year: int, text: str) -> date:
    """The end of "start - end"; the end without a year takes the start's, then the plan's."""
    if not _RANGE_WORDS.fullmatch(folded[start.end() : end.start()]):
        raise DeadlineRangeError(f"two dates that are not a range: {text!r}")
    first = _written_date(start, year, text)
    last = _written_date(end, _year_of(end) or first.year, text)
    if last < first and _year_of(start) and not _year_of(end):  # "15/12/2025 - 14/3": into the next year
        last = _written_date(end, first.year + 1, text)
    if last < first:
        raise DeadlineRangeError(f"the range ends before it starts: {text!r}")
    return last


def _month(month: int, text: str) -> int:
    if not 1 <= month <= 12:
        raise DeadlineError(f"no month {month}: {text!r}")
    return month


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DeadlineError(f"not a date: {text!r}") from exc
