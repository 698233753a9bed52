"""The province page's plan numbers in one round trip (issue 19 point 5): the reporting sentence, the table
by field and the heat map by unit.

The sentence and the table by field count each TASK once by its lead units' status (``summary.lead_statuses``,
as /tomtat counts them): the sentence is the sum of the table's rows, so it is not asked again. The heat map
counts ASSIGNMENTS ("lượt", lead and cooperating together) per unit of the province, grouped by the database
(``tasks.status_between``, the rule of ``models.rules.task_status``): a few hundred rows (unit × status)
come back, never the plan's ~12,000 assignments. Both are one ``UNION ALL`` built once, so the page reads
the plan's assignments once for the units and once more only for the ~120 lead assignments.

Before this, the page asked ``leader_summary`` (the sentence, plus /tomtat's overdue units it does not
show), ``counts_by_unit`` and ``plan_by_field`` apart: three reads of the plan, one of them over every
assignment twice (bench/README.md, "The dashboard's pages").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models.plans import Assignment, Plan, Task
from models.progress import Progress
from models.queries.summary import PlanReport, lead_statuses
from models.queries.tasks import STATUS_SOON, STATUS_TODAY, status_between, status_params
from models.rules import StatusCounts
from models.units import Unit


@dataclass(frozen=True)
class PlanBoard:
    report: PlanReport  # the reporting sentence: each task once
    by_field: dict[int, StatusCounts]  # tasks by field (1–8; 0: none), in field order
    by_unit: dict[int, StatusCounts]  # assignments by unit of the province (lead and cooperating)


def _statement() -> Any:
    leads = lead_statuses()
    by_field = select(
        literal_column("'field'").label("kind"), leads.c.field.label("key"), leads.c.status, func.count().label("n")
    ).group_by(leads.c.field, leads.c.status)
    each = (
        select(Assignment.unit_id, status_between(STATUS_TODAY, STATUS_SOON).label("status"))
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == bindparam("plan_id"))
        .subquery()
    )
    # grouped first, then joined to the units: the province's bounds are checked on ~121 rows, not ~12,000
    per_unit = (
        select(each.c.unit_id, each.c.status, func.count().label("n"))
        .group_by(each.c.unit_id, each.c.status)
        .subquery()
    )
    by_unit = (
        select(literal_column("'unit'"), per_unit.c.unit_id, per_unit.c.status, per_unit.c.n)
        .join(Unit, Unit.id == per_unit.c.unit_id)
        .where(Unit.path >= bindparam("lo"), Unit.path < bindparam("hi"))
    )
    return union_all(by_field, by_unit)


_PLAN_BOARD = _statement()  # built once: compiling and keying a statement this size costs about a millisecond


async def plan_board(session: AsyncSession, plan: Plan, province: Unit, today: date, due_soon_days: int) -> PlanBoard:
    """``plan``'s reporting sentence, its tasks by field and the assignments of each unit of ``province``
    (its subtree: a province never lists another's units) by status on ``today``."""
    params = {"plan_id": plan.id, "lo": province.path, "hi": province.path[:-1] + "0"}
    fields: dict[int, dict[str, int]] = {}
    units: dict[int, dict[str, int]] = {}
    for kind, key, status, n in await session.execute(_PLAN_BOARD, {**params, **status_params(today, due_soon_days)}):
        tally = fields if kind == "field" else units
        tally.setdefault(int(key or 0), {})[status] = int(n)  # a TaskStatus value: StatusCounts refuses another
    by_field = {field: StatusCounts(**counts) for field, counts in sorted(fields.items())}
    total = sum(by_field.values(), StatusCounts())
    report = PlanReport(plan.id, plan.year, total.total, Progress.from_counts(total))
    return PlanBoard(report, by_field, {unit_id: StatusCounts(**counts) for unit_id, counts in units.items()})
