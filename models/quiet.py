"""Quiet hours: when a non-urgent push may not go out (at night, and on days off — weekends, public holidays,
Tết, the days of ``[calendar]`` (``models/calendar.py``) — unless allowed), and the next moment it may.
Read in the configured time zone (Asia/Ho_Chi_Minh by default). Built from [reminders] by
``models.settings.RemindersConfig.quiet_hours``; the dispatcher (``jobs/dispatcher.py``) asks it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.calendar import LONGEST_BREAK, WorkCalendar
from models.clock import DEFAULT_TZ

SATURDAY = 5


@dataclass(frozen=True)
class QuietHours:
    """Quiet from ``start`` to ``end`` local time (crossing midnight when ``start`` > ``end``; none when
    they are equal); the days off of ``calendar`` (None: Saturday and Sunday) are quiet all day unless
    ``weekends``."""

    start: time = time(21, 0)
    end: time = time(7, 0)
    weekends: bool = False
    tz: ZoneInfo = DEFAULT_TZ
    calendar: WorkCalendar | None = None
    settle: time | None = None  # from this time to ``end`` nothing goes, urgent or not (``settling``)

    def _day_off(self, local: datetime) -> bool:
        if self.weekends:
            return False
        if self.calendar is None:
            return local.weekday() >= SATURDAY
        return not self.calendar.is_working_day(local.date())

    def _quiet_time(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def allows(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        if self._day_off(local):
            return False
        return not self._quiet_time(local.time().replace(tzinfo=None))

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself when allowed, else the first allowed moment after it."""
        local = moment.astimezone(self.tz)
        for _ in range(2 * LONGEST_BREAK):  # at most Tết's days off and a night in between
            if self.allows(local):
                return local
            day_start = datetime.combine(local.date(), time(0), self.tz)
            if self._day_off(local):
                local = day_start + timedelta(days=1)
                continue
            end_today = datetime.combine(local.date(), self.end, self.tz)
            local = end_today if local < end_today else end_today + timedelta(days=1)
        raise AssertionError("no allowed moment within the longest break")  # start == end is never quiet

    def morning_after(self, day: date, at: time) -> datetime:
        """``at`` o'clock on the first day after ``day`` that pushes may go out (a working day unless
        ``weekends``): where a push held back for the day waits (``jobs/dispatcher.py``)."""
        moment = datetime.combine(day + timedelta(days=1), at, self.tz)
        if self._quiet_time(at):
            return self.next_allowed(moment)
        while not self.allows(moment):
            moment = datetime.combine(moment.date() + timedelta(days=1), at, self.tz)
        return moment

    def settling(self, moment: datetime) -> bool:
        """From ``settle`` to ``end`` (the morning's jobs queueing their pushes, ``bot.push_path.day_slot``)
        nothing is sent, so that the day's pushes to one official, urgent ones too, go out as one message."""
        return self.settle is not None and self.settle <= moment.astimezone(self.tz).time() < self.end
