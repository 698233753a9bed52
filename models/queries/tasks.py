"""Questions about plans, tasks and assignments (for /nhiemvu and /capnhat), and recording progress.

Every function here touches a handful of rows through an index: one unit's assignments in one plan
(``assignments.unit_id``), one task's assignments (``assignments.task_id``), one plan's tasks
(``tasks.plan_id``). Status comes from ``models.rules.task_status``; the per-unit counts of a whole
plan are computed by the database with the same rule (``status_case``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Date, and_, bindparam, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import AssignmentRole, TaskStatus
from models.plans import Assignment, Plan, ProgressReport, Task, assignment_due
from models.queries.accounts import audit
from models.queries.periods import owed_period
from models.rules import Recurrence, StatusCounts, days_left, task_status
from models.units import Official, Unit

LINK = re.compile(r"https?://\S+", re.IGNORECASE)


class TaskLine(NamedTuple):
    """One task as one unit sees it: the task and that unit's assignment, with its status today. (A
    tuple: a unit's list makes a hundred of these per message.)"""

    task_id: int
    number: int
    content: str
    field: int | None
    deadline_text: str
    due_date: date
    assignment_id: int
    unit_id: int
    role: AssignmentRole
    progress: int
    completed_on: date | None
    status: TaskStatus
    days_left: int  # negative when overdue
    via_group: str | None = None  # the group the plan named the unit in (models/groups.py)

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)

    @property
    def done(self) -> bool:
        return self.status in (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)


@dataclass(frozen=True)
class ReportLine:
    id: int
    assignment_id: int
    unit_id: int
    percent: int
    note: str
    evidence: str
    evidence_kind: str
    evidence_channel: str  # the channel whose file id ``evidence`` is, for a photo or a document
    reported_by: str
    reported_at: datetime


@dataclass(frozen=True)
class TaskDetail:
    plan: Plan
    task: Task
    lines: list[tuple[TaskLine, str]]  # every assignment of the task with its unit's path, lead first


def _root_id(unit: Unit) -> int:
    return int(unit.path.strip("/").split("/")[0])


def _plans(year: bool) -> Any:
    """The latest plan issued in a province's tree (``lo`` <= issuer's path < ``hi``, see
    ``tree.subtree_clause``); with ``year``, of that year. A plan issued by no unit is nobody's (see
    models/scope.py). Built once for each."""
    issuer_path = select(Unit.path).where(Unit.id == Plan.issuing_unit_id).scalar_subquery()  # a primary-key look-up
    in_tree = and_(issuer_path >= bindparam("lo"), issuer_path < bindparam("hi"))
    stmt = select(Plan).where(Plan.issuing_unit_id.is_not(None), in_tree)
    if year:
        stmt = stmt.where(Plan.year == bindparam("year"))
    return stmt.order_by(Plan.year.desc(), Plan.id.desc()).limit(1)


_PLAN, _PLAN_OF_YEAR = _plans(False), _plans(True)


async def plan_for(session: AsyncSession, unit: Unit, year: int | None = None) -> Plan | None:
    """The latest plan (or the plan of ``year``) issued in ``unit``'s tree."""
    root = f"/{_root_id(unit)}/"
    params: dict[str, Any] = {"lo": root, "hi": root[:-1] + "0"}
    if year is None:
        return (await session.execute(_PLAN, params)).scalar_one_or_none()
    return (await session.execute(_PLAN_OF_YEAR, {**params, "year": year})).scalar_one_or_none()


_LINE = (
    Task.id,
    Task.number,
    Task.content,
    Task.field,
    Task.deadline_text,
    assignment_due,
    Assignment.id,
    Assignment.unit_id,
    Assignment.role,
    Assignment.progress,
    Assignment.completed_on,
    Assignment.via_group,
)


