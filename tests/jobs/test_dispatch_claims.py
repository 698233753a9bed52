"""Claims on both databases: concurrent claimers get disjoint rows, a crashed process's claim is taken
over once it expires (and not before), and a mark only lands while the claim is still ours."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs import claims
from jobs.dispatcher import Dispatcher
from models import FrozenClock, OutboxMessage, OutboxStatus
from tests.jobs.support import T0, Recorder, people, queue, row, statuses


async def claim(
    sessions: async_sessionmaker[AsyncSession], worker: str, minutes: int = 5, limit: int = 1000
) -> list[int]:
    async with sessions() as session, session.begin():
        rows = await claims.claim(session, worker, T0, minutes * 60, limit)
    return [r.id for r in rows]


async def expire_claims(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Every claim runs out (claims run on the database's clock, which a test cannot move: the rows move)."""
    async with sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claimed_until.is_not(None))
            .values(claimed_until=datetime(2000, 1, 1, tzinfo=UTC))
        )


async def test_concurrent_claims_never_overlap(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    ids = await people(session, 300)
    await queue(session, ids)
    await session.commit()
    results = await asyncio.gather(*(claim(sessions, f"w{i}", limit=40) for i in range(12)))
    claimed = [row_id for result in results for row_id in result]
    assert len(claimed) == len(set(claimed)) == 300
    assert await statuses(sessions) == {"sending": 300}


async def test_a_claim_takes_the_rows_of_one_official_together(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    a, b = await people(session, 2)
    await queue(session, [b, a], tag="x")
    await queue(session, [a, b], tag="y")
    await session.commit()
    async with sessions() as s, s.begin():
        first = await claims.claim(s, "w", T0, 300, 2)
    assert [r.official_id for r in first] == [a, a]


async def test_an_expired_claim_is_taken_over_and_a_live_one_is_not(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    ids = await people(session, 3)
    await queue(session, ids)
    await session.commit()
    assert len(await claim(sessions, "crashed", minutes=1)) == 3
    assert await claim(sessions, "other") == []  # still claimed
    await expire_claims(sessions)
    clock = FrozenClock(at=T0 + timedelta(minutes=2))
    sender = Recorder()
    done = await Dispatcher(sessions, sender, clock=clock).drain_all()
    assert done.sent == 3
    assert await statuses(sessions) == {"sent": 3}


async def test_a_mark_is_refused_once_the_claim_has_passed_to_another_process(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    await queue(session, [a])
    await session.commit()
    [row_id] = await claim(sessions, "slow", minutes=1)
    await expire_claims(sessions)
    async with sessions() as s, s.begin():
        assert await claims.claim(s, "fast", T0 + timedelta(minutes=2), 300, 10)
    async with sessions() as s, s.begin():
        assert await claims.mark(s, [row_id], "slow", OutboxStatus.SENT) == 0
        assert await claims.mark(s, [row_id], "fast", OutboxStatus.SENT) == 1
    assert (await row(sessions, f"note:a:{a}")).status == "sent"
