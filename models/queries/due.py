"""What the push jobs ask of the data (``jobs/due.py``), and what /nhacnho shows of the outbox.

Every question is set-based and bounded by what is due, not by the size of the database: deadlines are
found by an IN list of due dates on ``tasks`` and the assignments of those tasks by ``assignments.task_id``;
per-unit lists ("the 3 most overdue tasks") are cut in SQL with ``row_number()``; officials are looked up
by ``officials.unit_id`` for the units concerned only. Rows come back as plain tuples (no ORM objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import AssignmentRole, OutboxStatus, Role
from models.plans import Assignment, Plan, ProgressReport, Task, assignment_due
from models.system import OutboxMessage
from models.units import ChatAccount, Official, Unit

CHUNK = 1_000  # ids per IN list (well under both databases' limits on bound parameters)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def root_of(path: str) -> int:
    """The province (root unit) id of a materialised path ``/1/5/23/``."""
    return int(path.strip("/").split("/")[0])


async def current_plan_ids(session: AsyncSession, today: date) -> list[int]:
    """Each province's plans of its latest plan year not after ``today``'s year (a province whose newest
    plan is older is not left out because another province has a newer one). A plan issued by no unit
    belongs to no province and gets no pushes (models/scope.py)."""
    rows = await session.execute(
        select(Plan.id, Plan.issuing_unit_id, Plan.year).where(
            Plan.year <= today.year, Plan.issuing_unit_id.is_not(None)
        )
    )
    found = rows.all()
    latest: dict[int | None, int] = {}
    for _, issuer, year in found:
        latest[issuer] = max(year, latest.get(issuer, year))
    return sorted(plan_id for plan_id, issuer, year in found if latest[issuer] == year)


async def recipients(
    session: AsyncSession, unit_ids: Iterable[int], *, optional: bool, roles: Iterable[Role] = ()
) -> dict[int, list[int]]:
    """Active officials of each unit (unit id -> official ids). ``optional``: leave out those who opted out
    of non-mandatory pushes. ``roles``: only these roles."""
    wanted = [Role(r).value for r in roles]
    found: dict[int, list[int]] = {}
    for chunk in _chunks(unit_ids):
        stmt = select(Official.unit_id, Official.id).where(Official.unit_id.in_(chunk), Official.active.is_(True))
        if optional:
            stmt = stmt.where(Official.push_opt_out.is_(False))
        if wanted:
            stmt = stmt.where(Official.role.in_(wanted))
        for unit_id, official_id in await session.execute(stmt.order_by(Official.id)):
            found.setdefault(unit_id, []).append(official_id)
    return found


async def officials_by_province(session: AsyncSession, role: Role, *, optional: bool) -> dict[int, list[int]]:
    """Active officials of one role (admins, leaders: a few per province) grouped by their province's id."""
    stmt = (
        select(Official.id, Unit.path)
        .join(Unit, Unit.id == Official.unit_id)
        .where(Official.role == role.value, Official.active.is_(True))
        .order_by(Official.id)
    )
    if optional:
        stmt = stmt.where(Official.push_opt_out.is_(False))
    found: dict[int, list[int]] = {}
    for official_id, path in await session.execute(stmt):
        found.setdefault(root_of(path), []).append(official_id)
    return found


# --- deadlines ----------------------------------------------------------------------------------------

# (task id, due date, unit id, role, progress)
OpenAssignment = Row[int, date, int, AssignmentRole, int]
# (task id, number, content, due date, unit id, role, progress, the unit's parent id and path)
Escalated = Row[int, int, str, date, int, AssignmentRole, int, int | None, str]


def _due_on(due_dates: Sequence[date]) -> list[ColumnElement[bool]]:
    return [assignment_due.in_(sorted(set(due_dates))), Assignment.progress < 100]


async def open_assignments_due(session: AsyncSession, due_dates: Sequence[date]) -> list[OpenAssignment]:
    """Not-done assignments of every task due on one of ``due_dates`` (the tasks found by due date, their
    assignments by the covering index on task id). Narrow rows: ``task_lines`` gives the tasks' text."""
    if not due_dates:
        return []
    stmt = (
        select(Task.id, assignment_due, Assignment.unit_id, Assignment.role, Assignment.progress)
        .join(Assignment, Assignment.task_id == Task.id)
        .where(*_due_on(due_dates))
    )
    return list((await session.execute(stmt)).all())