def _line(row: Sequence[Any], today: date, due_soon_days: int) -> TaskLine:
    """A TaskLine from a row that starts with the ``_LINE`` columns (plain columns: no ORM objects to build)."""
    task_id, number, content, field, deadline_text, due, assignment_id, unit_id, role, progress, completed_on = row[:11]
    via_group = row[11]
    return TaskLine(
        task_id,
        number,
        content,
        field,
        deadline_text,
        due,
        assignment_id,
        unit_id,
        role if type(role) is AssignmentRole else AssignmentRole(role),  # the column's type gives the member
        progress,
        completed_on,
        task_status(due, progress, completed_on, today, due_soon_days),
        days_left(due, today),
        via_group,
    )


async def unit_tasks(
    session: AsyncSession, plan_id: int, unit_id: int, today: date, due_soon_days: int
) -> list[TaskLine]:
    """The unit's assignments in the plan, in task order, with their status on ``today``."""
    rows = await session.execute(_UNIT_TASKS, {"unit_id": unit_id, "plan_id": plan_id})
    return [_line(row, today, due_soon_days) for row in rows]


_UNIT_TASKS = (
    select(*_LINE)
    .join(Assignment, Assignment.task_id == Task.id)
    .where(Assignment.unit_id == bindparam("unit_id"), Task.plan_id == bindparam("plan_id"))
    .order_by(Task.number)
)


def status_case(today: date, due_soon_days: int) -> Any:
    """``models.rules.task_status`` as a SQL expression over Task and Assignment."""
    return status_between(literal(today, Date), literal(today + timedelta(days=due_soon_days), Date))


def status_between(
    today: Any,
    soon: Any,
    progress: Any = Assignment.progress,
    completed: Any = Assignment.completed_on,
    due: Any = None,
) -> Any:
    """``status_case`` with ``today`` and ``soon`` (the last day counted as due soon) given as SQL
    expressions: ``bindparam("today", type_=Date)`` etc. in statements built once (``status_params``).
    ``progress``, ``completed`` and ``due``: other expressions in place of one assignment's (the
    aggregates of a task's lead units)."""
    due = assignment_due if due is None else due
    done = progress >= 100
    finished = func.coalesce(completed, today)
    return case(
        (and_(done, finished <= due), TaskStatus.DONE_ON_TIME.value),
        (done, TaskStatus.DONE_LATE.value),
        (due < today, TaskStatus.OVERDUE.value),
        (due <= soon, TaskStatus.IN_TIME.value),
        else_=TaskStatus.NOT_YET_DUE.value,
    )


def status_params(today: date, due_soon_days: int) -> dict[str, date]:
    """The values of ``STATUS_TODAY`` and ``STATUS_SOON``."""
    return {"today": today, "soon": today + timedelta(days=due_soon_days)}


STATUS_TODAY = bindparam("today", type_=Date)
STATUS_SOON = bindparam("soon", type_=Date)


async def counts_by_unit(
    session: AsyncSession,
    plan_id: int,
    today: date,
    due_soon_days: int,
    within: Unit | None = None,
    role: AssignmentRole | None = None,
) -> dict[int, StatusCounts]:
    """For every unit with an assignment in the plan, how many are in each status (one GROUP BY).
    ``within``: only the units of that subtree (a province never lists another's units); ``role``: only
    the assignments as lead (or as cooperating) unit."""
    by_role = await counts_by_unit_and_role(session, plan_id, today, due_soon_days, within, role)
    return by_role.get(role, {}) if role is not None else _merged(by_role)


