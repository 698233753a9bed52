"""The scheduler: one cron job per push job, in the configured time zone; a run queues what is due once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.scheduler import build_scheduler, planned, run_job
from models import DEFAULT_TZ, Clock, FrozenClock
from tests.jobs.conftest import NOW, SETTINGS, build_world

CRONS = {"reminders": "0 8 * * *", "digests": "30 7 * * mon", "drives": "0 9 * * *", "quarterly": ""}


def test_planned_jobs_show_their_next_run_in_the_time_zone() -> None:
    jobs = {j.name: j for j in planned(CRONS, DEFAULT_TZ, datetime(2024, 6, 1, 8, 30, tzinfo=DEFAULT_TZ))}
    assert jobs["reminders"].next_run == datetime(2024, 6, 2, 8, 0, tzinfo=DEFAULT_TZ)
    assert jobs["digests"].next_run == datetime(2024, 6, 3, 7, 30, tzinfo=DEFAULT_TZ)  # a Monday
    assert jobs["quarterly"].next_run is None and jobs["quarterly"].cron == ""


async def test_scheduler_has_one_job_per_cron_line_and_catches_up_a_run_just_missed() -> None:
    clock = FrozenClock(at=datetime(2024, 6, 1, 8, 30, tzinfo=DEFAULT_TZ))
    scheduler = build_scheduler(None, clock, SETTINGS, CRONS, ZoneInfo("Asia/Ho_Chi_Minh"))  # type: ignore[arg-type]
    ids = sorted(job.id for job in scheduler.get_jobs())
    assert ids == ["digests", "drives", "reminders", "reminders:catch-up"]  # 08:00 passed half an hour ago
    late = build_scheduler(None, clock, SETTINGS, CRONS, DEFAULT_TZ, catch_up=timedelta(minutes=10))  # type: ignore[arg-type]
    assert "reminders:catch-up" not in {job.id for job in late.get_jobs()}


async def test_scheduler_starts_and_shuts_down_in_a_running_loop() -> None:
    scheduler = build_scheduler(None, FrozenClock(at=NOW), SETTINGS, CRONS, DEFAULT_TZ)  # type: ignore[arg-type]
    scheduler.start(paused=True)
    assert scheduler.running
    scheduler.shutdown(wait=False)


def test_unknown_jobs_are_refused() -> None:
    with pytest.raises(KeyError, match="nightly"):
        build_scheduler(None, FrozenClock(), SETTINGS, {"nightly": "0 1 * * *"}, DEFAULT_TZ)  # type: ignore[arg-type]


async def test_running_a_job_queues_its_pushes_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await build_world(session)
    clock = FrozenClock(at=NOW)
    first = await run_job("reminders", sessions, clock, SETTINGS)
    assert first == 11 + 4 + 2  # deadline reminders, overdue notices, escalations
    assert await run_job("reminders", sessions, clock, SETTINGS) == 0
    clock.advance(timedelta(days=1))
    assert await run_job("reminders", sessions, clock, SETTINGS) > 0  # a new day: the overdue notice again


async def test_a_started_scheduler_runs_the_job_it_just_missed(sessions: async_sessionmaker[AsyncSession]) -> None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent

    done: asyncio.Queue[JobExecutionEvent] = asyncio.Queue()
    scheduler = build_scheduler(sessions, Clock(DEFAULT_TZ), SETTINGS, {"reminders": "* * * * *"}, DEFAULT_TZ)
    scheduler.add_listener(done.put_nowait, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        event = await asyncio.wait_for(done.get(), 10)
    finally:
        scheduler.shutdown(wait=False)
    assert event.job_id == "reminders:catch-up" and event.exception is None and event.retval == 0
