"""What is due now: each job's pushes, computed from the database for an aware ``now`` (the province's
time zone), as outbox rows (``jobs.outbox.Push``) with a unique dedupe key.

Jobs, their kinds and dedupe keys:
- reminders: ``deadline`` (T-7, T-3, T-1, on the day; a day that is a day off moves to the last working day
  before it, ``models/calendar.py``; none but the day's while the unit reported on the task in the last
  ``recent_report_days``): ``deadline:task 17:unit 204:T-3:2024-06-12:official 9``;
  ``overdue`` (days 1, 3, 7, then weekly overdue, to the unit's heads):
  ``overdue:task 17:unit 204:2024-06-12:day 3:official 9``;
  ``escalation`` (N days overdue): ``escalation:task 17:unit 204:2024-06-12:official 3``.
- digests (``jobs/digests.py``): ``digest_unit`` to unit heads: ``digest:unit 204:2024-W24:official 9``.
- leader_digests (``jobs/digests.py``): ``digest_leader``: ``digest:province 1:2024-W24:official 2``.
- drives (``jobs/drives.py``): ``drive_start``, ``drive_week``, ``drive_milestone``, ``drive_final``:
  ``drive:drive 3:start:official 9``, ``…:week 2:…``, ``…:half-way:…``, ``…:days-left 7:…``, ``…:final:…``.
- quarterly: ``quarterly`` (before the quarterly review): ``quarterly:2024-Q2:unit 204:official 9``.
- index_news (``jobs/index_news.py``): ``index_month`` (a month of the 766 index, to units that fell or are in
  the bottom five): ``index_month:766:2026-10:province 1:local:unit 204:official 9``.
- reminders also sends ``leave_return`` (``jobs/leave.py``), the catch-up the day after a leave ends:
  ``leave_return:leave 5:official 9``; every job's pushes to an official on leave are re-routed or held there.
- report_inputs (``jobs/report_inputs.py``): ``report_ask`` (the ask day of the periodic report),
  ``report_remind`` (the remind day, to units that have not answered): ``report_ask:2026-H1:unit 204:official 9``;
  ``report_status`` (to the secretariat before the due day): ``report_status:2026-H1:province 1:official 2``;
  after the due day, to a unit that gave nothing, ``report_overdue``
  (``report_overdue:2026-H1:unit 204:day 3:official 9``) and once ``report_escalation``
  (``report_escalation:2026-H1:official 3``, naming the silent units the official oversees).

A deadline in the key means a moved deadline is reminded again; a day, week or quarter in the key makes the
push once per that period. Re-running a job inserts nothing new. One-off pushes (a reminder offset, an
escalation, an overdue notice day, drive events, the quarterly reminder) are still due ``catch_up_days``
after their day, so a bot that was down on the day sends them late rather than never.

Deadline reminders, overdue notices, escalations, the quarterly reminder and the report's pushes are
mandatory: they reach officials who turned optional pushes off (``jobs.kinds.MANDATORY``); inactive officials
get nothing.

Each function runs a few set-based queries (``models/queries/due.py``) and returns a lazy iterator, so
``enqueue`` holds one batch of rows in memory at a time.
"""

from __future__ import annotations

import calendar
from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from jobs import digests, drives, index_news, leave, report_inputs
from jobs.kinds import DEADLINE, ESCALATION, OVERDUE, QUARTERLY, PushRules, overdue_step, task_ctx, unit_ctx
from jobs.outbox import Push
from models.calendar import LONGEST_BREAK, WorkCalendar
from models.enums import Role
from models.queries.due import (
    current_plan_ids,
    escalated_assignments,
    officials_by_province,
    open_assignments_due,
    open_counts_by_unit,
    overdue_assignments,
    recently_reported,
    recipients,
    root_of,
    task_lines,
)
from models.queries.snooze import waiting
from models.queries.units import unit_names

Compute = Callable[[AsyncSession, datetime, PushRules], Awaitable[Iterable[Push]]]


def remind_day(due: date, offset: int, calendar: WorkCalendar | None = None) -> date:
    """The day the T-``offset`` reminder of a deadline ``due`` goes: ``offset`` days before it, or, when
    that is a day off of ``calendar`` (a weekend, Tết), the last working day before that: earlier, never
    later (a deadline on the 2nd day of Tết is reminded on the last working day before Tết)."""
    day = due - timedelta(days=offset)
    return calendar.on_or_before(day) if calendar is not None else day