async def counts_by_unit_and_role(
    session: AsyncSession,
    plan_id: int,
    today: date,
    due_soon_days: int,
    within: Unit | None = None,
    role: AssignmentRole | None = None,
) -> dict[AssignmentRole, dict[int, StatusCounts]]:
    """``counts_by_unit`` for the lead and the cooperating assignments apart, in the same single GROUP BY
    (the leaders' by-unit list needs both: reading the plan's assignments twice doubled its time)."""
    status = status_case(today, due_soon_days).label("status")
    stmt = (
        select(Assignment.unit_id, Assignment.role, status, func.count())
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan_id)
        .group_by(Assignment.unit_id, Assignment.role, status)
    )
    if role is not None:
        stmt = stmt.where(Assignment.role == role)
    if within is not None:
        stmt = stmt.join(Unit, Unit.id == Assignment.unit_id).where(
            Unit.path >= within.path, Unit.path < within.path[:-1] + "0"
        )
    rows = await session.execute(stmt)
    tallies: dict[AssignmentRole, dict[int, dict[str, int]]] = {}
    for unit_id, assigned_as, value, n in rows:
        tallies.setdefault(AssignmentRole(assigned_as), {}).setdefault(unit_id, {})[value] = n
    return {
        assigned_as: {unit_id: StatusCounts(**tally) for unit_id, tally in units.items()}
        for assigned_as, units in tallies.items()
    }


def _merged(by_role: dict[AssignmentRole, dict[int, StatusCounts]]) -> dict[int, StatusCounts]:
    totals: dict[int, StatusCounts] = {}
    for units in by_role.values():
        for unit_id, counts in units.items():
            totals[unit_id] = totals.get(unit_id, StatusCounts()) + counts
    return totals


_TASK_BY_NUMBER = select(Task).where(Task.plan_id == bindparam("plan_id"), Task.number == bindparam("number"))


async def task_by_number(session: AsyncSession, plan_id: int, number: int) -> Task | None:
    return (await session.execute(_TASK_BY_NUMBER, {"plan_id": plan_id, "number": number})).scalar_one_or_none()


