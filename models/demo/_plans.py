"""The demo's plans (plans.toml): the 2023 plan with its 48 tasks (plan_2023.csv, deadlines as the plan
writes them) and the current-year demo plan (plan_current.csv, dates counted from today so every task
status exists whatever the day), their assignments and the progress reports of progress.csv."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from models.demo._context import DemoContext
from models.demo._files import afternoon, opt_date, read_rows, read_toml
from models.enums import AssignmentRole, DeadlineKind
from models.lineage import Period, year_period
from models.plans import Assignment, Plan, ProgressReport, Task
from models.rules import resolve_deadline

AssignmentKey = tuple[str, int, str]  # plan code, task number, unit code


@dataclass(frozen=True)
class _Schedule:
    deadline_text: str
    kind: DeadlineKind
    due: date
    progress: int
    completed_on: date | None


async def load_plans(demo: DemoContext) -> None:
    assignments: dict[AssignmentKey, Assignment] = {}
    for spec in read_toml("plans.toml")["plan"]:
        year = int(spec.get("year", demo.today.year))
        plan = Plan(
            code=spec["code"],
            year=year,
            title=spec["title"].format(year=year),
            issuing_unit_id=demo.unit(spec["issuing_unit"]).id,
        )
        demo.session.add(plan)
        await demo.session.flush()
        # a plan of a fixed year takes the units of that year; the current plan today's units (in the second
        # half of 2025 its year still reaches back before the reform)
        period = year_period(year) if "year" in spec else (demo.today, demo.today)
        assignments.update(await _load_tasks(demo, plan, spec["tasks"], period))
    for key, at in (await _load_reports(demo, assignments)).items():
        assignments[key].updated_at = at
    await demo.session.flush()


async def _load_tasks(demo: DemoContext, plan: Plan, file: str, period: Period) -> dict[AssignmentKey, Assignment]:
    rows = read_rows(file)
    tasks: list[tuple[Task, _Schedule, dict[str, str]]] = []
    for row in rows:
        schedule = _schedule(demo, row, plan.year, file)
        task = Task(
            plan_id=plan.id,
            number=int(row["number"]),
            content=row["content"],
            field=int(row["field"]),
            deadline_text=schedule.deadline_text,
            deadline_kind=schedule.kind,
            due_date=schedule.due,
        )
        tasks.append((task, schedule, row))
    demo.session.add_all(task for task, _, _ in tasks)
    await demo.session.flush()
    made: dict[AssignmentKey, Assignment] = {}
    for task, schedule, row in tasks:
        what = f"{file} task {task.number}"
        lead = demo.unit_during(row["lead"], period, what)
        units = [(lead, AssignmentRole.LEAD)]
        cooperating = demo.units_of(row["cooperating"], period, what)
        units += [(u, AssignmentRole.COOPERATE) for u in cooperating if u.id != lead.id]
        for unit, role in units:
            made[(plan.code, task.number, unit.code)] = Assignment(
                task_id=task.id,
                unit_id=unit.id,
                role=role,
                progress=schedule.progress,
                completed_on=schedule.completed_on,
                updated_at=_touched(demo, schedule),
            )
    demo.session.add_all(made.values())
    await demo.session.flush()
    return made


def _schedule(demo: DemoContext, row: dict[str, str], year: int, file: str) -> _Schedule:
    """Deadline and progress of a row: a plan's own deadline text, or days counted from today."""
    where = f"{file} task {row['number']}"
    progress = int(row["progress"])
    if "deadline" in row:
        kind, due = resolve_deadline(row["deadline"], year)
        text, completed_on = row["deadline"], opt_date(row["completed_on"])
    else:
        due = demo.today + timedelta(days=int(row["due_in"]))
        kind, text = DeadlineKind.DATE, due.strftime("%d/%m/%Y")
        if row["done_in"] and int(row["done_in"]) > 0:
            raise ValueError(f"{where}: completed after the day the demo is loaded")
        completed_on = demo.today + timedelta(days=int(row["done_in"])) if row["done_in"] else None
    if not 0 <= progress <= 100 or (progress == 100) != (completed_on is not None):
        raise ValueError(f"{where}: progress {progress} does not match completion {completed_on}")
    return _Schedule(text, kind, due, progress, completed_on)


async def _load_reports(
    demo: DemoContext, assignments: dict[AssignmentKey, Assignment]
) -> dict[AssignmentKey, datetime]:
    """Add the progress reports; return the time of each assignment's latest report."""
    latest: dict[AssignmentKey, tuple[datetime, int]] = {}
    for row in read_rows("progress.csv"):
        key = (row["plan"], int(row["number"]), row["unit"])
        if key not in assignments:
            raise ValueError(f"progress.csv: no assignment {key}")
        day = demo.day(row["when"])
        if row["when"].lstrip("+-").isdigit() and day > demo.today:
            raise ValueError(f"progress.csv: report {key} after the day the demo is loaded")
        at = afternoon(day, demo.clock.tz)
        demo.session.add(
            ProgressReport(
                assignment_id=assignments[key].id,
                percent=int(row["percent"]),
                note=row["note"],
                evidence=row["evidence"],
                evidence_kind="link" if row["evidence"].startswith("http") else "",
                reported_by_id=demo.officials[row["by"]].id if row["by"] else None,
                reported_at=at,
            )
        )
        if key not in latest or latest[key][0] <= at:
            latest[key] = (at, int(row["percent"]))
    for key, (_, percent) in latest.items():
        if percent != assignments[key].progress:
            raise ValueError(f"progress.csv: last report of {key} says {percent}%, the plan file says otherwise")
    await demo.session.flush()
    return {key: at for key, (at, _) in latest.items()}


def _touched(demo: DemoContext, schedule: _Schedule) -> datetime | None:
    """When an assignment without reports was last updated: on completion; a week before its deadline
    (or before today, if sooner) when work has started; never when it has not."""
    if schedule.completed_on is not None:
        return afternoon(schedule.completed_on, demo.clock.tz)
    if schedule.progress == 0:
        return None
    return afternoon(min(schedule.due, demo.today) - timedelta(days=7), demo.clock.tz)
