"""The slip risk from the database (models/queries/risk.py) on both databases, 02/12/2026: the last report
and its self-assessment, the pace since work began, and the reminders sent since the last report read
from the outbox (each reminder once, whoever got it; those before the report do not count)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, OutboxMessage, Role, UnitKind
from models.enums import SelfAssessment
from models.plans import Assignment
from models.queries.risk import assess_report, at_risk
from models.queries.tasks import record_progress
from tests import factories as f

TODAY = date(2026, 12, 2)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=DEFAULT_TZ)


async def test_reminders_since_the_last_report_and_the_units_word_make_the_risk(session: AsyncSession) -> None:
    province = await f.unit(session, "P", UnitKind.PROVINCE, name="Tỉnh P")
    commune = await f.unit(session, "A", UnitKind.COMMUNE, province, name="Xã A")
    chair = await f.official(session, commune, Role.UNIT_HEAD)
    clerk = await f.official(session, commune, Role.OFFICER)
    plan = await f.plan(session, 2026)
    task = await f.task(session, plan, 4, TODAY + timedelta(days=10), commune)
    assignment = await session.get(Assignment, 1)
    assert assignment is not None and assignment.task_id == task.id
    for day, percent in ((date(2026, 9, 1), 40), (date(2026, 11, 20), 90)):  # 50 points in 80 days: on pace
        report = await record_progress(
            session, assignment, percent=percent, note="", by_id=chair.id, now=at(day), today=day
        )
    await session.flush()
    assert await at_risk(session, [plan.id], TODAY, (0, 14)) == []

    keys = [  # one reminder before the report, two after it: each sent to both officials
        (f"deadline:task {task.id}:unit {commune.id}:T-30:2026-12-12", date(2026, 11, 12)),
        (f"deadline:task {task.id}:unit {commune.id}:T-14:2026-12-12", date(2026, 11, 28)),
        (f"overdue:task {task.id}:unit {commune.id}:2026-11-01:day 1", date(2026, 11, 30)),
    ]
    rows = [
        {"dedupe_key": f"{key}:official {who}", "kind": key.split(":")[0], "official_id": who, "channel": "",
         "chat_id": "", "template": "push/deadline", "context": {}, "status": "sent", "urgent": False,
         "attempts": 1, "not_before": at(day), "last_error": "", "created_at": at(day), "sent_at": at(day)}
        for key, day in keys
        for who in (chair.id, clerk.id)
    ]  # fmt: skip
    await session.execute(insert(OutboxMessage), rows)
    (line,) = await at_risk(session, [plan.id], TODAY, (0, 14))
    assert [(r.code, r.numbers) for r in line.risk.reasons] == [("ignored", {"count": 2})]

    assert await assess_report(session, report.id, commune.id + 1, SelfAssessment.LATE) is None  # not theirs
    assert await assess_report(session, report.id, commune.id, SelfAssessment.LATE) is not None
    (line,) = await at_risk(session, [plan.id], TODAY, (0, 14))
    assert [r.code for r in line.risk.reasons] == ["ignored", "self"] and line.risk.points == 4
    assert await at_risk(session, [plan.id], TODAY, (11, 14)) == []  # outside the window looked at
