"""A recurring task ("Định kỳ hằng tháng, trước ngày 8") is reminded before the due date of the period each
unit still owes, and once the unit reports, before the next period's, not this one's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.due import deadline_pushes
from models import Assignment, DeadlineKind, Plan, Unit
from models.queries.tasks import record_progress
from tests import factories as f
from tests.jobs.conftest import NOW, SETTINGS, World


async def test_a_recurring_task_is_reminded_for_the_period_each_unit_owes(session: AsyncSession, world: World) -> None:
    plan = (await session.execute(select(Plan).where(Plan.year == 2024))).scalars().first()
    assert plan is not None
    ms = await session.get(Unit, world.units["MS"])
    yt = await session.get(Unit, world.units["YT"])
    assert ms is not None and yt is not None
    task = await f.task(session, plan, 10, date(2024, 12, 8), ms, cooperating=[yt], content="Báo cáo tháng")
    task.deadline_kind, task.deadline_text, task.recurrence = (
        DeadlineKind.RECURRING,
        "Trước ngày 8 hằng tháng",
        "monthly@8",
    )
    rows = list((await session.execute(select(Assignment).where(Assignment.task_id == task.id))).scalars())
    for assignment in rows:
        assignment.due_on = date(2024, 6, 8)  # June's report is owed: due in 7 days
    await session.commit()

    before = [p for p in await deadline_pushes(session, NOW, SETTINGS) if p.context["task"]["number"] == 10]
    reported = next(a for a in rows if a.unit_id == ms.id)
    await record_progress(session, reported, percent=50, note="Tháng 6", by_id=None, now=NOW, today=NOW.date())
    await session.commit()
    after = [p for p in await deadline_pushes(session, NOW, SETTINGS) if p.context["task"]["number"] == 10]

    assert {p.context["offset"] for p in before} == {7}
    assert {p.official_id for p in before} >= {world.people["ms"], world.people["yt"]}
    assert reported.due_on == date(2024, 7, 8)
    assert world.people["ms"] not in {p.official_id for p in after}  # June reported: July is a month away
    assert world.people["yt"] in {p.official_id for p in after}  # Yên Thịnh still owes June's
