"""The scheduler: APScheduler's ``AsyncIOScheduler`` with one cron job per entry of ``jobs.due.JOBS``.

It holds nothing that matters. Each run computes what is due from the database and writes it to the
outbox in one transaction (``run_job``); the unique dedupe keys make a second run — after a restart, or
in another process — insert nothing new. Only one process should run the scheduler (``jobs/lease.py``
decides which); this module only builds it:

    scheduler = build_scheduler(sessions, clock, rules)   # cron lines from rules.schedule, in rules.bot.tz
    scheduler.start()        # inside a running event loop
    ...
    scheduler.shutdown(wait=False)

A job whose time passed less than [schedule].catch_up_minutes before the scheduler was built (the process
restarted, or took over the lease, just after 08:00) is also run once at start.

A job runs apart from the event loop that answers the officials (issue 20, ``python -m bench.peak``): in a
process of its own (spawned for the run: a thread would still hold the loop back at Python's lock), with its
own engine, at a lower CPU priority (``JOB_NICENESS``), it computes every push first and then
writes them, so neither its Python (the leader digests take seconds on a national
database) nor SQLite's write lock (held while the rows go in) keeps an answer waiting. An in-memory SQLite
database, which another engine could not see, is the exception (and sessions that are not a plain
``async_sessionmaker``): there the job runs on the caller's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from jobs.due import JOBS, due_pushes
from jobs.kinds import PushRules
from jobs.outbox import enqueue
from models.clock import Clock
from models.db import create_engine, session_factory
from models.settings import SCHEDULE_JOBS

assert tuple(JOBS) == SCHEDULE_JOBS, "[schedule] has one cron line per job of jobs.due.JOBS, in the same order"

log = logging.getLogger("cchc-bot.jobs")


def cron_trigger(expression: str, tz: ZoneInfo) -> CronTrigger:
    """A five-field crontab line (minute hour day month weekday) in ``tz``. Weekdays are best written
    as names (mon-sun): APScheduler counts numbered weekdays from 0 = Monday, not Sunday."""
    return CronTrigger.from_crontab(expression, timezone=tz)


async def run_job(name: str, sessions: async_sessionmaker[AsyncSession], clock: Clock, rules: PushRules) -> int:
    """Compute the pushes job ``name`` finds due now and queue them, in one transaction; return how many
    were queued (0 when everything due was already queued)."""
    if name not in JOBS:
        raise KeyError(f"no job named {name!r} (jobs: {', '.join(JOBS)})")
    now = clock.now()
    engine: AsyncEngine | None = getattr(sessions, "kw", {}).get("bind")
    apart = engine is not None and not (engine.url.get_backend_name() == "sqlite" and _in_memory(engine))
    try:
        if engine is not None and apart:
            queued = await _apart(name, engine, now, rules)
        else:
            queued = await _compute_and_queue(name, sessions, now, rules)
    except asyncio.CancelledError:
        # the process is stopping (the scheduler cancels a job still running at shutdown): a job on this
        # loop rolls back; one in its process finishes there (its rows are unique: a re-run adds nothing)
        log.info("job %s: interrupted by shutdown, %s", name, "finishing in its process" if apart else "nothing queued")
        return 0
    log.info("job %s: %d push(es) queued", name, queued)
    return queued


def _in_memory(engine: AsyncEngine) -> bool:
    return engine.url.database in (None, "", ":memory:")


async def _apart(name: str, engine: AsyncEngine, now: datetime, rules: PushRules) -> int:
    """The job in a process of its own (spawned for the run), through its own engine on the same database."""
    url = engine.url.render_as_string(hide_password=False)
    pool = job_pool()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, _in_process, name, url, now, rules)
    finally:
        pool.shutdown(wait=False)


# How much lower the job's process runs than the one answering the officials (nice(2) steps): on a small
# machine the digests' minute of computing otherwise takes the CPU the answers need (bench.peak: p99 at
# 20 updates a second from ~150 ms to ~450 ms while the digests ran, bench/README.md).
JOB_NICENESS = 10


def job_pool() -> ProcessPoolExecutor:
    """One spawned process for one job run, at a lower CPU priority than the bot."""
    return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=lower_priority)


def lower_priority() -> None:
    """Yield the CPU to the process that answers officials (where the system allows it)."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice (Windows), or not permitted
        os.nice(JOB_NICENESS)


def _in_process(name: str, url: str, now: datetime, rules: PushRules) -> int:
    async def run() -> int:
        own = create_engine(url)
        try:
            return await _compute_and_queue(name, session_factory(own), now, rules)
        finally:
            await own.dispose()

    return asyncio.run(run())


async def _compute_and_queue(
    name: str, sessions: async_sessionmaker[AsyncSession], now: datetime, rules: PushRules
) -> int:
    """Every push first, then their rows, in one transaction: what computing them changes (the pushes held
    for an official back from leave, taken to go with the catch-up) is written with them or not at all.
    The pushes are listed before the first insert, so SQLite's write lock (taken at a transaction's first
    write) is held for the inserts, not while the rest is computed."""
    async with sessions() as session, session.begin():
        pushes = list(await due_pushes(session, now, rules, [name]))
        return await enqueue(session, pushes)


@dataclass(frozen=True)
class PlannedJob:
    name: str
    cron: str  # "" when the job is switched off
    next_run: datetime | None


def planned(rules: PushRules, now: datetime) -> list[PlannedJob]:
    """Every job with its cron line and next run after ``now`` (for ``cchc-bot jobs list``)."""
    found = []
    for name, cron in rules.schedule.crons().items():
        next_run = cron_trigger(cron, rules.bot.tz).get_next_fire_time(None, now) if cron else None
        found.append(PlannedJob(name, cron, next_run))
    return found


def build_scheduler(sessions: async_sessionmaker[AsyncSession], clock: Clock, rules: PushRules) -> AsyncIOScheduler:
    """A scheduler (not started) with one job per non-empty cron line of ``rules.schedule``, in
    ``rules.bot.tz``."""
    tz, catch_up = rules.bot.tz, timedelta(minutes=rules.schedule.catch_up_minutes)
    scheduler = AsyncIOScheduler(
        timezone=tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(catch_up.total_seconds())},
    )
    now = clock.now()
    for name, cron in rules.schedule.crons().items():
        if not cron:
            continue
        trigger = cron_trigger(cron, tz)
        args = (name, sessions, clock, rules)
        scheduler.add_job(run_job, trigger, args=args, id=name, name=name, replace_existing=True)
        last = trigger.get_next_fire_time(None, now - catch_up)
        if last is not None and last <= now:  # its time passed while no scheduler ran: run it once now
            scheduler.add_job(run_job, "date", run_date=now, args=args, id=f"{name}:catch-up", name=name)
    return scheduler
