"""``python -m bench.risk``: how well the slip-risk rule (``models/risk.py``) would have warned, measured on
history with what happened afterwards hidden.

For every assignment that came due, the rule is run as of ``LEAD`` days before its deadline, seeing only
what was known then: its progress reports up to that day (progress, date, self-assessment), the unit's
assignments already done or overdue by then (its on-time record), the plan's first day. "At risk" is then
compared with what happened: finished late (completed after the deadline, or still not done). Precision:
of the warned, how many did finish late; recall: of those that finished late, how many were warned.
"Reminders ignored" counts nothing here: with the default offsets (7, 3, 1, 0) no reminder is sent before
T-7, so it cannot help a warning at T-7.

Two histories:
- the built-in demo (loaded into a fresh SQLite database on its own demo day): the real-looking 2023 plan
  and the current plan, with their few dozen progress reports;
- a simulated province of the national benchmark's shape (``--units`` units, ``--tasks`` tasks each in
  one year): the national benchmark database holds each assignment's current progress and completion day
  only, no report history, so with completion hidden it says nothing at T-7. The simulation gives each
  unit a diligence, each task a size and each unit a reporting rhythm; progress grows report by report at
  a pace drawn from them (and slows or stalls at random), a unit's self-assessment says "chậm" when its
  own progress is well behind an even pace. It never looks at the rule: whether a task finishes late
  comes from the simulated work, not from the warning's reasons.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from models import DEFAULT_TZ, FrozenClock
from models.db import create_engine, session_factory, upgrade
from models.demo import load_demo
from models.plans import Assignment, Plan, ProgressReport, Task, assignment_due
from models.risk import History, plan_start, slip_risk

LEAD = 7  # the warning is judged as of this many days before the deadline
DEMO_DAY = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)


@dataclass
class Case:
    """One assignment: what was known ``LEAD`` days before its deadline, and whether it finished late."""

    unit: int
    due: date
    started: date
    reports: list[tuple[date, int, str | None]]  # (day, percent, self-assessment), in order
    completed: date | None


@dataclass
class Scores:
    cases: int = 0
    late: int = 0
    warned: int = 0
    hits: int = 0

    def line(self, name: str) -> str:
        precision = f"{100 * self.hits / self.warned:.1f}%" if self.warned else "–"
        recall = f"{100 * self.hits / self.late:.1f}%" if self.late else "–"
        base = f"{100 * self.late / self.cases:.1f}%" if self.cases else "–"
        return (
            f"{name:<34} open {self.cases:>5}  finished late {self.late:>5} (= baseline precision {base})  "
            f"warned {self.warned:>5}  precision {precision:>6}  recall {recall:>6}"
        )


def evaluate(cases: list[Case], today: date, lead: int = LEAD) -> Scores:
    """The rule at T-``lead`` of every case that came due by ``today`` and was still open then, against
    finishing late. (Warning every one of them is the baseline: its precision is the share that finished
    late, its recall 100%.)"""
    by_unit: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        by_unit[case.unit].append(case)
    scores = Scores()
    for case in cases:
        day = case.due - timedelta(days=lead)
        if case.due > today or day <= case.started or (case.completed is not None and case.completed <= day):
            continue  # not due yet, or no time to warn, or already done when the warning would be given
        known = [r for r in case.reports if r[0] <= day]
        last = known[-1] if known else None
        first = next(((r[0], r[1]) for r in known if r[1] > 0), None)
        came_due = late = 0
        for other in by_unit[case.unit]:  # the unit's record as it stood that day
            if other.due < day:
                done_by_then = other.completed is not None and other.completed <= day
                if done_by_then or other.due < day:
                    came_due += 1
                    late += not done_by_then or (other.completed is not None and other.completed > other.due)
        history = History(
            today=day,
            due=case.due,
            started=case.started,
            progress=last[1] if last else 0,
            last_report=last[0] if last else None,
            first_report=first,
            self_assessment=last[2] if last else None,
            unit_came_due=came_due,
            unit_late=late,
        )
        finished_late = case.completed is None or case.completed > case.due
        warned = slip_risk(history).at_risk
        scores.cases += 1
        scores.late += finished_late
        scores.warned += warned
        scores.hits += warned and finished_late
    return scores


async def demo_cases() -> tuple[list[Case], date]:
    """The demo's assignments with their reports, loaded on its demo day into a throw-away database."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}"
        await upgrade(url)
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                await load_demo(session, FrozenClock(at=DEMO_DAY))
                await session.commit()
                rows = await session.execute(
                    select(Assignment.id, Assignment.unit_id, assignment_due, Assignment.completed_on, Plan.year)
                    .add_columns(Plan.issued_on)
                    .join(Task, Task.id == Assignment.task_id)
                    .join(Plan, Plan.id == Task.plan_id)
                )
                reports: dict[int, list[tuple[date, int, str | None]]] = defaultdict(list)
                for assignment_id, at, percent, assessed in await session.execute(
                    select(
                        ProgressReport.assignment_id,
                        ProgressReport.reported_at,
                        ProgressReport.percent,
                        ProgressReport.self_assessment,
                    ).order_by(ProgressReport.reported_at, ProgressReport.id)
                ):
                    reports[assignment_id].append((at.astimezone(DEFAULT_TZ).date(), percent, assessed))
                cases = [
                    Case(unit, due, plan_start(year, issued), reports.get(a, []), done)
                    for a, unit, due, done, year, issued in rows
                ]
        finally:
            await engine.dispose()
    return cases, DEMO_DAY.date()


