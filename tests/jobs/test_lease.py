"""The scheduler lease on both databases: one holder at a time, renewed by its holder, taken over once
expired or released; the runtime starts the scheduler while it holds the lease and stops it when it
loses it; a holder killed with SIGKILL is replaced within the lease time."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.lease import SchedulerLease
from jobs.runtime import Runtime
from models import Clock, FrozenClock
from models import Lease as LeaseRow
from tests.jobs.support import T0
from tests.jobs.test_crash import spawn


def lease(sessions: async_sessionmaker[AsyncSession], holder: str, clock: Clock, seconds: float = 30) -> SchedulerLease:
    return SchedulerLease(sessions, holder, seconds=seconds, clock=clock)


async def age(sessions: async_sessionmaker[AsyncSession], seconds: float) -> None:
    """Time passes for the leases: every expiry moves ``seconds`` nearer (the database's clock cannot be
    moved, so the rows are)."""
    async with sessions() as session, session.begin():
        for held in (await session.scalars(select(LeaseRow))).all():
            held.expires_at = held.expires_at - timedelta(seconds=seconds)


async def test_one_holder_at_a_time_until_it_expires(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FrozenClock(at=T0)
    a, b = lease(sessions, "a", clock), lease(sessions, "b", clock)
    assert await a.acquire()
    assert not await b.acquire()
    await age(sessions, 20)
    assert await a.acquire()  # renewed: now held for 30 s more
    await age(sessions, 28)
    assert not await b.acquire()
    await age(sessions, 3)  # a stopped renewing and its lease ran out
    assert await b.acquire()
    assert not await a.acquire()


async def test_a_released_lease_is_taken_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FrozenClock(at=T0)
    a, b = lease(sessions, "a", clock), lease(sessions, "b", clock)
    assert await a.acquire()
    await a.release()
    assert await b.acquire()


async def test_racing_processes_get_one_lease(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FrozenClock(at=T0)
    first = await asyncio.gather(*(lease(sessions, f"p{i}", clock).acquire() for i in range(8)))
    assert first.count(True) == 1  # no row yet: the INSERTs race
    await age(sessions, 300)
    again = await asyncio.gather(*(lease(sessions, f"q{i}", clock).acquire() for i in range(8)))
    assert again.count(True) == 1  # an expired row: the conditional UPDATEs race


class Stub:
    def __init__(self) -> None:
        self.running = False

    def start(self) -> None:
        self.running = True

    async def shutdown(self) -> None:
        self.running = False


async def wait_until(predicate: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_the_runtime_runs_the_scheduler_only_while_it_holds_the_lease(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    one, two = Stub(), Stub()
    first = Runtime(lease=lease(sessions, "one", Clock(), seconds=0.6), scheduler=lambda: one)
    second = Runtime(lease=lease(sessions, "two", Clock(), seconds=0.6), scheduler=lambda: two)
    async with second:
        async with first:
            await wait_until(lambda: one.running or two.running)
            holder, other = (one, two) if one.running else (two, one)
            await asyncio.sleep(0.5)
            assert holder.running and not other.running
            async with sessions() as session, session.begin():  # another process steals the lease
                await session.execute(
                    update(LeaseRow).values(holder="thief", expires_at=Clock().now() + timedelta(hours=1))
                )
            await wait_until(lambda: not holder.running)
            assert not other.running
        await asyncio.sleep(0.1)
    assert not one.running and not two.running


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # several processes: PostgreSQL's case
async def test_a_killed_holder_is_replaced_within_the_lease_time(db_url: str, tmp_path: Path) -> None:
    out, seconds = tmp_path / "schedulers.txt", 2.0
    out.touch()
    workers = await asyncio.gather(
        *(spawn(tmp_path, name, "lease", db_url, str(out), "--seconds", str(seconds)) for name in ("a", "b"))
    )
    await wait_until(lambda: "start" in out.read_text(), timeout=10)
    await asyncio.sleep(0.8)  # more than a renewal period
    assert out.read_text().count("start") == 1  # one scheduler, the other process waits
    holder = next(w for w in workers if f"start p{w.pid}" in out.read_text())
    holder.kill()  # SIGKILL: the lease is not released
    killed = time.monotonic()
    await holder.wait()
    await wait_until(lambda: out.read_text().count("start") == 2, timeout=10)
    took = time.monotonic() - killed
    for worker in workers:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    assert took <= seconds + seconds / 3 + 0.5  # the expiry, then the next try of the other process
