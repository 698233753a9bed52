"""The slip risk of open assignments (``models/risk.py``) computed from the database: for /nhiemvu nguyco,
/tomtat and the weekly digests; and the self-assessment a unit gives its progress report with one tap.

Bounded by the assignments due in the window looked at (a few hundred in a province for two weeks): their
last reports by ``progress_reports.assignment_id``, the reminders sent about them from the outbox's
deadline and overdue rows of the last ``REMINDER_DAYS`` days, and each unit's record by one GROUP BY of
the plans' assignments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import AssignmentRole, OutboxStatus, SelfAssessment
from models.plans import Assignment, Plan, ProgressReport, Task, assignment_due
from models.risk import History, Risk, plan_start, slip_risk
from models.rules import StatusCounts
from models.system import OutboxMessage
from models.units import Unit

REMINDER_DAYS = 45  # reminders older than this say nothing a report since would not
REMINDER_KINDS = ("deadline", "overdue")
CHUNK = 1_000
RANGES = 200  # key ranges per statement


@dataclass(frozen=True)
class RiskLine:
    """One open assignment at risk, with why."""

    task_id: int
    number: int
    content: str
    due: date
    unit_id: int
    role: AssignmentRole
    risk: Risk
    plan_id: int = 0


@dataclass(frozen=True)
class Assessed:
    report_id: int
    number: int


async def assess_report(session: AsyncSession, report_id: int, unit_id: int, value: SelfAssessment) -> Assessed | None:
    """Store ``value`` on report ``report_id`` when it is a report of ``unit_id``'s assignment (None otherwise)."""
    row = (
        await session.execute(
            select(ProgressReport, Task.number)
            .join(Assignment, Assignment.id == ProgressReport.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(ProgressReport.id == report_id, Assignment.unit_id == unit_id)
        )
    ).first()
    if row is None:
        return None
    report, number = row
    report.self_assessment = value.value
    await session.flush()
    return Assessed(report.id, number)


def _reminder_event(key: str) -> tuple[int, int, str] | None:
    """(task id, unit id, the reminder without its official) of a deadline or overdue dedupe key."""
    parts = key.rsplit(":official ", 1)[0].split(":")
    if len(parts) < 3 or not parts[1].startswith("task ") or not parts[2].startswith("unit "):
        return None
    try:
        return int(parts[1][5:]), int(parts[2][5:]), ":".join(parts)
    except ValueError:
        return None


async def at_risk(
    session: AsyncSession,
    plan_ids: Sequence[int],
    today: date,
    days: tuple[int, int],
    *,
    within: Unit | None = None,
    unit_ids: Sequence[int] | None = None,
    records: Mapping[int, StatusCounts] | None = None,
    lead_only: bool = False,
) -> list[RiskLine]:
    """The open assignments of ``plan_ids`` due from ``today + days[0]`` to ``today + days[1]`` that the
    rule puts at risk, most points first then earliest due; ``within``: a subtree only; ``unit_ids``: those
    units only; ``lead_only``: each task once, by its lead unit (as the province's reporting sentence counts
    tasks); ``records``: each unit's status counts in these plans today when the caller has them (the
    unit digest does), else counted here."""
    if not plan_ids:
        return []
    first, last_day = today + timedelta(days=days[0]), today + timedelta(days=days[1])
    # the tasks due in the window (a recurring task's units owe their own periods: all of those), by
    # the plans' tasks, so that only their assignments are read (by ``assignments.task_id``)
    tasks = list(
        (
            await session.execute(
                select(Task.id).where(
                    Task.plan_id.in_(plan_ids),
                    or_(Task.due_date.between(first, last_day), Task.recurrence.is_not(None)),
                )
            )
        ).scalars()
    )
    if not tasks:
        return []
    stmt = (
        select(
            Assignment.id,
            Task.id,
            Task.number,
            Task.content,
            assignment_due,
            Assignment.unit_id,
            Assignment.role,
            Assignment.progress,
            Plan.year,
            Plan.issued_on,
            Plan.id,
        )
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Assignment.task_id.in_(tasks),
            Assignment.progress < 100,
            assignment_due >= first,
            assignment_due <= last_day,
        )
    )
    if within is not None:
        stmt = stmt.join(Unit, Unit.id == Assignment.unit_id).where(
            Unit.path >= within.path, Unit.path < within.path[:-1] + "0"
        )
    if unit_ids is not None:
        stmt = stmt.where(Assignment.unit_id.in_(list(unit_ids)))
    if lead_only:
        stmt = stmt.where(Assignment.role == AssignmentRole.LEAD.value)
    rows = (await session.execute(stmt)).all()
    if not rows:
        return []
    last = await _last_reports(session, [r[0] for r in rows])
    reminders = await _reminders(session, {(r[1], r[5]) for r in rows}, today)
    if records is None:
        records = await _records(session, plan_ids, {r[5] for r in rows}, today)
    found: list[RiskLine] = []
    for assignment_id, task_id, number, content, due, unit_id, role, progress, year, issued, plan_id in rows:
        known = last.get(assignment_id)
        reported = known.last if known else None
        since = datetime.combine(reported or plan_start(year, issued), time(0), tzinfo=UTC)
        record = records.get(unit_id)
        history = History(
            today=today,
            due=due,
            started=plan_start(year, issued),
            progress=progress,
            last_report=reported,
            first_report=known.first if known else None,
            reminders_since=sum(1 for at in reminders.get((task_id, unit_id), []) if at >= since),
            self_assessment=known.assessed if known else None,
            unit_came_due=(record.done + record.overdue) if record else 0,
            unit_late=(record.done_late + record.overdue) if record else 0,
        )
        risk = slip_risk(history)
        if risk.at_risk:
            found.append(RiskLine(task_id, number, content, due, unit_id, AssignmentRole(role), risk, plan_id))
    found.sort(key=lambda line: (-line.risk.points, line.due, line.number, line.unit_id))
    return found


