"""/tomtat for an official who is not a provincial leader: the same one screen, scoped to their own unit
and the units below it — the unit's scores (the province's when it has none of its own), the reporting
sentence of its assignments in the current plan, its units with most overdue assignments, and its place
in the current drive.

Unlike the province-wide sentence, which counts each task once by its lead unit, a unit's sentence counts
its ASSIGNMENTS (lead and cooperating): that is what the unit answers for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import TaskStatus
from models.plans import Assignment, Plan, Task
from models.progress import Progress
from models.queries.drives import Ranking, current_ranking
from models.queries.scores import ResultLine, latest_results, province_of
from models.queries.tasks import plan_for, status_case
from models.queries.units import UnitName, unit_names
from models.rules import Standing, StatusCounts
from models.tree import subtree_ids
from models.units import Unit


@dataclass(frozen=True)
class UnitSummary:
    unit_id: int
    units_below: int  # how many units lie below this one (0 for a commune)
    results_unit_id: int  # whose scores are shown: the unit's own, else its province's
    indices: list[ResultLine]
    plan: Plan | None
    counts: Progress  # the assignments of the unit and of the units below it
    overdue_units: list[tuple[int, int]]  # (unit id, overdue assignments) of the units below, never the unit itself
    board: Ranking | None
    standing: Standing | None
    leader: Standing | None
    names: dict[int, UnitName]


async def unit_summary(
    session: AsyncSession, unit: Unit, today: date, *, plan_year: int | None = None, due_soon_days: int = 30
) -> UnitSummary | None:
    """Everything /tomtat shows to a unit; None when ``plan_year`` was asked and has no plan."""
    plan = await plan_for(session, unit, plan_year)
    if plan is None and plan_year is not None:
        return None
    indices = await latest_results(session, unit.id)
    results_unit = unit
    if not indices:
        results_unit = await province_of(session, unit)
        indices = await latest_results(session, results_unit.id)
    ids = await subtree_ids(session, unit)
    counts, overdue = Progress(), []
    if plan is not None:
        status = status_case(today, due_soon_days).label("status")
        rows = await session.execute(
            select(Assignment.unit_id, status, func.count())
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan.id, Assignment.unit_id.in_(ids))
            .group_by(Assignment.unit_id, status)
        )
        tally = dict.fromkeys(TaskStatus, 0)
        late: dict[int, int] = {}
        for unit_id, state, n in rows:
            tally[TaskStatus(state)] += n
            if state == TaskStatus.OVERDUE.value:
                late[unit_id] = late.get(unit_id, 0) + n
        counts = Progress.from_counts(StatusCounts(**{s.value: n for s, n in tally.items()}))
        below = [(unit_id, n) for unit_id, n in late.items() if unit_id != unit.id]  # its own are in its sentence
        overdue = sorted(below, key=lambda kv: (-kv[1], kv[0]))[:5]
    board = await current_ranking(session, unit, today)
    standing = board.standing_of(unit.id) if board else None
    leader = board.standings[0] if board and board.standings else None
    wanted = {unit.id, results_unit.id, *(u for u, _ in overdue)}
    wanted |= {s.unit_id for s in (standing, leader) if s is not None}
    names = await unit_names(session, wanted)
    return UnitSummary(
        unit.id, len(ids) - 1, results_unit.id, indices, plan, counts, overdue, board, standing, leader, names
    )
