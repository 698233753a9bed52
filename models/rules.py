"""Domain rules, free of storage: task status, the reporting sentence's numbers, index changes,
the fields that fell most, drive scoring and standings, deadline parsing.

Status of an assignment on a given day (the four official categories plus "not yet due"):
- done (progress 100) on or before the due date: DONE_ON_TIME, after it: DONE_LATE;
- not done, the due date passed: OVERDUE;
- not done, due within ``due_soon_days`` (the reporting window): IN_TIME ("trong hạn");
- not done, due later than that: NOT_YET_DUE ("chưa đến hạn").
The completion rate of the reporting sentence is done / (done + not done), not-yet-due excluded.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

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


def percent(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a percentage with two decimals, or None when there is nothing to count."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class StatusCounts:
    done_on_time: int = 0
    done_late: int = 0
    in_time: int = 0
    overdue: int = 0
    not_yet_due: int = 0

    @classmethod
    def of(cls, statuses: Iterable[TaskStatus]) -> StatusCounts:
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

    @property
    def done_percent(self) -> Decimal | None:
        return percent(self.done, self.done + self.not_done)


@dataclass(frozen=True)
class Change:
    """Year-on-year change. ``places`` is positive when the rank improved ("tăng 7 bậc")."""

    points: Decimal | None
    places: int | None


def change(
    score: Decimal | None,
    rank: int | None,
    previous_score: Decimal | None,
    previous_rank: int | None,
    published_points: Decimal | None = None,
    published_places: int | None = None,
) -> Change:
    """Change against the previous published year; the published change fills what can't be computed."""
    points = score - previous_score if score is not None and previous_score is not None else None
    places = previous_rank - rank if rank is not None and previous_rank is not None else None
    return Change(
        points if points is not None else published_points,
        places if places is not None else published_places,
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
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_FULL_DATE = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\b")
_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\b")
_QUARTER = re.compile(r"quy\s*(iv|iii|ii|i|[1-4])\b")
_MONTH = re.compile(r"thang\s*(\d{1,2})\b")
_HALF = re.compile(r"(6|sau)\s*thang\s*(dau|cuoi)\s*nam")
_YEAR = re.compile(r"(?:/|\bnam\s*)(\d{4})\b")


class DeadlineError(ValueError):
    """The deadline text could not be read; the message says why (in English, for logs and tests)."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def resolve_deadline(text: str, year: int) -> tuple[DeadlineKind, date]:
    """Read a plan's deadline column: "30/6/2023", "trước 15/3", "quý II", "tháng 6", "6 tháng đầu năm",
    "cả năm", "thường xuyên". Periods resolve to their last day; continuous tasks to 31/12 of ``year``."""
    folded = fold(text)
    if not folded:
        raise DeadlineError("empty deadline")
    if "thuong xuyen" in folded or "ca nam" in folded or "hang nam" in folded or folded in {"nam", f"nam {year}"}:
        return DeadlineKind.CONTINUOUS, date(year, 12, 31)
    if m := _ISO.search(folded):
        return DeadlineKind.DATE, _date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _FULL_DATE.search(folded):
        y = int(m[3])
        return DeadlineKind.DATE, _date(y + 2000 if y < 100 else y, int(m[2]), int(m[1]), text)
    if m := _MONTH_YEAR.search(folded):
        return DeadlineKind.PERIOD, _month_end(int(m[2]), _month(int(m[1]), text))
    if m := _DAY_MONTH.search(folded):
        return DeadlineKind.DATE, _date(year, int(m[2]), int(m[1]), text)
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


def _month(month: int, text: str) -> int:
    if not 1 <= month <= 12:
        raise DeadlineError(f"no month {month}: {text!r}")
    return month


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DeadlineError(f"not a date: {text!r}") from exc