def reminder_dates(
    today: date, offsets: Iterable[int], catch_up: int, calendar: WorkCalendar | None = None
) -> dict[date, int]:
    """Due date -> the reminder offset a task due that day is at today: the smallest offset ``k`` whose
    reminder day (``remind_day``) is today or past, provided it was at most ``catch_up`` days ago. With
    offsets 7, 3, 1, 0, no catch-up and no days off, only tasks exactly 7, 3, 1 or 0 days away. Several
    offsets moved onto one day by a break (T-3 and T-1 before Tết) make one reminder, the nearest."""
    ordered = sorted(set(offsets))
    if not ordered:
        return {}
    reach = ordered[-1] + (LONGEST_BREAK if calendar is not None else 0)  # a break moves reminders earlier
    found: dict[date, int] = {}
    for days in range(0, reach + 1):
        due = today + timedelta(days=days)
        k = next((k for k in ordered if remind_day(due, k, calendar) <= today), None)
        if k is not None and (today - remind_day(due, k, calendar)).days <= catch_up:
            found[due] = k
    return found


async def deadline_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """A reminder to every active official of each unit with a not-done assignment of a task due in
    7, 3, 1 or 0 days (the offsets, moved earlier off days off); mandatory, urgent on the day itself (on
    the last working day before a deadline that falls on a day off). A unit that reported progress on
    the task in the last ``recent_report_days`` gets no reminder but the day's: it has just done what the
    reminder asks."""
    today, calendar = now.date(), s.work_calendar
    offsets = reminder_dates(today, s.reminders.offsets_days, s.schedule.catch_up_days, calendar)
    rows = await open_assignments_due(session, list(offsets))
    recent: set[tuple[int, int]] = set()
    if s.reminders.recent_report_days and rows:
        since = now - timedelta(days=s.reminders.recent_report_days)
        recent = await recently_reported(session, {row.id for row in rows if offsets[row[1]] > 0}, since)
    rows = [row for row in rows if offsets[row[1]] == 0 or (row.id, row.unit_id) not in recent]
    people = await recipients(session, {row.unit_id for row in rows}, optional=False)
    texts = await task_lines(session, {row.id for row in rows})
    snoozed = await waiting(session, now)  # asked to be reminded later: not before then, but on the day itself

    def generate() -> Iterator[Push]:
        # one context per task, role, progress and due date (a recurring task's units may owe different periods)
        shared: dict[tuple[int, str, int, date], dict[str, Any]] = {}
        for task_id, due, unit_id, role, progress in rows:
            k = offsets[due]
            ctx = shared.get((task_id, role, progress, due))
            if ctx is None:
                ctx = {"task": task_ctx(task_id, *texts[task_id], due), "role": str(role), "progress": progress}
                ctx |= {"offset": k, "days_left": s.days_left(today, due), "working": s.calendar.count_working_days}
                # a deadline on a day off: the reminder names the last working day before it
                ctx["last_day"] = None if calendar.is_working_day(due) else calendar.on_or_before(due).isoformat()
                shared[task_id, role, progress, due] = ctx
            key = f"deadline:task {task_id}:unit {unit_id}:T-{k}:{due.isoformat()}"
            for official_id in people.get(unit_id, ()):
                if k == 0 or (task_id, unit_id, official_id) not in snoozed:
                    yield Push(DEADLINE, f"{key}:official {official_id}", official_id, ctx, now, urgent=k == 0)

    return generate()


async def overdue_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """An overdue notice per overdue assignment of the current plans, on days 1, 3 and 7 overdue and then
    weekly (``overdue_step``), to the heads of the unit (role unit_head; a unit with no active head: its
    active officials, so no unit is left untold). It names the unit's role (chủ trì / phối hợp) and asks
    for the progress and the reason of the delay. Mandatory; the dispatcher joins one official's pushes
    into one message. Key: ``overdue:task 17:unit 204:2024-06-12:day 3:official 9``."""
    if not s.reminders.overdue_daily:
        return iter(())
    today, r = now.date(), s.reminders
    rows = await overdue_assignments(session, await current_plan_ids(session, today), today)
    told = []
    for row in rows:
        step = overdue_step((today - row[3]).days, r.overdue_days, r.overdue_repeat_days, s.schedule.catch_up_days)
        if step is not None:
            told.append((row, step))
    units = {row.unit_id for row, _ in told}
    people = await recipients(session, units, optional=False, roles=[Role.UNIT_HEAD])
    people |= await recipients(session, units - set(people), optional=False)
    snoozed = await waiting(session, now)  # asked to be told again later: not before then

    def generate() -> Iterator[Push]:
        for (task_id, number, content, due, unit_id, role, progress, _, _), step in told:
            ctx: dict[str, Any] = {"task": task_ctx(task_id, number, content, due), "role": str(role)}
            ctx |= {"progress": progress, "days_late": (today - due).days}
            key = f"overdue:task {task_id}:unit {unit_id}:{due.isoformat()}:day {step}"
            for official_id in people.get(unit_id, ()):
                if (task_id, unit_id, official_id) not in snoozed:
                    yield Push(OVERDUE, f"{key}:official {official_id}", official_id, ctx, now)

    return generate()


