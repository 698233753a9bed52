"""The scheduler: one cron job per push job, in the configured time zone; a run queues what is due once."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.kinds import PushRules
from jobs.scheduler import build_scheduler, planned, run_job
from models import DEFAULT_TZ, Clock, FrozenClock
from models.settings import SCHEDULE_JOBS, BotConfig
from tests.jobs.conftest import NOW, SETTINGS, build_world


def scheduled(catch_up_minutes: int = 120, **crons: str) -> PushRules:
    """SETTINGS with these [schedule] cron lines, every other job switched off."""
    lines = {**dict.fromkeys(SCHEDULE_JOBS, ""), **crons, "catch_up_minutes": catch_up_minutes}
    return dataclasses.replace(SETTINGS, schedule=SETTINGS.schedule.model_copy(update=lines))


RULES = scheduled(reminders="0 8 * * *", digests="30 7 * * mon", drives="0 9 * * *")


def test_planned_jobs_show_their_next_run_in_the_time_zone() -> None:
    jobs = {j.name: j for j in planned(RULES, datetime(2024, 6, 1, 8, 30, tzinfo=DEFAULT_TZ))}
    assert jobs["reminders"].next_run == datetime(2024, 6, 2, 8, 0, tzinfo=DEFAULT_TZ)
    assert jobs["digests"].next_run == datetime(2024, 6, 3, 7, 30, tzinfo=DEFAULT_TZ)  # a Monday
    assert jobs["quarterly"].next_run is None and jobs["quarterly"].cron == ""


async def test_scheduler_has_one_job_per_cron_line_and_catches_up_a_run_just_missed() -> None:
    clock = FrozenClock(at=datetime(2024, 6, 1, 8, 30, tzinfo=DEFAULT_TZ))
    scheduler = build_scheduler(None, clock, RULES)  # type: ignore[arg-type]
    ids = sorted(job.id for job in scheduler.get_jobs())
    assert ids == ["digests", "drives", "reminders", "reminders:catch-up"]  # 08:00 passed half an hour ago
    late = build_scheduler(
        None, clock, dataclasses.replace(RULES, schedule=scheduled(10, reminders="0 8 * * *").schedule)
    )  # type: ignore[arg-type]
    assert "reminders:catch-up" not in {job.id for job in late.get_jobs()}


async def test_scheduler_starts_and_shuts_down_in_a_running_loop() -> None:
    scheduler = build_scheduler(None, FrozenClock(at=NOW), RULES)  # type: ignore[arg-type]
    scheduler.start(paused=True)
    assert scheduler.running
    scheduler.shutdown(wait=False)


def test_cron_lines_are_read_in_the_configured_time_zone() -> None:
    utc = dataclasses.replace(RULES, bot=BotConfig(timezone="UTC"))
    jobs = {j.name: j for j in planned(utc, datetime(2024, 6, 1, 8, 30, tzinfo=DEFAULT_TZ))}  # 01:30 UTC
    assert jobs["reminders"].next_run == datetime(2024, 6, 1, 8, 0, tzinfo=ZoneInfo("UTC"))
    scheduler = build_scheduler(None, FrozenClock(at=NOW), utc)  # type: ignore[arg-type]
    assert str(scheduler.timezone) == "UTC"


async def test_running_a_job_queues_its_pushes_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await build_world(session)
    clock = FrozenClock(at=NOW)
    first = await run_job("reminders", sessions, clock, SETTINGS)
    assert first == 11 + 2 + 2  # deadline reminders, overdue notices (to a unit's head), escalations
    assert await run_job("reminders", sessions, clock, SETTINGS) == 0
    clock.advance(timedelta(days=1))
    assert await run_job("reminders", sessions, clock, SETTINGS) > 0  # a new day: its reminders


async def test_a_started_scheduler_runs_the_job_it_just_missed(sessions: async_sessionmaker[AsyncSession]) -> None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent

    done: asyncio.Queue[JobExecutionEvent] = asyncio.Queue()
    scheduler = build_scheduler(sessions, Clock(DEFAULT_TZ), scheduled(reminders="* * * * *"))
    scheduler.add_listener(done.put_nowait, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        event = await asyncio.wait_for(done.get(), 10)
    finally:
        scheduler.shutdown(wait=False)
    assert event.job_id == "reminders:catch-up" and event.exception is None and event.retval == 0


async def test_a_job_cut_short_by_shutdown_queues_nothing_and_is_no_error(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    """Started between 08:00 and 10:00 the morning's catch-up run may still be reading when the process
    stops (the console's input ended): the job is cancelled, its transaction rolled back, and the log says
    so in one line instead of APScheduler's "raised an exception" traceback."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent

    async with sessions() as session:
        await build_world(session)
    entered = asyncio.Event()

    class Stuck:  # a session whose first query never returns, as a slow disk would at shutdown
        def __init__(self, real: AsyncSession) -> None:
            self.real = real

        def __getattr__(self, name: str) -> object:
            return getattr(self.real, name)

        async def execute(self, *args: object, **kwargs: object) -> object:
            entered.set()
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

    class StuckSessions:
        def __call__(self) -> object:
            return self

        async def __aenter__(self) -> Stuck:
            self.real = sessions()
            return Stuck(await self.real.__aenter__())

        async def __aexit__(self, *exc: object) -> None:
            await self.real.__aexit__(*exc)

    events: list[JobExecutionEvent] = []
    scheduler = build_scheduler(StuckSessions(), Clock(DEFAULT_TZ), scheduled(reminders="* * * * *"))  # type: ignore[arg-type]
    scheduler.add_listener(events.append, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    caplog.set_level("INFO")
    scheduler.start()
    await asyncio.wait_for(entered.wait(), 10)
    scheduler.shutdown(wait=False)
    for _ in range(50):
        if events:
            break
        await asyncio.sleep(0.02)
    assert [(e.job_id, e.exception, e.retval) for e in events] == [("reminders:catch-up", None, 0)]
    assert "job reminders: interrupted by shutdown, nothing queued" in caplog.text
    assert "Traceback" not in caplog.text and "raised an exception" not in caplog.text


def test_a_job_s_process_gives_way_to_the_answers() -> None:
    """Issue 20: on 2 CPUs the digests' process took the CPU the answers needed: p99 ~150 → ~450 ms while
    they ran. The job's process runs at a lower priority than the bot (where the system allows it)."""
    import os

    from jobs.scheduler import JOB_NICENESS, job_pool

    with job_pool() as pool:
        assert pool.submit(os.nice, 0).result(timeout=60) == min(19, os.nice(0) + JOB_NICENESS)


async def test_a_job_computes_and_writes_away_from_the_process_that_answers_officials(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20: the national leader digests take seconds of Python; run on the bot's event loop (or in a
    thread, at Python's lock) they held every answer back meanwhile (``python -m bench.peak``). The job now
    runs in a process of its own: computing it here would fail, and it still queues its pushes once."""
    import jobs.scheduler as scheduler_module

    async with sessions() as session:
        await build_world(session)

    async def here(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("computed in the process that answers the officials")

    monkeypatch.setattr(scheduler_module, "due_pushes", here)
    clock = FrozenClock(at=NOW)
    assert await run_job("reminders", sessions, clock, SETTINGS) == 11 + 2 + 2
    assert await run_job("reminders", sessions, clock, SETTINGS) == 0
