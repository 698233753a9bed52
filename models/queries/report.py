"""Everything the periodic CCHC report of one unit for one period needs, computed for the period's data
cut-off window only (docs/REPORT_CCHC.md).

The periods are the ministry's: quý I (15/12–14/3), 6 tháng (15/12–14/6, asked as ``2026-H1`` or
``2026-Q2``), quý III (15/6–14/9) and năm (15/12–14/12, asked as ``2026`` or ``2026-Q4``), each due on the
20th of its last month. "Only the window's data" means: every status is the one on the window's last day
(progress reported or completed after it is not seen), and a task finished before the window opened was
reported in an earlier report and is left out. The statuses are ``models.rules.task_status`` and the
sentence ``models.progress.Progress``, as /nhiemvu and /tomtat compute them.

The province's report counts each task once by its lead units (as ``models.queries.summary``) and lists
every unit's assignments (the per-unit table); a department or commune reports its own assignments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.clock import DEFAULT_TZ
from models.enums import AssignmentRole, TaskStatus
from models.indices import YEARLY, IndexResult
from models.plans import Assignment, Plan, ProgressReport, Task, assignment_due
from models.progress import Progress
from models.queries.drives import Ranking, current_ranking
from models.queries.scores import ResultLine, latest_results, province_of
from models.queries.targets import TargetLine, visible_programmes
from models.queries.tasks import plan_for
from models.queries.units import UnitName, unit_names
from models.rules import DUE_SOON_DAYS, StatusCounts, task_status
from models.units import Unit

ITEMS = ("highlights", "issues", "proposals")  # what unit heads answer: kết quả nổi bật, tồn tại, kiến nghị
_PERIOD = re.compile(r"^\s*(\d{4})(?:\s*-\s*([qh])\s*([1-4]))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class UnitInput:
    """One narrative item a unit head wrote for the report (the table is another module's)."""

    unit_id: int
    item: str  # "highlights" | "issues" | "proposals"
    text: str


@dataclass(frozen=True)
class ReportPeriod:
    """A reporting period: ``kind`` "quarter" (numbers 1 and 3), "half" (1) or "year"; the data cut-off
    window ``start``–``end`` (both included) and the day the report is due."""

    year: int
    kind: str
    number: int
    start: date
    end: date
    due: date

    @property
    def token(self) -> str:
        return {"quarter": f"{self.year}-Q{self.number}", "half": f"{self.year}-H1"}.get(self.kind, str(self.year))


def report_period(text: str) -> ReportPeriod | None:
    """``2026-Q1``, ``2026-Q3``; ``2026-H1`` or ``2026-Q2`` (the six-month report stands for the second
    quarter's); ``2026`` or ``2026-Q4`` (the annual report stands for the fourth's). None otherwise."""
    found = _PERIOD.match(text)
    if found is None:
        return None
    year, letter, number = int(found[1]), (found[2] or "").lower(), int(found[3] or 0)
    if not 2000 <= year <= 2100 or (letter == "h" and number != 1):
        return None
    opened = date(year - 1, 12, 15)
    if letter == "q" and number in (1, 3):
        last = 3 * number
        start = opened if number == 1 else date(year, 6, 15)
        return ReportPeriod(year, "quarter", number, start, date(year, last, 14), date(year, last, 20))
    if (letter, number) in (("h", 1), ("q", 2)):
        return ReportPeriod(year, "half", 1, opened, date(year, 6, 14), date(year, 6, 20))
    return ReportPeriod(year, "year", 0, opened, date(year, 12, 14), date(year, 12, 20))


@dataclass(frozen=True)
class TaskRow:
    """One task as the report shows it: its status on the window's last day (by its lead units for the
    province, by the unit's own assignment otherwise)."""

    number: int
    content: str
    field: int | None
    deadline_text: str
    due: date
    leads: list[UnitName]
    role: AssignmentRole | None  # the unit's own role (None in the province's report)
    status: TaskStatus
    progress: int
    reasons: list[tuple[UnitName, str]]  # the latest note of each lead unit's (or the unit's) reports


@dataclass(frozen=True)
class FieldPart:
    field: int | None
    progress: Progress
    tasks: list[TaskRow]


@dataclass(frozen=True)
class UnitRow:
    unit: UnitName
    progress: Progress  # the unit's assignments (lượt), lead and cooperating


@dataclass(frozen=True)
class TargetRow:
    target: TargetLine
    met: bool | None  # None: no measurement within the window


@dataclass(frozen=True)
class ReportData:
    unit: UnitName
    province: UnitName
    period: ReportPeriod
    plan: Plan | None
    progress: Progress | None
    fields: list[FieldPart]
    overdue: list[TaskRow]
    units: list[UnitRow]  # the province's per-unit table; empty in a unit's report
    drive: Ranking | None
    standing_of_unit: int | None  # the unit's rank in the drive (a unit's report)
    names: dict[int, UnitName]
    targets: list[TargetRow]
    results: list[ResultLine]
    inputs: dict[str, list[tuple[UnitName, str]]] = field(default_factory=dict)

    @property
    def is_province(self) -> bool:
        return self.unit.id == self.province.id


@dataclass
class _Seen:
    """An assignment as it stood on the window's last day."""

    task_id: int
    unit_id: int
    role: AssignmentRole
    due: date
    progress: int
    completed_on: date | None
    note: str = ""


async def report_data(
    session: AsyncSession,
    unit: Unit,
    period: ReportPeriod,
    *,
    inputs: Sequence[UnitInput] = (),
    tz: ZoneInfo = DEFAULT_TZ,
    due_soon_days: int = DUE_SOON_DAYS,
) -> ReportData:
    """The report of ``unit`` (a province, department or commune) for ``period``; the caller has checked
    that the asker may read it (handlers/access.py)."""
    province = await province_of(session, unit)
    is_province = province.id == unit.id
    plan = await plan_for(session, province, period.year)
    seen = await _assignments(session, plan, None if is_province else unit.id, period, tz) if plan else []
    tasks = await _tasks(session, plan) if plan else {}
    rows = _task_rows(seen, tasks, period, due_soon_days, own=not is_province)
    units = _unit_rows(seen, period, due_soon_days) if is_province else {}
    drive = await current_ranking(session, province, period.end, organised=True)
    if drive is not None and not (drive.drive.starts_on <= period.end and drive.drive.ends_on >= period.start):
        drive = None
    wanted = {unit.id, province.id, *(s.unit_id for s in (drive.standings if drive else []))}
    wanted |= {i.unit_id for i in inputs} | set(units) | {s.unit_id for s in seen}
    names = await unit_names(session, wanted)
    built = [_row(row, names) for row in rows]
    return ReportData(
        unit=names[unit.id],
        province=names[province.id],
        period=period,
        plan=plan,
        progress=Progress.from_counts(StatusCounts.of(r.status for r in built)) if built else None,
        fields=_fields(built),
        overdue=[r for r in built if r.status == TaskStatus.OVERDUE],
        units=sorted((UnitRow(names[i], p) for i, p in units.items()), key=lambda r: r.unit.code),
        drive=drive,
        standing_of_unit=next((s.rank for s in drive.standings if s.unit_id == unit.id), None) if drive else None,
        names=names,
        targets=await _targets(session, unit, period),
        results=await _results(session, unit, period),
        inputs={item: [(names[i.unit_id], i.text.strip()) for i in inputs if i.item == item] for item in ITEMS},
    )


async def _tasks(session: AsyncSession, plan: Plan) -> dict[int, Task]:
    rows = await session.execute(select(Task).where(Task.plan_id == plan.id).order_by(Task.number))
    return {t.id: t for t in rows.scalars()}


async def _assignments(
    session: AsyncSession, plan: Plan, unit_id: int | None, period: ReportPeriod, tz: ZoneInfo
) -> list[_Seen]:
    """The plan's assignments (or the unit's) with their progress on the window's last day: completed
    after it is not completed; the progress is then the last report made by that day."""
    stmt = (
        select(
            Assignment.id,
            Assignment.task_id,
            Assignment.unit_id,
            Assignment.role,
            assignment_due,
            Assignment.progress,
            Assignment.completed_on,
        )
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan.id)
    )
    if unit_id is not None:
        stmt = stmt.where(Assignment.unit_id == unit_id)
    closing = datetime.combine(period.end + timedelta(days=1), time(0), tz)
    reports = (
        select(ProgressReport.assignment_id, ProgressReport.percent, ProgressReport.note, ProgressReport.reported_at)
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id == plan.id, ProgressReport.reported_at < closing)
        .order_by(ProgressReport.reported_at, ProgressReport.id)
    )
    if unit_id is not None:
        reports = reports.where(Assignment.unit_id == unit_id)
    last: dict[int, tuple[int, str]] = {}
    for assignment_id, percent, note, _ in await session.execute(reports):
        previous_note = last.get(assignment_id, (0, ""))[1]
        last[assignment_id] = (percent, (note or "").strip() or previous_note)
    found = []
    for a_id, task_id, u_id, role, due, progress, completed_on in await session.execute(stmt):
        percent, note = last.get(a_id, (progress, ""))
        if completed_on is not None and completed_on <= period.end:
            percent = 100
        else:
            # not finished by the window's end: its last report by then, else what is stored (an import's
            # figure), unless that is the completion which came after the end
            completed_on = None
            percent = min(percent if a_id in last or progress < 100 else 0, 99)
        found.append(_Seen(task_id, u_id, AssignmentRole(role), due, percent, completed_on, note))
    return found