async def escalation_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """When an assignment has been overdue ``escalate_after_days`` days: to the heads of the unit's parent
    unit and to the secretariat (the admins of the province). Once per assignment and deadline; mandatory."""
    today = now.date()
    first = s.reminders.escalate_after_days
    due_dates = [today - timedelta(days=first + late) for late in range(s.schedule.catch_up_days + 1)]
    rows = await escalated_assignments(session, due_dates)
    if not rows:
        return iter(())
    heads = await recipients(
        session, {r.parent_id for r in rows if r.parent_id}, optional=False, roles=[Role.UNIT_HEAD]
    )
    admins = await officials_by_province(session, Role.ADMIN, optional=False)
    names = await unit_names(session, {r.unit_id for r in rows})

    def generate() -> Iterator[Push]:
        for task_id, number, content, due, unit_id, role, progress, parent_id, path in rows:
            ctx: dict[str, Any] = {"task": task_ctx(task_id, number, content, due), "unit": unit_ctx(names[unit_id])}
            ctx |= {"role": str(role), "progress": progress, "days_late": (today - due).days}
            key = f"escalation:task {task_id}:unit {unit_id}:{due.isoformat()}"
            told = dict.fromkeys([*heads.get(parent_id or 0, ()), *admins.get(root_of(path), ())])
            for official_id in told:
                yield Push(ESCALATION, f"{key}:official {official_id}", official_id, ctx, now, urgent=True)

    return generate()


def review_due(today: date, days_before: int, catch_up: int) -> tuple[int, date] | None:
    """(quarter, its last day) when today is the day to remind of that quarter's review (or up to
    ``catch_up`` days after it)."""
    for quarter in range(1, 5):
        ends = date(today.year, quarter * 3, calendar.monthrange(today.year, quarter * 3)[1])
        if 0 <= (today - (ends - timedelta(days=days_before))).days <= catch_up and today <= ends:
            return quarter, ends
    return None


async def quarterly_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """``quarterly_days_before`` days before a quarter ends (sơ kết quý): to every active official of each
    unit with open assignments in the current plans, asking for progress reports. Mandatory."""
    today = now.date()
    due = review_due(today, s.schedule.quarterly_days_before, s.schedule.catch_up_days)
    if due is None:
        return iter(())
    quarter, ends = due
    counts = await open_counts_by_unit(session, await current_plan_ids(session, today), today)
    people = await recipients(session, counts, optional=False)

    def generate() -> Iterator[Push]:
        for unit_id, c in counts.items():
            ctx = {"quarter": quarter, "year": ends.year, "review": ends.isoformat(), "open": c.open}
            ctx |= {"overdue": c.overdue}
            for official_id in people.get(unit_id, ()):
                key = f"quarterly:{ends.year}-Q{quarter}:unit {unit_id}:official {official_id}"
                yield Push(QUARTERLY, key, official_id, ctx, now)

    return generate()


JOBS: dict[str, tuple[Compute, ...]] = {
    "reminders": (leave.return_pushes, deadline_pushes, overdue_pushes, escalation_pushes),  # the catch-up first
    "digests": (digests.unit_digest_pushes,),
    "leader_digests": (digests.leader_digest_pushes,),
    "drives": (drives.drive_pushes,),
    "quarterly": (quarterly_pushes,),
    "index_news": (index_news.index_month_pushes,),
    "report_inputs": (report_inputs.report_input_pushes,),
}


async def due_pushes(
    session: AsyncSession, now: datetime, rules: PushRules, jobs: Iterable[str] | None = None
) -> Iterator[Push]:
    """The pushes due at ``now`` for the named jobs (every job when None), lazily; those to officials on
    leave re-routed or held (``jobs/leave.py``)."""
    now = now.astimezone(rules.bot.tz)  # the day of a deadline is the day in the province
    parts: list[Iterable[Push]] = []
    for name in JOBS if jobs is None else jobs:
        for compute in JOBS[name]:
            parts.append(await compute(session, now, rules))
    return await leave.reroute(session, now, rules, chain.from_iterable(parts))
