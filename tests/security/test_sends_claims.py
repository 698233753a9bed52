"""Claims and leases run on the database's clock: processes whose own clocks disagree by minutes never
send one outbox row twice, nor both hold the scheduler lease (issue 11, "sends")."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.dispatcher import Dispatcher
from jobs.lease import SchedulerLease
from jobs.sender import Outcome, Outgoing
from models import Clock, FrozenClock
from models.settings import DispatchConfig
from tests.fakes.telegram_server import FakeTelegram
from tests.jobs.support import FIRST_CHAT, Recorder, people, queue, statuses, templates
from tests.jobs.test_crash import finish, spawn

SKEW = timedelta(minutes=10)


class Stalled(Recorder):
    """A sender whose first send waits until ``release`` is set (a slow Bot API answer)."""

    def __init__(self) -> None:
        super().__init__()
        self.entered, self.release = asyncio.Event(), asyncio.Event()

    async def send(self, out: Outgoing) -> Outcome:
        self.entered.set()
        await self.release.wait()
        return await super().send(out)


async def test_a_dispatcher_ten_minutes_ahead_takes_no_row_of_a_live_claim(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    real = Clock().now()
    ids = await people(session, 20)
    await queue(session, ids, at=real - timedelta(minutes=1))
    await session.commit()
    dispatch = DispatchConfig(claim_seconds=30, batch_size=100)
    slow, fast = Stalled(), Recorder()
    behind = Dispatcher(sessions, slow, clock=FrozenClock(at=real), dispatch=dispatch, worker="behind")
    ahead = Dispatcher(sessions, fast, clock=FrozenClock(at=real + SKEW), dispatch=dispatch, worker="ahead")
    first = asyncio.create_task(behind.drain())
    await asyncio.wait_for(slow.entered.wait(), 10)
    done = await ahead.drain_all()  # its clock says the other's 30-second claim ran out 9.5 minutes ago
    slow.release.set()
    await first
    assert done.claimed == 0 and fast.sent == []
    assert len(slow.sent) == 20
    assert await statuses(sessions) == {"sent": 20}


async def test_a_lease_is_not_taken_by_a_process_whose_clock_is_ahead(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    real = Clock().now()
    holder = SchedulerLease(sessions, "a", seconds=30, clock=FrozenClock(at=real))
    ahead = SchedulerLease(sessions, "b", seconds=30, clock=FrozenClock(at=real + SKEW))
    assert await holder.acquire()
    assert not await ahead.acquire()
    assert await holder.acquire()  # still the holder's to renew


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_two_processes_ten_minutes_apart_send_nothing_twice(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    count = 400
    async with FakeTelegram() as tg:
        for i in range(count):
            tg.user(FIRST_CHAT + i)
        async with sessions() as session:
            await queue(session, await people(session, count), at=Clock().now() - timedelta(minutes=1))
            await session.commit()
        folder, go = str(templates(tmp_path / "templates")), tmp_path / "go"
        common = ("dispatch", db_url, tg.base_url, folder, "--go", str(go), "--claim-seconds", "30", "--rate", "300")
        workers = await asyncio.gather(
            spawn(tmp_path, "behind", *common),
            spawn(tmp_path, "ahead", *common, "--clock-ahead", str(SKEW.total_seconds())),
        )
        go.touch()
        counts = await asyncio.gather(*(finish(worker) for worker in workers))
        got = Counter(s.chat_id for s in tg.sent if s.kind == "message")
    assert sum(counts) == count and min(counts) > 0  # both took part
    assert got == Counter({FIRST_CHAT + i: 1 for i in range(count)})  # each once, none twice
    assert await statuses(sessions) == {"sent": count}