def _status(seen: _Seen, period: ReportPeriod, due_soon_days: int) -> TaskStatus:
    return task_status(seen.due, seen.progress, seen.completed_on, period.end, due_soon_days)


def _done_before(seen: _Seen, period: ReportPeriod) -> bool:
    """Finished before the window opened: an earlier report's."""
    return seen.completed_on is not None and seen.completed_on < period.start


@dataclass(frozen=True)
class _Raw:
    task: Task
    lead_ids: list[int]
    role: AssignmentRole | None
    status: TaskStatus
    progress: int
    reasons: list[tuple[int, str]]


def _task_rows(
    seen: list[_Seen], tasks: dict[int, Task], period: ReportPeriod, due_soon_days: int, *, own: bool
) -> list[_Raw]:
    """Each task once: by the unit's own assignment, or by its lead units as ``summary._by_task`` (done
    when every lead unit is, on the last one's day; overdue when one of them is; no lead: not done)."""
    by_task: dict[int, list[_Seen]] = {}
    for s in seen:
        by_task.setdefault(s.task_id, []).append(s)
    rows = []
    for task_id, task in tasks.items():
        mine = by_task.get(task_id, [])
        chosen = mine if own else [s for s in mine if s.role == AssignmentRole.LEAD]
        if own and not mine:
            continue
        if chosen:
            progress = min(s.progress for s in chosen)
            done = all(s.completed_on is not None for s in chosen)
            completed = max(s.completed_on for s in chosen if s.completed_on) if done else None
            lead = _Seen(task_id, 0, AssignmentRole.LEAD, min(s.due for s in chosen), progress, completed)
        else:
            lead = _Seen(task_id, 0, AssignmentRole.LEAD, task.due_date, 0, None)
        if _done_before(lead, period):
            continue
        leads = [s.unit_id for s in mine if s.role == AssignmentRole.LEAD]
        reasons = [(s.unit_id, s.note) for s in chosen if s.note and s.completed_on is None]
        role = mine[0].role if own else None
        rows.append(_Raw(task, leads, role, _status(lead, period, due_soon_days), lead.progress, reasons))
    return rows