def progress_on(days: float, shape: tuple[float, float, float, float, int, float]) -> float:
    """Percent of a simulated task done ``days`` after the plan's start: work begins after ``delay``, runs
    ``work`` days at the unit's pace, stops ``stall`` days at ``stall_at``, and rushes in the last two weeks."""
    delay, work, stall, stall_at, available, diligence = shape
    busy = max(0.0, days - delay) - (min(max(0.0, days - stall_at), stall) if stall else 0.0)
    rush = max(0.0, days - (available - 14)) * diligence  # extra days of work from the last push
    return min(100.0, 100 * (busy + rush) / work)


def simulated_cases(units: int, tasks: int, year: int, seed: int) -> list[Case]:
    """A province's year of work, simulated (module docstring)."""
    rng = random.Random(seed)
    start = date(year, 1, 1)
    cases: list[Case] = []
    for unit in range(units):
        diligence = rng.betavariate(5, 2)  # most units fairly diligent, a tail that is not
        rhythm = rng.choice((14, 21, 30, 45))  # days between reports while work goes on
        for _ in range(tasks):
            due = start + timedelta(days=rng.randint(45, 364))
            available = (due - start).days
            delay = available * rng.uniform(0, 0.6) * (1 - diligence)  # days before work begins
            work = available * rng.uniform(0.2, 0.9) / (0.3 + diligence)  # days of work at the unit's pace
            stall = rng.uniform(20, 90) if rng.random() < 0.3 * (1 - diligence) else 0.0  # work stops a while
            stall_at = delay + work * rng.uniform(0.2, 0.8)

            shape = (delay, work, stall, stall_at, available, diligence)
            completed_after = next((d for d in range(1, 731) if progress_on(d, shape) >= 100), None)
            completed = start + timedelta(days=completed_after) if completed_after is not None else None
            reports: list[tuple[date, int, str | None]] = []
            day = int(delay) + rhythm
            while completed_after is None or day < completed_after:
                if day > 730:
                    break
                done = int(progress_on(day, shape))
                even = 100 * day / available
                assessed = "late" if done < 0.5 * even else "at_risk" if done < 0.8 * even else "on_track"
                reports.append((start + timedelta(days=day), done, assessed if rng.random() < 0.5 else None))
                day += max(3, int(rng.gauss(rhythm, rhythm / 3)))
            if completed is not None:
                reports.append((completed, 100, None))  # a unit reports the day it is done
            cases.append(Case(unit, due, start, reports, completed))
    return cases


async def run(units: int, tasks: int, seed: int, leads: list[int]) -> list[str]:
    cases, today = await demo_cases()
    simulated = simulated_cases(units, tasks, 2025, seed)
    late = sum(c.completed is None or c.completed > c.due for c in simulated)
    lines = [f"simulated: {len(simulated)} assignments, {late} finished late"]
    for lead in leads:
        lines.append(evaluate(cases, today, lead).line(f"T-{lead} demo (loaded 10/03/2026)"))
        lines.append(
            evaluate(simulated, date(2026, 12, 31), lead).line(f"T-{lead} simulated ({units}×{tasks}, seed {seed})")
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.risk", description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=120, help="simulated units (a province: ~100)")
    parser.add_argument("--tasks", type=int, default=40, help="assignments per simulated unit in the year")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--lead", type=int, action="append", help=f"days before the deadline (default {LEAD} and 14)")
    args = parser.parse_args(argv)
    print("slip risk judged some days before each deadline on the assignments still open then, against finishing late")
    for line in asyncio.run(run(args.units, args.tasks, args.seed, args.lead or [LEAD, 14])):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
