"""The weekly digests: to each unit head (job ``digests``, at the start of the week), the reporting
sentence of the unit's tasks and what is due next; to the province's leaders (job ``leader_digests``, at the
end of the week), the plan's reporting sentence, what moved this week, the units with most overdue
assignments and, when a month of the 766 index is new since the previous digest, its movers. Both name the
open tasks due 7–14 days ahead that the slip-risk rule flags, with why (``models/risk.py``): each task in
one week's digest, while there is still time. Both optional (officials who turned pushes off do not get
them); once per ISO week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.index_news import movers_ctx
from jobs.kinds import DIGEST_LEADER, DIGEST_UNIT, LISTED_TASKS, PushRules, iso, task_ctx, unit_ctx
from jobs.outbox import Push
from models.enums import Role
from models.plans import Plan
from models.progress import Progress
from models.queries.due import (
    WeekChanges,
    current_plan_ids,
    due_within,
    first_open_tasks,
    officials_by_province,
    open_counts_by_unit,
    recipients,
    week_changes,
)
from models.queries.risk import RiskLine, at_risk
from models.queries.summary import UnitTally, plan_numbers
from models.queries.tasks import counts_by_unit, plan_for
from models.queries.units import UnitName, unit_names
from models.risk import DIGEST_FROM, WINDOW
from models.rules import StatusCounts
from models.units import Unit


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def unit_digest_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """To each active unit head of a unit with open assignments in the current plans: the reporting
    sentence of its tasks there (``models.progress``, as /nhiemvu says it), and the next few due within the
    reporting window (``due_soon_days``)."""
    today = now.date()
    plans = await current_plan_ids(session, today)
    counts = await open_counts_by_unit(session, plans, today)
    statuses: dict[int, StatusCounts] = {}
    for plan_id in plans:  # one GROUP BY a plan; a unit has assignments in its own province's plan only
        for unit_id, tally in (await counts_by_unit(session, plan_id, today, s.bot.due_soon_days)).items():
            statuses[unit_id] = statuses.get(unit_id, StatusCounts()) + tally
    heads = await recipients(session, counts, optional=True, roles=[Role.UNIT_HEAD])
    upcoming = await first_open_tasks(session, plans, due_within(today, s.bot.due_soon_days), LISTED_TASKS)
    risks: dict[int, list[RiskLine]] = {}
    for line in await at_risk(session, plans, today, (DIGEST_FROM, WINDOW), records=statuses):
        risks.setdefault(line.unit_id, []).append(line)
    week = week_of(today)

    def generate() -> Iterator[Push]:
        for unit_id, officials in heads.items():
            c = counts[unit_id]
            nxt = upcoming.get(unit_id)
            ctx = {"week": week, "open": c.open, "overdue": c.overdue, "today": today.isoformat()}
            ctx["progress"] = progress_ctx(Progress.from_counts(statuses.get(unit_id, StatusCounts())))
            ctx |= {"next": [task_ctx(*t) for t in nxt.tasks] if nxt else [], "next_count": nxt.count if nxt else 0}
            ctx["window"] = s.bot.due_soon_days
            ctx |= risks_ctx(risks.get(unit_id, []), {})
            for official_id in officials:
                key = f"digest:unit {unit_id}:{week}:official {official_id}"
                yield Push(DIGEST_UNIT, key, official_id, ctx, now)

    return generate()


def risks_ctx(lines: list[RiskLine], names: dict[int, UnitName]) -> dict[str, Any]:
    """The first few tasks at risk as a push's context (with their unit when ``names`` has it), and how many
    there are; said by ``templates/tasks/_risk.j2``."""
    listed = []
    for line in lines[:LISTED_TASKS]:
        item: dict[str, Any] = {"task": task_ctx(line.task_id, line.number, line.content, line.due)}
        item["reasons"] = [{"code": r.code, "numbers": dict(r.numbers)} for r in line.risk.reasons]
        if line.unit_id in names:
            item["unit"] = unit_ctx(names[line.unit_id])
        listed.append(item)
    return {"risks": listed, "risk_count": len(lines), "risk_days": [DIGEST_FROM, WINDOW]}


def progress_ctx(p: Progress) -> dict[str, Any]:
    """A reporting sentence's numbers as a push's (JSON) context: what ``macros/progress.j2`` reads."""
    return {
        "done_on_time": p.done_on_time,
        "done_late": p.done_late,
        "in_time": p.in_time,
        "overdue": p.overdue,
        "not_yet_due": p.not_yet_due,
        "done": p.done,
        "not_done": p.not_done,
        "came_due": p.came_due,
        "total": p.total,
        "rate": str(p.rate) if p.rate is not None else None,
    }


async def _province_ctx(
    session: AsyncSession,
    root: Unit,
    plan: Plan | None,
    moved: WeekChanges | None,
    today: date,
    s: PushRules,
    risky: list[RiskLine],
) -> dict[str, Any]:
    ctx: dict[str, Any] = {"week": week_of(today), "today": today.isoformat(), "plan": None, "overdue_units": []}
    overdue: list[UnitTally] = []
    if plan is not None:
        report, overdue = await plan_numbers(session, plan, today, s.bot.due_soon_days)
        ctx["plan"] = {"year": plan.year, "tasks": report.tasks, "progress": progress_ctx(report.progress)}
        moved = moved or WeekChanges(0, 0, 0)
        ctx["moved"] = {"since": iso(today - timedelta(days=7)), "completed": moved.completed}
        ctx["moved"] |= {"newly_overdue": moved.newly_overdue, "reports": moved.reports}
    names = await unit_names(
        session, {root.id, *(u.unit_id for u in overdue), *(r.unit_id for r in risky[:LISTED_TASKS])}
    )
    ctx |= risks_ctx(risky, names)
    ctx["overdue_units"] = [
        {"unit": unit_ctx(names[u.unit_id]), "count": u.count, "cooperating": u.cooperating} for u in overdue
    ]
    ctx["province"] = unit_ctx(names[root.id])
    return ctx


async def leader_digest_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """To each active provincial leader: the province's reporting sentence, the week's changes and the
    units with most overdue assignments (a few queries per province that has leaders)."""
    today = now.date()
    leaders = await officials_by_province(session, Role.LEADER, optional=True)
    provinces = [(root, await plan_for(session, root)) for root in await _units(session, sorted(leaders))]
    plan_ids = [plan.id for _, plan in provinces if plan is not None]
    moved = await week_changes(session, plan_ids, today - timedelta(days=7), today, now - timedelta(days=7))
    risks: dict[int, list[RiskLine]] = {}  # plan id -> its tasks at risk (one look for all the provinces)
    for line in await at_risk(session, plan_ids, today, (DIGEST_FROM, WINDOW), lead_only=True):  # tasks, once
        risks.setdefault(line.plan_id, []).append(line)
    week = week_of(today)
    pushes: list[Push] = []  # a few per province: no need to be lazy
    for root, plan in provinces:
        risky = risks.get(plan.id, []) if plan else []
        ctx = await _province_ctx(session, root, plan, moved.get(plan.id) if plan else None, today, s, risky)
        ctx |= await movers_ctx(session, root, today, week)
        for official_id in leaders[root.id]:
            key = f"digest:province {root.id}:{week}:official {official_id}"
            pushes.append(Push(DIGEST_LEADER, key, official_id, ctx, now))
    return iter(pushes)


async def _units(session: AsyncSession, ids: list[int]) -> list[Unit]:
    found = {u.id: u for u in (await session.execute(select(Unit).where(Unit.id.in_(ids)))).scalars()}
    return [found[i] for i in ids if i in found]