@dataclass(frozen=True)
class Reported:
    last: date
    assessed: str | None  # the last report's self-assessment
    first: tuple[date, int] | None  # the first report with progress: (day, percent)


async def _last_reports(session: AsyncSession, assignment_ids: list[int]) -> dict[int, Reported]:
    """Assignment id -> its latest report's day and self-assessment, and its first report with progress
    (an assignment has a report a month or so: reading them all beats two window functions)."""
    found: dict[int, Reported] = {}
    ordered = sorted(set(assignment_ids))
    for start in range(0, len(ordered), CHUNK):
        rows = await session.execute(
            select(
                ProgressReport.assignment_id,
                ProgressReport.reported_at,
                ProgressReport.self_assessment,
                ProgressReport.percent,
            )
            .where(ProgressReport.assignment_id.in_(ordered[start : start + CHUNK]))
            .order_by(ProgressReport.assignment_id, ProgressReport.reported_at, ProgressReport.id)
        )
        for assignment_id, at, assessed, percent in rows:
            before = found.get(assignment_id)
            first = before.first if before is not None else None
            if first is None and percent > 0:
                first = (at.date(), percent)
            found[assignment_id] = Reported(at.date(), assessed, first)
    return found


async def _records(
    session: AsyncSession, plan_ids: Sequence[int], unit_ids: set[int], today: date
) -> dict[int, StatusCounts]:
    """Each unit's record in ``plan_ids`` today, for ``unit_ids`` only (their assignments by
    ``assignments.unit_id``): done on time, done late, overdue (what the rule reads of ``StatusCounts``)."""
    done = Assignment.progress >= 100
    late_done = and_(done, Assignment.completed_on > assignment_due)
    overdue = and_(Assignment.progress < 100, assignment_due < today)
    found: dict[int, StatusCounts] = {}
    ordered = sorted(unit_ids)
    for start in range(0, len(ordered), CHUNK):
        rows = await session.execute(
            select(
                Assignment.unit_id,
                func.sum(case((and_(done, not_(late_done)), 1), else_=0)),
                func.sum(case((late_done, 1), else_=0)),
                func.sum(case((overdue, 1), else_=0)),
            )
            .join(Task, Task.id == Assignment.task_id)
            .where(Assignment.unit_id.in_(ordered[start : start + CHUNK]), Task.plan_id.in_(plan_ids))
            .group_by(Assignment.unit_id)
        )
        for unit_id, on_time, late, behind in rows:
            found[unit_id] = StatusCounts(
                done_on_time=int(on_time or 0), done_late=int(late or 0), overdue=int(behind or 0)
            )
    return found


async def _reminders(
    session: AsyncSession, wanted: set[tuple[int, int]], today: date
) -> dict[tuple[int, int], list[datetime]]:
    """(task id, unit id) -> when each reminder about it was first sent (one per reminder, whoever got it),
    over the last ``REMINDER_DAYS`` days. Found by ranges of the unique index on ``dedupe_key``
    ("deadline:task 17:…"), one pair per task, so the outbox's size does not matter."""
    since = datetime.combine(today - timedelta(days=REMINDER_DAYS), time(0), tzinfo=UTC)
    tasks = sorted({task_id for task_id, _ in wanted})
    ranges = [
        and_(
            OutboxMessage.dedupe_key >= f"{kind}:task {task_id}:", OutboxMessage.dedupe_key < f"{kind}:task {task_id};"
        )
        for task_id in tasks
        for kind in REMINDER_KINDS
    ]
    rows: list[tuple[str, datetime | None]] = []
    for start in range(0, len(ranges), RANGES):
        rows += (
            await session.execute(
                select(OutboxMessage.dedupe_key, OutboxMessage.sent_at).where(
                    or_(*ranges[start : start + RANGES]),
                    OutboxMessage.status == OutboxStatus.SENT.value,
                    OutboxMessage.sent_at >= since,
                )
            )
        ).all()
    first: dict[str, tuple[tuple[int, int], datetime]] = {}
    for key, at in rows:
        event = _reminder_event(key)
        if event is None or (event[0], event[1]) not in wanted or at is None:
            continue
        if event[2] not in first or at < first[event[2]][1]:
            first[event[2]] = ((event[0], event[1]), at)
    found: dict[tuple[int, int], list[datetime]] = {}
    for pair, at in first.values():
        found.setdefault(pair, []).append(at)
    return found
