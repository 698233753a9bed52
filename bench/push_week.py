"""Messages per official in one week at national scale, before and after the no-nagging rules (issue 18):
``python -m bench.push --week``.

Every job runs at each of its cron times of the week (``[schedule]``'s defaults, Monday to the next
Monday morning) over the benchmark database, computing its pushes as the scheduler would (a key seen
earlier in the week is not queued again, as the outbox's unique key makes it). The dispatcher's rules
then decide when each push goes out and with which others, per official:

- before: every day a working day for the reminders (each offset on its own day, weekends included),
  quiet hours and weekends hold non-urgent pushes to 07:00 of the next weekday, and each moment's pushes
  to one official make one message (the dispatcher merges what is due together) — no cap a day;
- after: Vietnam's working calendar (reminders moved off days off onto the last working day before,
  several offsets then one reminder; pushes held over holidays), no T-x reminder within
  ``recent_report_days`` of a progress report, and at most one non-urgent message a day per official:
  the day's message goes out once the morning's reminders are queued (08:05: a Monday digest of 07:30
  waits for them), and what comes due after it waits for the next working day's message (a deadline
  today, overdue notices and escalations go at once).

A message is counted in the week when it goes out before the next Monday's first push; what is held
past it is next week's (the week before held as much into this one, so the count is a steady week's).
"""

from __future__ import annotations

import asyncio
import dataclasses
import heapq
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from models import DEFAULT_TZ
from models.calendar import CalendarConfig
from models.db import create_engine, session_factory
from models.quiet import QuietHours
from models.settings import SCHEDULE_JOBS, RemindersConfig, ScheduleConfig

REMINDERS = clock_time(8)  # [schedule] reminders
MORNING = clock_time(8, 5)  # bot.push_path.day_slot: 5 minutes after the reminders job (08:00)
ALWAYS = frozenset({"overdue", "escalation"})  # jobs.kinds.ALWAYS_SENT (imported late: no jobs import at module load)


@dataclass(frozen=True)
class Row:
    official: int
    at: datetime
    urgent: bool
    kind: str


@dataclass(frozen=True)
class Week:
    label: str
    officials: int  # officials with at least one message
    messages: int
    per_official: list[int]
    pushes: int
    seconds: float

    def line(self) -> str:
        counts = sorted(self.per_official)
        p90 = counts[int(len(counts) * 0.9)] if counts else 0
        mean = statistics.fmean(counts) if counts else 0.0
        return (
            f"  {self.label:<7} {self.pushes:>9,} pushes  {self.messages:>8,} messages to {self.officials:,} officials"
            f"  per official: mean {mean:4.2f}, median {statistics.median(counts) if counts else 0:g}, p90 {p90},"
            f" max {counts[-1] if counts else 0}  ({self.seconds:.0f} s)"
        )


def fire_times(monday: date, tz: ZoneInfo, schedule: ScheduleConfig) -> list[tuple[datetime, str]]:
    """(time, job) of every run from ``monday`` 00:00 to the next Monday 00:00, in order."""
    from apscheduler.triggers.cron import CronTrigger

    start = datetime.combine(monday, clock_time(0), tz)
    end = start + timedelta(days=7)
    runs: list[tuple[datetime, str]] = []
    for job, line in schedule.crons().items():
        if not line or job not in SCHEDULE_JOBS:
            continue
        trigger = CronTrigger.from_crontab(line, timezone=tz)
        moment = trigger.get_next_fire_time(None, start - timedelta(seconds=1))
        while moment is not None and moment < end:
            runs.append((moment, job))
            moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return sorted(runs)


async def pushes_of_week(url: str, monday: date, rules: object) -> tuple[list[Row], int]:
    from jobs.due import due_pushes
    from jobs.kinds import PushRules

    assert isinstance(rules, PushRules)
    engine = create_engine(url)
    sessions = session_factory(engine)
    seen: set[int] = set()
    rows: list[Row] = []
    try:
        for moment, job in fire_times(monday, rules.bot.tz, rules.schedule):
            async with sessions() as session:
                for push in await due_pushes(session, moment, rules, [job]):
                    key = hash(push.dedupe_key)
                    if key not in seen:
                        seen.add(key)
                        rows.append(Row(push.official_id, moment, push.urgent, push.kind))
    finally:
        await engine.dispose()
    return rows, len(rows)


def messages(rows: list[Row], quiet: QuietHours, end: datetime, *, one_a_day: bool) -> dict[int, int]:
    """Messages each official gets before ``end`` under the dispatcher's rules (module docstring)."""
    queues: dict[int, list[tuple[datetime, int, Row]]] = defaultdict(list)
    for n, row in enumerate(rows):
        at = row.at if row.urgent or quiet.allows(row.at) else quiet.next_allowed(row.at)
        if quiet.settling(at):  # the morning's jobs are queueing: everything goes at the day's slot
            at = datetime.combine(at.astimezone(quiet.tz).date(), quiet.end, quiet.tz)
        queues[row.official].append((at, n, row))
    counted: dict[int, int] = {}
    for official, queue in queues.items():
        heapq.heapify(queue)
        had: set[date] = set()  # days this official had a non-urgent message
        sent = 0
        while queue:
            at = queue[0][0]
            group = []
            while queue and queue[0][0] == at:
                group.append(heapq.heappop(queue))
            if at >= end:
                break
            day = at.astimezone(quiet.tz).date()
            if one_a_day and day in had:
                held = [item for item in group if not (item[2].urgent or item[2].kind in ALWAYS)]
                group = [item for item in group if item not in held]
                morning = quiet.morning_after(day, MORNING)
                for _, n, row in held:
                    heapq.heappush(queue, (morning, n, row))
            if not group:
                continue
            sent += 1
            if any(not (row.urgent or row.kind in ALWAYS) for _, _, row in group):
                had.add(day)
        if sent:
            counted[official] = sent
    return counted


def week(url: str, monday: date, label: str, *, after: bool) -> Week:
    from jobs.kinds import PushRules

    started = time.perf_counter()
    tz = DEFAULT_TZ
    base = PushRules(schedule=ScheduleConfig(catch_up_days=0))  # no downtime to catch up on
    if after:
        rules = base
        quiet = dataclasses.replace(base.reminders.quiet_hours(tz, base.work_calendar), end=MORNING, settle=REMINDERS)
    else:  # every day a working day for the reminders, as before; no report rule
        days = [monday + timedelta(days=n) for n in range(-60, 90)]
        rules = dataclasses.replace(
            base,
            reminders=RemindersConfig(recent_report_days=0),
            calendar=CalendarConfig(holidays=False, working_days=days),
        )
        quiet = base.reminders.quiet_hours(tz)
    rows, pushes = asyncio.run(pushes_of_week(url, monday, rules))
    end = datetime.combine(monday + timedelta(days=7), clock_time(0), tz)
    counts = messages(rows, quiet, end, one_a_day=after)
    per = list(counts.values())
    return Week(label, len(per), sum(per), per, pushes, time.perf_counter() - started)


def run_week(url: str, day: date) -> list[Week]:
    monday = day - timedelta(days=day.weekday())
    print(f"week of {monday.strftime('%d/%m/%Y')} (the database's own week), every job at its cron times:")
    found = []
    for label, after in (("before", False), ("after", True)):
        measured = week(url, monday, label, after=after)
        print(measured.line())
        found.append(measured)
    before, after_ = found
    if before.messages:
        change = after_.messages / before.messages - 1
        print(f"  messages a week: {before.messages:,} → {after_.messages:,} ({change:+.1%})")
    return found
