"""The leader's one-screen summary (/tomtat): the province's indices, the PAR INDEX fields that fell
most, the plan's reporting sentence, the units with most overdue assignments, the current drive's top
and bottom.

Every query is scoped to one province: its own results (``index_results.unit_id``), its plan's tasks
(``tasks.plan_id``) and their assignments (``assignments.task_id``), the drives organised in it. Nothing
scans another province's rows, so the time does not grow with the number of provinces stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import AssignmentRole, TaskStatus
from models.plans import Assignment, Plan, Task, assignment_due
from models.progress import Progress
from models.queries.drives import Ranking, current_ranking
from models.queries.scores import ComponentLine, ResultLine, component_lines, fell_most_components, latest_results
from models.queries.tasks import STATUS_SOON, STATUS_TODAY, plan_for, status_between, status_params
from models.queries.units import UnitName, unit_names
from models.rules import Standing, StatusCounts
from models.units import Unit

PAR = "PAR"


@dataclass(frozen=True)
class PlanReport:
    """The reporting sentence of one plan: its number of tasks and how many are in each status, each
    task counted once (``models.progress.Progress`` computes the rate)."""

    plan_id: int
    year: int
    tasks: int
    progress: Progress


@dataclass(frozen=True)
class UnitTally:
    unit_id: int
    count: int  # as lead unit (chủ trì)
    cooperating: int = 0  # as cooperating unit (phối hợp), counted apart


@dataclass(frozen=True)
class Summary:
    province_id: int
    indices: list[ResultLine]  # latest year of each index
    par: ResultLine | None  # the latest PAR INDEX result, whose fields ``fell`` lists
    fell: list[ComponentLine]
    plan: PlanReport | None
    overdue_units: list[UnitTally]
    board: Ranking | None
    top: list[Standing]
    bottom: list[Standing]
    names: dict[int, UnitName]


OVERDUE_UNITS = 5  # units listed as having most overdue assignments


# Written into the SQL, not bound: PostgreSQL then knows, in the generic plan it keeps for a prepared statement
# after five runs, that one assignment in ~100 is a lead; with a bound role it guessed half, and chose a
# parallel plan that took twice as long (~20 ms instead of ~8 for the province page's plan numbers;
# bench/README.md, "The dashboard's pages").
_LEAD = literal_column(f"'{AssignmentRole.LEAD.value}'", String)


def lead_statuses() -> Any:
    """(field, status) of each TASK of the plan, once, by its lead units' status. A task a group leads
    ("UBND các xã, phường") is done when every lead unit is done (the last one's day), overdue when one
    of them is."""
    leads = (
        select(
            Task.id,
            Task.field,
            func.min(Assignment.progress).label("progress"),
            func.max(Assignment.completed_on).label("completed_on"),
            func.min(assignment_due).label("due"),
        )
        .select_from(Task)
        .outerjoin(Assignment, and_(Assignment.task_id == Task.id, Assignment.role == _LEAD))
        .where(Task.plan_id == bindparam("plan_id"))
        .group_by(Task.id, Task.field)
        .subquery()
    )
    status = status_between(STATUS_TODAY, STATUS_SOON, leads.c.progress, leads.c.completed_on, leads.c.due)
    return select(leads.c.field, status.label("status")).select_from(leads).subquery()


def _by_task() -> Select[tuple[str, str, int, int, int]]:
    """("status", status, NULL, tasks, NULL): each TASK once, by its lead units' status."""
    statuses = lead_statuses()
    return select(
        literal_column("'status'").label("kind"),
        statuses.c.status,
        cast(null(), Integer).label("unit_id"),
        func.count().label("n"),
        cast(null(), Integer).label("cooperating"),
    ).group_by(statuses.c.status)


_statuses_by_field = lead_statuses()
_BY_FIELD = select(_statuses_by_field.c.field, _statuses_by_field.c.status, func.count()).group_by(
    _statuses_by_field.c.field, _statuses_by_field.c.status
)


async def plan_by_field(
    session: AsyncSession, plan_id: int, today: date, due_soon_days: int
) -> dict[int, StatusCounts]:
    """The plan's tasks by field (1–8; 0 for a task with no field), each TASK once by its lead units'
    status, as the reporting sentence counts them."""
    params = {"plan_id": plan_id, **status_params(today, due_soon_days)}
    tally: dict[int, dict[str, int]] = {}
    for field, status, n in await session.execute(_BY_FIELD, params):
        tally.setdefault(int(field or 0), {})[TaskStatus(status).value] = int(n)
    return {field: StatusCounts(**counts) for field, counts in sorted(tally.items())}


def _overdue() -> Select[tuple[str, str, int, int, int]]:
    """("unit", NULL, unit id, overdue as lead, overdue as cooperating) for the ``OVERDUE_UNITS`` units
    with most: lead first, cooperating breaking ties (Sở Nội vụ leading 11 and cooperating on 9 is 11)."""
    lead = func.sum(case((Assignment.role == AssignmentRole.LEAD, 1), else_=0)).label("n")
    cooperating = func.sum(case((Assignment.role == AssignmentRole.COOPERATE, 1), else_=0)).label("cooperating")
    top = (
        select(Assignment.unit_id, lead, cooperating)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == bindparam("plan_id"), Assignment.progress < 100, assignment_due < STATUS_TODAY)
        .group_by(Assignment.unit_id)
        .order_by(lead.desc(), cooperating.desc(), Assignment.unit_id)
        .limit(OVERDUE_UNITS)
        .subquery()
    )
    return select(literal_column("'unit'"), cast(null(), String), top.c.unit_id, top.c.n, top.c.cooperating)


