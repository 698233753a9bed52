"""Time and peak memory to compute the due pushes over the national benchmark database, and over a
4-province one to show that the cost grows with the pushes due, not with the database.

``python -m bench.push``: every job (``jobs.due.JOBS``) on a day it has work — reminders and digests on the
database's own day (the day its deadlines were placed around), drives on a weekly-standings day of the
drives, quarterly on the day of the quarterly review reminder — each in a fresh process, so that its peak
memory (``ru_maxrss``) is its own. "compute" runs the queries and builds every outbox row without writing;
"compute + enqueue" also inserts them, into a copy of the database (the benchmark file is never written).

``python -m bench.push --week``: messages per official in one week, before and after the no-nagging rules
(``bench/push_week.py``), on the national database only.

Both databases are reused as they are when they exist (``bench.national`` builds them when missing; pass
``--rebuild`` to rebuild them whatever their schema).
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import multiprocessing
import sqlite3
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import func, select

from bench.national import Params, peak_memory_mb, prepare_in_process, read_marker, sqlite_url
from models import DEFAULT_TZ, Assignment, FrozenClock, Official
from models.db import create_engine, session_factory

NATIONAL = Path("bench/out/national.db")
FOUR = Path("bench/out/national-4.db")
LIMIT_SECONDS, LIMIT_MB = 1.0, 150.0


@dataclass(frozen=True)
class Measure:
    job: str
    day: date
    pushes: int
    seconds: float
    base_mb: float  # after imports and the first query, before computing
    peak_mb: float
    write: bool

    def line(self) -> str:
        what = "compute + enqueue" if self.write else "compute"
        return (
            f"  {self.job:<14} {self.day.isoformat()}  {what:<17} {self.pushes:>9,} pushes  {self.seconds:6.3f} s"
            f"  peak {self.peak_mb:5.0f} MB (base {self.base_mb:3.0f} MB, +{self.peak_mb - self.base_mb:3.0f})"
        )


def job_days(today: date) -> dict[str, date]:
    """A day on which each job has work in a benchmark database built around ``today``."""
    since = 60  # bench.province: drives run from today-60 to today+90
    weekly = today + timedelta(days=-(-since // 7) * 7 - since)  # the next weekly-standings day
    month = (today.month - 1) // 3 * 3 + 3
    quarter_end = date(today.year, month, calendar.monthrange(today.year, month)[1])
    review = quarter_end - timedelta(days=7)
    return {"reminders": today, "digests": today, "leader_digests": today, "drives": weekly, "quarterly": review}


async def _measure(url: str, job: str, day: date, write: bool) -> Measure:
    from jobs.due import due_pushes
    from jobs.kinds import PushRules
    from jobs.outbox import enqueue

    engine = create_engine(url)
    sessions = session_factory(engine)
    now = datetime.combine(day, clock_time(8), DEFAULT_TZ)
    settings = PushRules()
    try:
        async with sessions() as session:
            await session.execute(select(func.count()).select_from(Official))  # connect, warm the pool
        base = peak_memory_mb()
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            pushes = await due_pushes(session, FrozenClock(at=now).now(), settings, [job])
            count = await enqueue(session, pushes) if write else sum(1 for _ in pushes)
        seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    return Measure(job, day, count, seconds, base, peak_memory_mb(), write)


def measure_in_process(url: str, job: str, day: date, write: bool) -> Measure:
    return asyncio.run(_measure(url, job, day, write))


def fresh(fn: object, *args: object) -> Measure:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()  # type: ignore[arg-type]


async def describe(url: str) -> tuple[date, int, int]:
    """The day the database was built around, its assignments and officials."""
    marker = await read_marker(url) or {}
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            assignments = (await conn.execute(select(func.count()).select_from(Assignment))).scalar_one()
            officials = (await conn.execute(select(func.count()).select_from(Official))).scalar_one()
    finally:
        await engine.dispose()
    day = date.fromisoformat(marker["today"]) if "today" in marker else date.today()
    return day, int(assignments), int(officials)


def ensure(path: Path, provinces: int, rebuild: bool) -> None:
    if path.exists() and not rebuild:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    params = Params.scaled(provinces, 1.0, date.today().year)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        report = pool.submit(prepare_in_process, sqlite_url(path), params, rebuild).result()
    print("\n".join(report.lines()))


def copy_of(path: Path, folder: str) -> Path:
    """A consistent copy of an SQLite database (the backup API: safe while others read or write it)."""
    target = Path(folder) / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def run(path: Path, runs: int, write: bool) -> list[Measure]:
    url = sqlite_url(path)
    day, assignments, officials = asyncio.run(describe(url))
    print(f"{path}: {assignments:,} assignments, {officials:,} officials, built around {day.isoformat()}")
    found: list[Measure] = []
    for job, on in job_days(day).items():
        best = min((fresh(measure_in_process, url, job, on, False) for _ in range(runs)), key=lambda m: m.seconds)
        found.append(best)
        print(best.line())
    if write:
        with tempfile.TemporaryDirectory() as folder:
            for job in ("reminders", "digests", "leader_digests"):
                copy = copy_of(path, folder)
                measured = fresh(measure_in_process, sqlite_url(copy), job, day, True)
                found.append(measured)
                print(measured.line())
                copy.unlink()
    return found


def growth(small: list[Measure], large: list[Measure]) -> list[str]:
    lines = ["growth from 4 to 34 provinces (pushes due ×, time ×):"]
    for a, b in zip(small, large, strict=True):
        if a.write or not a.pushes:
            continue
        lines.append(
            f"  {a.job:<14} pushes ×{b.pushes / a.pushes:5.1f}   time ×{b.seconds / max(a.seconds, 1e-6):5.1f}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.push", description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=NATIONAL)
    p.add_argument("--small", type=Path, default=FOUR, help="the 4-province database (built when missing)")
    p.add_argument("--runs", type=int, default=3, help="runs per job; the fastest is shown")
    p.add_argument("--no-enqueue", action="store_true", help="skip the compute + enqueue runs on a copy")
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--week", action="store_true", help="messages per official in a week, before and after")
    args = p.parse_args(argv)
    ensure(args.db, 34, args.rebuild)
    if args.week:
        from bench.push_week import run_week

        day, _, officials = asyncio.run(describe(sqlite_url(args.db)))
        print(f"{args.db}: {officials:,} officials")
        run_week(sqlite_url(args.db), day)
        return 0
    ensure(args.small, 4, args.rebuild)
    small = run(args.small, args.runs, write=False)
    large = run(args.db, args.runs, write=not args.no_enqueue)
    print("\n".join(growth(small, [m for m in large if not m.write])))
    over = [m for m in large if not m.write and (m.seconds > LIMIT_SECONDS or m.peak_mb > LIMIT_MB)]
    for m in over:
        print(f"over the target ({LIMIT_SECONDS:.0f} s, {LIMIT_MB:.0f} MB): {m.job}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
