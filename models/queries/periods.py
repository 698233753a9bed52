"""A recurring task's periods as one unit lives them: the period it owes now, and the periods it closed.

``assignments.due_on`` is the due date of the oldest period the unit has not closed; its progress
reports are the history: each 100 % report closed the period then owed (``models.queries.tasks.
record_progress`` moves ``due_on``; ``models.rules.Recurrence.closed_periods`` replays the reports).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.clock import DEFAULT_TZ
from models.plans import Assignment, ProgressReport, Task
from models.rules import Period, Recurrence


def owed_period(task: Task, assignment: Assignment) -> Period | None:
    """The period of a recurring task that ``assignment``'s unit reports on now: the oldest it has not
    closed (``record_progress``). None for a one-off deadline."""
    if not task.recurrence:
        return None
    return Recurrence.of(task.recurrence).open_period(assignment.due_on, task.due_date)


async def closed_periods(session: AsyncSession, task: Task, assignment_ids: Sequence[int]) -> dict[int, ClosedPeriods]:
    """For each of a recurring task's assignments, the periods its unit closed, from its progress reports
    (``Recurrence.closed_periods``); empty for a one-off deadline."""
    if not task.recurrence or not assignment_ids:
        return {}
    every = Recurrence.of(task.recurrence)
    rows = await session.execute(
        select(ProgressReport.assignment_id, ProgressReport.reported_at, ProgressReport.percent)
        .where(ProgressReport.assignment_id.in_(list(assignment_ids)))
        .order_by(ProgressReport.reported_at, ProgressReport.id)
    )
    reports: dict[int, list[tuple[date, int]]] = {i: [] for i in assignment_ids}
    for assignment_id, at, reported in rows:
        reports[assignment_id].append((at.astimezone(DEFAULT_TZ).date(), reported))
    total = len(every.plan_periods(task.due_date))
    return {i: ClosedPeriods(every.closed_periods(task.due_date, r), total) for i, r in reports.items()}


@dataclass(frozen=True)
class ClosedPeriods:
    """The periods of a recurring task one unit closed (each with the day of its report) out of ``total``."""

    closed: list[tuple[Period, date]]
    total: int