async def task_lines(session: AsyncSession, task_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """Task id -> (number, content), looked up by key."""
    found: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(task_ids):
        for task_id, number, content in await session.execute(
            select(Task.id, Task.number, Task.content).where(Task.id.in_(chunk))
        ):
            found[task_id] = (number, content)
    return found


async def recently_reported(session: AsyncSession, task_ids: Iterable[int], since: datetime) -> set[tuple[int, int]]:
    """(task id, unit id) of the assignments of ``task_ids`` with a progress report at or after ``since``:
    a unit that has just reported is not reminded of the task again (``jobs.due.deadline_pushes``)."""
    found: set[tuple[int, int]] = set()
    for chunk in _chunks(task_ids):
        rows = await session.execute(
            select(Assignment.task_id, Assignment.unit_id)
            .join(ProgressReport, ProgressReport.assignment_id == Assignment.id)
            .where(Assignment.task_id.in_(chunk), ProgressReport.reported_at >= since)
            .distinct()
        )
        found.update((task_id, unit_id) for task_id, unit_id in rows)
    return found


def _assignment_rows() -> Select[int, int, str, date, int, AssignmentRole, int, int | None, str]:
    """An assignment's task, deadline, role and progress with its unit's parent and path (``Escalated``)."""
    return (
        select(
            Task.id,
            Task.number,
            Task.content,
            assignment_due,
            Assignment.unit_id,
            Assignment.role,
            Assignment.progress,
            Unit.parent_id,
            Unit.path,
        )
        .join(Assignment, Assignment.task_id == Task.id)
        .join(Unit, Unit.id == Assignment.unit_id)
    )


async def escalated_assignments(session: AsyncSession, due_dates: Sequence[date]) -> list[Escalated]:
    """``open_assignments_due`` with each unit's parent id and path (to find whom to tell)."""
    if not due_dates:
        return []
    stmt = _assignment_rows().where(*_due_on(due_dates)).order_by(assignment_due, Task.id, Assignment.unit_id)
    return list((await session.execute(stmt)).all())


async def overdue_assignments(session: AsyncSession, plan_ids: Sequence[int], today: date) -> list[Escalated]:
    """Not-done assignments of ``plan_ids`` whose deadline is before ``today``, each with its unit's parent
    and path (the rows of ``escalated_assignments``): the overdue notices pick the ones on a notice day.
    Bounded by the current plans' overdue assignments, a few hundred in a province."""
    if not plan_ids:
        return []
    stmt = (
        _assignment_rows()
        .where(Task.plan_id.in_(plan_ids), Assignment.progress < 100, assignment_due < today)
        .order_by(Assignment.unit_id, assignment_due, Task.number, Task.id)
    )
    return list((await session.execute(stmt)).all())


@dataclass(frozen=True)
class UnitTasks:
    """A unit's open tasks of one kind (overdue, due next): how many, and the first few."""

    count: int
    tasks: list[tuple[int, int, str, date]]  # (task id, number, content, due date)


async def first_open_tasks(
    session: AsyncSession, plan_ids: Sequence[int], where: Sequence[ColumnElement[bool]], limit: int
) -> dict[int, UnitTasks]:
    """For every unit with not-done assignments in ``plan_ids`` matching ``where``: how many, and the
    ``limit`` earliest due. The cut is made by the database (``row_number()`` per unit)."""
    if not plan_ids:
        return {}
    order = (assignment_due, Task.number, Task.id)
    ranked = (
        select(
            Assignment.unit_id,
            Task.id.label("task_id"),
            Task.number,
            Task.content,
            assignment_due.label("due_date"),
            func.row_number().over(partition_by=Assignment.unit_id, order_by=order).label("rn"),
            func.count().over(partition_by=Assignment.unit_id).label("n"),
        )
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id.in_(plan_ids), Assignment.progress < 100, *where)
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.unit_id, ranked.c.n, ranked.c.task_id, ranked.c.number, ranked.c.content, ranked.c.due_date)
        .where(ranked.c.rn <= limit)
        .order_by(ranked.c.unit_id, ranked.c.rn)
    )
    found: dict[int, UnitTasks] = {}
    for unit_id, n, task_id, number, content, due in rows:
        found.setdefault(unit_id, UnitTasks(int(n), [])).tasks.append((task_id, number, content, due))
    return found


def due_within(today: date, days: int) -> list[ColumnElement[bool]]:
    return [assignment_due >= today, assignment_due <= today + timedelta(days=days)]


@dataclass(frozen=True)
class OpenCounts:
    open: int
    overdue: int


async def open_counts_by_unit(session: AsyncSession, plan_ids: Sequence[int], today: date) -> dict[int, OpenCounts]:
    """Per unit with not-done assignments in ``plan_ids``: how many, and how many of them are overdue (one
    GROUP BY over the not-done assignments only: done ones are most of a plan by the end of the year)."""
    if not plan_ids:
        return {}
    rows = await session.execute(
        select(Assignment.unit_id, func.count(), func.sum(case((assignment_due < today, 1), else_=0)))
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id.in_(plan_ids), Assignment.progress < 100)
        .group_by(Assignment.unit_id)
    )
    return {unit_id: OpenCounts(int(n), int(late or 0)) for unit_id, n, late in rows}


