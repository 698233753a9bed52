"""A recurring task ("Định kỳ hằng tháng, trước ngày 8", "Hằng quý") is reminded before the due date of the
period each unit still owes. Progress below 100 % is progress within that period: the reminders for it go on.
A 100 % report closes the period, and the next period's reminders and overdue notices come as usual: the
task is not done for the rest of the year."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.due import deadline_pushes, overdue_pushes
from models import DEFAULT_TZ, Assignment, DeadlineKind, Plan, Task, Unit
from models.queries.tasks import record_progress
from models.settings import RemindersConfig
from tests import factories as f
from tests.jobs.conftest import NOW, SETTINGS, World


async def _recurring(
    session: AsyncSession, world: World, number: int, rule: str, text: str, final: date, first: date
) -> tuple[Task, list[Assignment]]:
    """A recurring task of the 2024 plan led by Minh Sơn with Yên Thịnh cooperating, both owing ``first``."""
    plan = (await session.execute(select(Plan).where(Plan.year == 2024))).scalars().first()
    ms = await session.get(Unit, world.units["MS"])
    yt = await session.get(Unit, world.units["YT"])
    assert plan is not None and ms is not None and yt is not None
    task = await f.task(session, plan, number, final, ms, cooperating=[yt], content="Báo cáo định kỳ")
    task.deadline_kind, task.deadline_text, task.recurrence = DeadlineKind.RECURRING, text, rule
    rows = list((await session.execute(select(Assignment).where(Assignment.task_id == task.id))).scalars())
    for assignment in rows:
        assignment.due_on = first
    await session.commit()
    return task, rows


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=DEFAULT_TZ)


async def _reminded(session: AsyncSession, now: datetime, number: int) -> dict[int, tuple[int, str]]:
    """Official id -> (the reminder's offset, the due date it reminds of) for task ``number``."""
    # a report just made holds the next reminder back (tests/jobs/test_no_nagging.py): not what is tested here
    rules = dataclasses.replace(SETTINGS, reminders=RemindersConfig(recent_report_days=0))
    pushes = [p for p in await deadline_pushes(session, now, rules) if p.context["task"]["number"] == number]
    return {p.official_id: (p.context["offset"], p.dedupe_key.split(":")[4]) for p in pushes}


async def test_a_recurring_task_is_reminded_for_the_period_each_unit_owes(session: AsyncSession, world: World) -> None:
    _, rows = await _recurring(
        session, world, 10, "monthly@8", "Trước ngày 8 hằng tháng", date(2024, 12, 8), date(2024, 6, 8)
    )
    reported = next(a for a in rows if a.unit_id == world.units["MS"])
    before = await _reminded(session, NOW, 10)

    await record_progress(session, reported, percent=50, note="Đang tổng hợp", by_id=None, now=NOW, today=NOW.date())
    await session.commit()
    half = await _reminded(session, NOW, 10)
    await record_progress(session, reported, percent=100, note="Tháng 6", by_id=None, now=NOW, today=NOW.date())
    await session.commit()
    after = await _reminded(session, NOW, 10)

    assert before[world.people["ms"]] == (7, "2024-06-08") and before[world.people["yt"]] == (7, "2024-06-08")
    assert half[world.people["ms"]] == (7, "2024-06-08")  # half of June's report is not June's report
    assert (reported.due_on, reported.progress, reported.completed_on) == (date(2024, 7, 8), 0, None)
    assert world.people["ms"] not in after  # June reported: July is a month away
    assert world.people["yt"] in after  # Yên Thịnh still owes June's
    july = await _reminded(session, _at(date(2024, 7, 1)), 10)
    assert july[world.people["ms"]] == (7, "2024-07-08")  # and July's reminder comes as usual


async def test_the_next_quarter_is_reminded_and_goes_overdue_after_a_quarter_was_reported_done(
    session: AsyncSession, world: World
) -> None:
    _, rows = await _recurring(session, world, 11, "quarterly@15", "Hằng quý", date(2024, 12, 15), date(2024, 3, 15))
    reported = next(a for a in rows if a.unit_id == world.units["MS"])
    march = _at(date(2024, 3, 10))
    await record_progress(session, reported, percent=100, note="Quý I", by_id=None, now=march, today=march.date())
    await session.commit()

    reminded = await _reminded(session, _at(date(2024, 6, 8)), 11)
    overdue = [await _overdue(session, _at(day), world.people["msh"]) for day in (date(2024, 6, 14), date(2024, 6, 16))]

    assert reminded[world.people["ms"]] == (7, "2024-06-15")  # the second quarter's report, a week ahead
    assert 11 not in overdue[0]  # the first quarter was reported
    assert overdue[1][11] == "2024-06-15"  # not reported by 15/06: the second quarter is one day overdue


async def _overdue(session: AsyncSession, now: datetime, official_id: int) -> dict[int, str]:
    """Task number -> the due date of the overdue notices to ``official_id`` (the head of Minh Sơn)."""
    pushes = await overdue_pushes(session, now, SETTINGS)
    return {p.context["task"]["number"]: p.context["task"]["due"] for p in pushes if p.official_id == official_id}
