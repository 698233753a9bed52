"""No nagging: a unit that has just reported progress on a task gets no T-x reminder of it (the one on
the day still comes), and an official gets at most one non-urgent message a day — what comes due after it
waits for the next working morning and goes out merged into that day's message; a deadline today, an
overdue notice and an escalation go at once."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.dispatcher import Dispatcher
from jobs.due import deadline_pushes
from jobs.kinds import PushRules
from models import DEFAULT_TZ, Assignment, FrozenClock, OutboxMessage, Role, UnitKind
from models.calendar import WorkCalendar
from models.queries.tasks import record_progress
from models.quiet import QuietHours
from models.settings import DispatchConfig, RemindersConfig, ScheduleConfig
from tests import factories as f
from tests.jobs.support import T0, Recorder, people, queue, row

RULES = PushRules(schedule=ScheduleConfig(catch_up_days=0))
MONDAY = datetime(2027, 3, 1, 8, 0, tzinfo=DEFAULT_TZ)


async def reported(session: AsyncSession, days_ago: int, rules: PushRules = RULES) -> list[tuple[int, int]]:
    """Task 1 due in 3 days and task 2 due today for one commune, which reported on both ``days_ago``
    days ago; (task number, offset) of the reminders due this Monday."""
    unit = await f.unit(session, "TS", UnitKind.COMMUNE, await f.unit(session, "LS", UnitKind.PROVINCE))
    head = await f.official(session, unit, Role.UNIT_HEAD)
    plan = await f.plan(session, 2027)
    for number, due in ((1, date(2027, 3, 4)), (2, date(2027, 3, 1))):
        task = await f.task(session, plan, number, due, unit)
        assignment = (await session.execute(select(Assignment).where(Assignment.task_id == task.id))).scalar_one()
        at = MONDAY - timedelta(days=days_ago)
        await record_progress(session, assignment, percent=40, note="Đang làm", by_id=head.id, now=at, today=at.date())
    pushes = await deadline_pushes(session, MONDAY, rules)
    return sorted((p.context["task"]["number"], p.context["offset"]) for p in pushes)


async def test_a_unit_that_reported_two_days_ago_gets_only_the_reminder_of_the_day(session: AsyncSession) -> None:
    assert await reported(session, 2) == [(2, 0)]


async def test_a_report_older_than_recent_report_days_does_not_hold_reminders_back(session: AsyncSession) -> None:
    assert await reported(session, 4) == [(1, 3), (2, 0)]


async def test_recent_report_days_zero_always_reminds(session: AsyncSession) -> None:
    always = dataclasses.replace(RULES, reminders=RemindersConfig(recent_report_days=0))
    assert await reported(session, 1, always) == [(1, 3), (2, 0)]


def capped(sessions: async_sessionmaker[AsyncSession], sender: Recorder, at: datetime) -> Dispatcher:
    quiet = QuietHours(time(21), time(7), False, DEFAULT_TZ, WorkCalendar())
    return Dispatcher(
        sessions, sender, clock=FrozenClock(at=at), dispatch=DispatchConfig(), quiet=quiet, one_message_a_day=True,
        morning=time(8),  # the reminders job's time: what was held goes with the next morning's reminders
    )  # fmt: skip


async def test_one_non_urgent_message_a_day_the_rest_merged_into_the_next_mornings(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    await queue(session, [a], tag="morning")
    afternoon = T0 + timedelta(hours=5)  # Monday 14:00
    await queue(session, [a], tag="index", at=afternoon)
    await queue(session, [a], tag="drive", at=afternoon)
    await queue(session, [a], tag="today", at=afternoon, urgent=True)  # a deadline today
    await session.execute(
        insert(OutboxMessage),
        [{"dedupe_key": f"overdue:x:{a}", "kind": "overdue", "official_id": a, "template": "push/note",
          "context": {"n": 1}, "status": "pending", "urgent": False, "attempts": 0, "not_before": afternoon,
          "created_at": afternoon}],
    )  # fmt: skip
    await session.commit()
    sender = Recorder()
    await capped(sessions, sender, T0).drain_all()
    assert [len(out.items) for out in sender.sent] == [1]
    done = await capped(sessions, sender, afternoon).drain_all()
    # the deadline of the day and the overdue notice go now; the index news and the drive wait
    assert [len(out.items) for out in sender.sent] == [1, 2] and done.deferred == 2
    tomorrow = datetime(2024, 6, 4, 8, 0, tzinfo=DEFAULT_TZ)
    assert (await row(sessions, f"note:index:{a}")).not_before == tomorrow
    await capped(sessions, sender, tomorrow).drain_all()
    assert [len(out.items) for out in sender.sent] == [1, 2, 2]  # both, in one message
    assert (await row(sessions, f"note:drive:{a}")).status == "sent"


def test_held_pushes_wait_over_tet_for_the_first_working_morning() -> None:
    quiet = QuietHours(time(21), time(7), False, DEFAULT_TZ, WorkCalendar())
    assert quiet.morning_after(date(2027, 2, 3), time(8)) == datetime(2027, 2, 11, 8, 0, tzinfo=DEFAULT_TZ)
    assert quiet.morning_after(date(2027, 2, 11), time(8)) == datetime(2027, 2, 12, 8, 0, tzinfo=DEFAULT_TZ)


async def test_while_the_morning_jobs_queue_nothing_goes_then_one_message(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    eight = datetime(2024, 6, 3, 8, 0, tzinfo=DEFAULT_TZ)
    await queue(session, [a], tag="digest", at=datetime(2024, 6, 3, 7, 30, tzinfo=DEFAULT_TZ))
    await queue(session, [a], tag="today", at=eight, urgent=True)  # a deadline today, queued at 08:00
    await queue(session, [a], tag="soon", at=eight)
    await session.commit()
    slot = QuietHours(time(21), time(8, 5), False, DEFAULT_TZ, WorkCalendar(), settle=time(8))  # day_slot's
    sender = Recorder()

    def at(moment: datetime) -> Dispatcher:
        return Dispatcher(sessions, sender, clock=FrozenClock(at=moment), quiet=slot, one_message_a_day=True)

    assert (await at(eight + timedelta(minutes=2)).drain_all()).claimed == 0  # urgent or not, all wait
    await at(eight + timedelta(minutes=5)).drain_all()
    assert [len(out.items) for out in sender.sent] == [3]