def _unit_rows(seen: list[_Seen], period: ReportPeriod, due_soon_days: int) -> dict[int, Progress]:
    """Every unit's assignments (lượt) in the window's statuses, for the per-unit table."""
    statuses: dict[int, list[TaskStatus]] = {}
    for s in seen:
        if not _done_before(s, period):
            statuses.setdefault(s.unit_id, []).append(_status(s, period, due_soon_days))
    return {unit_id: Progress.from_counts(StatusCounts.of(found)) for unit_id, found in statuses.items()}


def _row(raw: _Raw, names: dict[int, UnitName]) -> TaskRow:
    t = raw.task
    leads = [names[i] for i in raw.lead_ids if i in names]
    reasons = [(names[i], note) for i, note in raw.reasons if i in names]
    return TaskRow(t.number, t.content, t.field, t.deadline_text, t.due_date, leads, raw.role, raw.status,
                   raw.progress, reasons)  # fmt: skip


def _fields(rows: list[TaskRow]) -> list[FieldPart]:
    """The tasks by reform field, 1 to 8 in report order, then those with no field."""
    parts: dict[int | None, list[TaskRow]] = {}
    for row in rows:
        parts.setdefault(row.field, []).append(row)
    order = sorted(parts, key=lambda f: (f is None, f or 0))
    return [FieldPart(f, Progress.from_counts(StatusCounts.of(r.status for r in parts[f])), parts[f]) for f in order]


async def _targets(session: AsyncSession, unit: Unit, period: ReportPeriod) -> list[TargetRow]:
    """The targets the unit sees, met or not by their latest measurement within the window."""
    found = []
    for programme in await visible_programmes(session, unit, period.end):
        for target in programme.targets:
            latest = target.latest
            within = latest is not None and period.start <= latest.measured_on <= period.end
            found.append(TargetRow(target, latest.met if within and latest is not None else None))
    return found


async def _results(session: AsyncSession, unit: Unit, period: ReportPeriod) -> list[ResultLine]:
    """The unit's yearly index results published within the window, with their changes."""
    rows = await session.execute(
        select(IndexResult.index_id, IndexResult.year).where(
            IndexResult.unit_id == unit.id,
            YEARLY,
            IndexResult.published_on >= period.start,
            IndexResult.published_on <= period.end,
        )
    )
    found: list[ResultLine] = []
    for index_id, year in sorted({(i, y) for i, y in rows}, key=lambda r: r[1]):
        found += [line for line in await latest_results(session, unit.id, year) if line.index.id == index_id]
    return found