# Both in one round trip, built once (building and keying a statement this size costs about a millisecond).
_PLAN_NUMBERS = union_all(_by_task(), _overdue())
_PLAN_PROGRESS = _by_task()  # the sentence alone (/nhiemvu tatca)


async def plan_progress(session: AsyncSession, plan: Plan, today: date, due_soon_days: int) -> PlanReport:
    """The plan's reporting sentence alone, each TASK once (as ``plan_numbers``)."""
    params = {"plan_id": plan.id, **status_params(today, due_soon_days)}
    rows: list[Any] = list(await session.execute(_PLAN_PROGRESS, params))
    tally = {TaskStatus(status).value: int(n) for _, status, _, n, _ in rows}
    counts = StatusCounts(**tally)
    return PlanReport(plan.id, plan.year, counts.total, Progress.from_counts(counts))


async def plan_numbers(
    session: AsyncSession, plan: Plan, today: date, due_soon_days: int
) -> tuple[PlanReport, list[UnitTally]]:
    """The plan's reporting sentence, counting each TASK once by the status of its lead assignment
    (``rules.task_status``; a task with no lead unit counts as not done), and the ``OVERDUE_UNITS``
    units with most overdue assignments (not done, deadline passed), as lead and as cooperating apart."""
    tally: dict[str, int] = {}
    units: list[UnitTally] = []
    params = {"plan_id": plan.id, **status_params(today, due_soon_days)}
    rows: list[Any] = list(await session.execute(_PLAN_NUMBERS, params))
    for kind, status, unit_id, n, cooperating in rows:
        if kind == "status":
            tally[TaskStatus(status).value] = int(n)
        else:
            units.append(UnitTally(int(unit_id), int(n), int(cooperating)))
    counts = StatusCounts(**tally)
    units.sort(key=lambda u: (-u.count, -u.cooperating, u.unit_id))
    return PlanReport(plan.id, plan.year, counts.total, Progress.from_counts(counts)), units


@dataclass(frozen=True)
class Outlook:
    """What a province's one screen shows besides its plan: the latest result of each index, the PAR
    INDEX fields that fell most, the current drive's standings with its top and bottom."""

    indices: list[ResultLine]
    par: ResultLine | None
    fell: list[ComponentLine]
    board: Ranking | None
    top: list[Standing]
    bottom: list[Standing]


async def province_outlook(session: AsyncSession, province: Unit, today: date, *, podium: int = 3) -> Outlook:
    """The indices, the fields that fell and the drive of ``province`` (``leader_summary`` without the plan;
    the dashboard counts its plan with the heat map, ``models.queries.plan_board``)."""
    indices = await latest_results(session, province.id)
    par = next((line for line in indices if line.index.code == PAR), None)
    fell = fell_most_components(await component_lines(session, par.result_id, par.previous_result_id)) if par else []
    board = await current_ranking(session, province, today, organised=True)
    standings = board.standings if board else []
    top = standings[:podium]
    bottom = standings[max(podium, len(standings) - podium) :]
    return Outlook(indices, par, fell, board, top, bottom)


async def leader_summary(
    session: AsyncSession,
    province: Unit,
    today: date,
    *,
    plan_year: int | None = None,
    due_soon_days: int = 30,
    podium: int = 3,
) -> Summary | None:
    """Everything /tomtat shows for ``province``; None when ``plan_year`` was asked and has no plan."""
    plan = await plan_for(session, province, plan_year)
    if plan is None and plan_year is not None:
        return None
    seen = await province_outlook(session, province, today, podium=podium)
    report, overdue = await plan_numbers(session, plan, today, due_soon_days) if plan else (None, [])
    ids = {province.id, *(u.unit_id for u in overdue), *(s.unit_id for s in seen.top + seen.bottom)}
    names = await unit_names(session, ids)
    return Summary(
        province.id, seen.indices, seen.par, seen.fell, report, overdue, seen.board, seen.top, seen.bottom, names
    )
