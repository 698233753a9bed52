"""The rows of the machine feed (``bot/dashboard/feed.py``), one province each: its current plan's
assignments with their status today, its units' published index results, its current drive's standings.
Plain dictionaries of plain values (dates, Decimals as they are stored): the feed writes them as JSON or
CSV without knowing the models."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.indices import IndexResult, ScoreIndex
from models.plans import Assignment, Task, assignment_due
from models.queries.drives import current_ranking
from models.queries.tasks import plan_for, status_case
from models.queries.units import unit_names
from models.tree import subtree_clause
from models.units import Unit

Row = dict[str, Any]
TASK_COLUMNS = (
    "plan_year",
    "task",
    "content",
    "field",
    "deadline",
    "due_date",
    "unit_code",
    "unit",
    "role",
    "progress",
    "completed_on",
    "status",
)
RESULT_COLUMNS = ("index", "unit_code", "unit", "year", "period", "period_number", "score", "rank", "rank_total")
DRIVE_COLUMNS = ("drive", "rank", "unit_code", "unit", "points", "gap_to_leader")


async def task_rows(session: AsyncSession, province: Unit, today: date, due_soon_days: int) -> list[Row]:
    """Every assignment of the province's current plan, in task order, with its status today."""
    plan = await plan_for(session, province)
    if plan is None:
        return []
    status = status_case(today, due_soon_days).label("status")
    rows = await session.execute(
        select(
            Task.number,
            Task.content,
            Task.field,
            Task.deadline_text,
            assignment_due,
            Unit.code,
            Unit.name,
            Assignment.role,
            Assignment.progress,
            Assignment.completed_on,
            status,
        )
        .join(Assignment, Assignment.task_id == Task.id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Task.plan_id == plan.id)
        .order_by(Task.number, Assignment.role, Unit.code)
    )
    return [dict(zip(TASK_COLUMNS, (plan.year, *row), strict=True)) for row in rows]


async def result_rows(session: AsyncSession, province: Unit) -> list[Row]:
    """Every published result of the province and its units, by index, unit and period."""
    rows = await session.execute(
        select(
            ScoreIndex.code,
            Unit.code,
            Unit.name,
            IndexResult.year,
            IndexResult.period,
            IndexResult.period_number,
            IndexResult.score,
            IndexResult.rank,
            IndexResult.rank_total,
        )
        .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
        .join(Unit, Unit.id == IndexResult.unit_id)
        .where(subtree_clause(province))
        .order_by(ScoreIndex.code, Unit.code, IndexResult.year, IndexResult.period, IndexResult.period_number)
    )
    return [dict(zip(RESULT_COLUMNS, row, strict=True)) for row in rows]


async def drive_rows(session: AsyncSession, province: Unit, today: date) -> list[Row]:
    """The standings of the drive the province runs now (or last ran), best first."""
    board = await current_ranking(session, province, today, organised=True)
    if board is None:
        return []
    names = await unit_names(session, {s.unit_id for s in board.standings})
    return [
        dict(
            zip(
                DRIVE_COLUMNS,
                (board.drive.code, s.rank, names[s.unit_id].code, names[s.unit_id].name, s.points, s.gap_to_leader),
                strict=True,
            )
        )
        for s in board.standings
    ]