@dataclass(frozen=True)
class WeekChanges:
    completed: int  # assignments reported done since the day
    newly_overdue: int  # deadlines passed since the day, not done
    reports: int  # progress reports since the day


async def week_changes(
    session: AsyncSession, plan_ids: Sequence[int], since: date, today: date, since_at: datetime
) -> dict[int, WeekChanges]:
    """What moved in each plan since ``since`` (a week ago), for all the plans at once: one pass over their
    assignments in plan order (no sort), and one count of the week's progress reports."""
    if not plan_ids:
        return {}
    late = (Assignment.progress < 100) & (assignment_due >= since) & (assignment_due < today)
    moved = (
        await session.execute(
            select(
                Task.plan_id,
                func.sum(case((Assignment.completed_on >= since, 1), else_=0)),
                func.sum(case((late, 1), else_=0)),
            )
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id.in_(plan_ids))
            .group_by(Task.plan_id)
        )
    ).all()
    reports: dict[int, int] = {}
    for plan_id, n in await session.execute(
        select(Task.plan_id, func.count())
        .select_from(ProgressReport)
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id.in_(plan_ids), ProgressReport.reported_at >= since_at)
        .group_by(Task.plan_id)
    ):
        reports[plan_id] = int(n)
    return {
        plan_id: WeekChanges(int(done or 0), int(overdue or 0), reports.get(plan_id, 0))
        for plan_id, done, overdue in moved
    }


# --- the outbox as /nhacnho shows it --------------------------------------------------------------------


@dataclass(frozen=True)
class PendingLine:
    kind: str
    official: str
    not_before: datetime
    context: dict[str, Any]


@dataclass(frozen=True)
class PendingPushes:
    counts: dict[str, int]  # kind -> pending pushes
    total: int
    next: list[PendingLine]


async def pending_pushes(session: AsyncSession, province: Unit, limit: int = 5) -> PendingPushes:
    """How many pushes to officials of ``province`` wait to be sent, by kind, and the next ``limit`` in
    sending order. Pushes to another province's officials (and to no official) are not counted."""
    mine = (
        select(Official.id)
        .join(Unit, Unit.id == Official.unit_id)
        .where(Unit.path >= province.path, Unit.path < province.path[:-1] + "0")
    )
    pending = (OutboxMessage.status == OutboxStatus.PENDING.value) & OutboxMessage.official_id.in_(mine)
    counts = {
        kind: int(n)
        for kind, n in await session.execute(
            select(OutboxMessage.kind, func.count())
            .where(pending)
            .group_by(OutboxMessage.kind)
            .order_by(OutboxMessage.kind)
        )
    }
    rows = await session.execute(
        select(OutboxMessage.kind, Official.full_name, OutboxMessage.not_before, OutboxMessage.context)
        .outerjoin(Official, Official.id == OutboxMessage.official_id)
        .where(pending)
        .order_by(OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
    )
    lines = [PendingLine(kind, name or "", at, dict(context or {})) for kind, name, at, context in rows]
    return PendingPushes(counts, sum(counts.values()), lines)


async def admins_of_officials(session: AsyncSession, official_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each official, the active admins of their province (dead-letter alerts stay in the province
    whose push died)."""
    wanted = sorted(set(official_ids))
    if not wanted:
        return {}
    admins = await officials_by_province(session, Role.ADMIN, optional=False)
    found: dict[int, list[int]] = {}
    for chunk in _chunks(wanted):
        for official_id, path in await session.execute(
            select(Official.id, Unit.path).join(Unit, Unit.id == Official.unit_id).where(Official.id.in_(chunk))
        ):
            found[official_id] = admins.get(root_of(path), [])
    return found


async def admins_of_channel(session: AsyncSession, channel: str) -> list[int]:
    """The active admins of every province that has an active official bound on ``channel`` (a
    channel's budget concerns those provinces only)."""
    admins = await officials_by_province(session, Role.ADMIN, optional=False)
    rows = await session.execute(
        select(Unit.path)
        .join(Official, Official.unit_id == Unit.id)
        .join(ChatAccount, ChatAccount.official_id == Official.id)
        .where(ChatAccount.channel == channel, Official.active.is_(True))
        .distinct()
    )
    roots = {root_of(path) for path in rows.scalars()}
    return sorted({admin for root in roots for admin in admins.get(root, [])})