async def task_numbers(session: AsyncSession, plan_id: int) -> tuple[int, int, int]:
    """The first and last task numbers of a plan and how many tasks it has (0, 0, 0 when empty)."""
    row = (
        await session.execute(
            select(func.min(Task.number), func.max(Task.number), func.count()).where(Task.plan_id == plan_id)
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


async def task_detail(
    session: AsyncSession, plan: Plan, number: int, today: date, due_soon_days: int
) -> TaskDetail | None:
    """Task ``number`` of the plan with all its assignments and their units' paths (two queries)."""
    task = await task_by_number(session, plan.id, number)
    if task is None:
        return None
    rows = await session.execute(_TASK_LINES, {"task_id": task.id})
    return TaskDetail(plan, task, [(_line(row, today, due_soon_days), row[12]) for row in rows])


_TASK_LINES = (  # every assignment of a task with its unit's path (primary-key look-ups), lead first
    select(*_LINE, select(Unit.path).where(Unit.id == Assignment.unit_id).scalar_subquery())
    .select_from(Assignment)
    .join(Task, Task.id == Assignment.task_id)
    .where(Assignment.task_id == bindparam("task_id"))
    .order_by(Assignment.role.desc(), Assignment.unit_id)  # "lead" sorts after "cooperate": desc puts it first
)
_REPORTS = (
    select(ProgressReport, Assignment.unit_id, Official.full_name)
    .join(Assignment, Assignment.id == ProgressReport.assignment_id)
    .outerjoin(Official, Official.id == ProgressReport.reported_by_id)
    .where(ProgressReport.assignment_id.in_(bindparam("ids", expanding=True)))
    .order_by(ProgressReport.reported_at.desc(), ProgressReport.id.desc())
    .limit(bindparam("limit"))
)


async def latest_reports(session: AsyncSession, assignment_ids: Sequence[int], limit: int = 5) -> list[ReportLine]:
    """The most recent progress reports on these assignments, newest first, with who reported."""
    if not assignment_ids:
        return []
    rows = await session.execute(_REPORTS, {"ids": list(assignment_ids), "limit": limit})
    return [
        ReportLine(
            r.id,
            r.assignment_id,
            unit_id,
            r.percent,
            r.note,
            r.evidence,
            r.evidence_kind,
            r.evidence_channel,
            name or "",
            r.reported_at,
        )
        for r, unit_id, name in rows
    ]


@dataclass(frozen=True)
class Evidence:
    """A progress report's attached file, with what it was reported on."""

    report_id: int
    unit_id: int
    task_number: int
    plan_year: int
    kind: str  # photo | document
    file_id: str
    channel: str
    reported_at: datetime


async def report_evidence(session: AsyncSession, report_id: int) -> Evidence | None:
    """The file of progress report ``report_id``; None when there is no such report or it has no file."""
    row = (
        await session.execute(
            select(
                ProgressReport.id,
                Assignment.unit_id,
                Task.number,
                Plan.year,
                ProgressReport.evidence_kind,
                ProgressReport.evidence,
                ProgressReport.evidence_channel,
                ProgressReport.reported_at,
            )
            .join(Assignment, Assignment.id == ProgressReport.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(ProgressReport.id == report_id, ProgressReport.evidence_kind.in_(("photo", "document")))
        )
    ).first()
    return Evidence(*row) if row is not None else None


async def assignment_of(session: AsyncSession, task_id: int, unit_id: int) -> Assignment | None:
    return (
        await session.execute(select(Assignment).where(Assignment.task_id == task_id, Assignment.unit_id == unit_id))
    ).scalar_one_or_none()


def this_period_due(task: Task, today: date) -> date | None:
    """A recurring task's due date in the period ``today`` falls in ("kỳ này: hạn 15/12/2026"); within
    the plan's year (the last period's after it, the first's before it). None for a one-off deadline."""
    if not task.recurrence:
        return None
    every = Recurrence.of(task.recurrence)
    year = task.due_date.year
    day = min(max(today, date(year, 1, 1)), date(year, 12, 31))
    return every.period_of(day)[1]


def evidence_in(note: str) -> str:
    """The first http(s) link in a note, or ""."""
    found = LINK.search(note)
    return found.group(0).rstrip(".,;)") if found else ""


async def record_progress(
    session: AsyncSession,
    assignment: Assignment,
    *,
    percent: int,
    note: str,
    by_id: int | None,
    now: datetime,
    today: date,
    evidence: str = "",
    evidence_kind: str = "",
    evidence_channel: str = "",
) -> ProgressReport:
    """Store a progress report and move the assignment to ``percent`` (completed today at 100).

    A recurring task is reported on one period at a time, the oldest the unit still owes (``due_on``):
    100 % closes that period and opens the next one at 0 % (``owed_period`` says which), so the task is
    not counted as done, and the next period is reminded and can go overdue like any deadline; only
    100 % on the task's last period completes it, on time or late against that period's due date.
    Below 100 % is progress within the owed period and leaves ``due_on`` where it is: a half-done
    quarterly report is not the quarter's report, so that quarter must still be able to go overdue."""
    if not 0 <= percent <= 100:
        raise ValueError(f"percent out of range: {percent}")
    if not evidence and (link := evidence_in(note)):
        evidence, evidence_kind = link, "link"
    report = ProgressReport(
        assignment_id=assignment.id,
        percent=percent,
        note=note.strip(),
        evidence=evidence,
        evidence_kind=evidence_kind,
        evidence_channel=evidence_channel if evidence_kind in ("photo", "document") else "",
        reported_by_id=by_id,
        reported_at=now,
    )
    session.add(report)
    previous, progress = assignment.progress, percent
    task = await session.get(Task, assignment.task_id)
    owed = owed_period(task, assignment) if task is not None else None
    if task is not None and task.recurrence and owed is not None:
        assignment.due_on = owed.due
        following = Recurrence.of(task.recurrence).following(owed, task.due_date)
        if percent >= 100 and following is not None:  # this period is done: the next opens with nothing in it
            assignment.due_on, progress = following.due, 0
    if progress >= 100:
        assignment.completed_on = assignment.completed_on if previous >= 100 else today
    else:
        assignment.completed_on = None
    assignment.progress, assignment.updated_at = progress, now
    audit(
        session,
        at=now,
        actor_id=by_id,
        action="progress.report",
        subject=f"assignment:{assignment.id}",
        detail={"task_id": assignment.task_id, "from": previous, "to": percent, "evidence": evidence_kind},
    )
    await session.flush()
    return report
