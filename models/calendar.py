"""Vietnam's working calendar: which days the province's offices work, for the push path (``jobs/``: a
reminder that would land on a day off comes on the last working day before it; ``models/quiet.py``: a
non-urgent push waits for the next working day) and for "còn N ngày" said in working days.

Public holidays come from the maintained ``holidays`` package (``holidays.country_holidays("VN")``):
Tết dương lịch, Tết Nguyên đán with its days off (e.g. 04/02–10/02/2027), Giỗ Tổ Hùng Vương, 30/4, 1/5,
Quốc khánh 2/9 with its extra day, and the working Saturdays the government swapped in years the package
knows. What the government announces each year on top (an extra day off, a Saturday worked to make a
bridge) is configuration: ``[calendar] days_off`` and ``working_days``; the configuration wins over the
package. Saturday and Sunday are days off unless listed as working days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

COUNTRY = "VN"
Days = Annotated[list[Annotated[date, Field(strict=False)]], Field(max_length=400)]  # TOML dates or ISO strings
LONGEST_BREAK = 40  # days: no run of days off is longer (Tết is about 9); a loop past it is a bad config


class CalendarConfig(BaseModel):
    """``[calendar]``: the days the government adds or swaps each year, and how "còn N ngày" counts.
    Dates are TOML dates or "YYYY-MM-DD" strings."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    holidays: bool = True  # the public holidays of the ``holidays`` package; false: weekends only
    days_off: Days = Field(default_factory=list)
    working_days: Days = Field(default_factory=list)
    count_working_days: bool = False  # "còn N ngày" in working days instead of calendar days

    def work_calendar(self) -> WorkCalendar:
        return WorkCalendar(frozenset(self.days_off), frozenset(self.working_days), self.holidays)


@dataclass(frozen=True)
class WorkCalendar:
    """The province's working days. ``days_off`` and ``working_days`` override the package (and the
    weekend); ``public_holidays`` false leaves only weekends and the configured days."""

    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    public_holidays: bool = True
    _cache: dict[date, bool] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _holidays(self) -> Any:
        import holidays  # imported when first needed: the package builds its tables per country and year

        return holidays.country_holidays(COUNTRY)

    def is_working_day(self, day: date) -> bool:
        known = self._cache.get(day)
        if known is not None:
            return known
        if day in self.working_days:
            working = True
        elif day in self.days_off:
            working = False
        elif self.public_holidays:
            working = bool(self._holidays.is_working_day(day))
        else:
            working = day.weekday() < 5
        self._cache[day] = working
        return working

    def on_or_after(self, day: date) -> date:
        """``day`` when it is a working day, else the first working day after it."""
        return self._walk(day, 1)

    def on_or_before(self, day: date) -> date:
        """``day`` when it is a working day, else the last working day before it."""
        return self._walk(day, -1)

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        return self.on_or_after(day + timedelta(days=1))

    def last_working_day_before(self, day: date) -> date:
        """The last working day before ``day``: when a deadline on a day off is reminded."""
        return self.on_or_before(day - timedelta(days=1))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after
        ``start``): "còn N ngày làm việc" from ``start`` to a deadline ``end``."""
        days = (end - start).days
        return sum(1 for n in range(1, days + 1) if self.is_working_day(start + timedelta(days=n)))

    def days_left(self, today: date, due: date, *, working: bool) -> int:
        """ "còn N ngày": calendar days from ``today`` to ``due``, or working days when ``working``."""
        return self.working_days_between(today, due) if working else (due - today).days

    def _walk(self, day: date, step: int) -> date:
        for n in range(LONGEST_BREAK):
            moved = day + timedelta(days=step * n)
            if self.is_working_day(moved):
                return moved
        raise ValueError(f"no working day within {LONGEST_BREAK} days of {day.isoformat()}")
