"""The dispatcher's answer to a push that may have been delivered (a read timeout after the request
left): retried once, counted as a possible duplicate, never sent a third time (issue 11, "sends")."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.dispatcher import MAYBE_SENT, Dispatcher
from jobs.sender import Outcome
from models import Clock, FrozenClock
from models.settings import DispatchConfig
from tests.jobs.support import T0, Recorder, people, queue, row, statuses


async def test_an_uncertain_push_is_retried_once_and_counted_as_a_possible_duplicate(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    a, b = await people(session, 2)
    await queue(session, [a, b])
    await session.commit()
    clock = FrozenClock(at=T0)
    sender = Recorder(script=[Outcome.uncertain("TimedOut"), Outcome.sent(), Outcome.uncertain("TimedOut")])
    dispatcher = Dispatcher(sessions, sender, clock=clock, dispatch=DispatchConfig(backoff_seconds=60))
    first = await dispatcher.drain_all()  # a: uncertain, b: sent
    assert (first.uncertain, first.sent) == (1, 1)
    assert (await row(sessions, f"note:a:{a}")).last_error.startswith(MAYBE_SENT)
    clock.advance(timedelta(minutes=5))
    second = await dispatcher.drain_all()  # a again: uncertain again, so given up (never a third send)
    assert second.dead == 1 and second.uncertain == 0
    assert len(sender.tried) == 3
    assert (await row(sessions, f"note:a:{a}")).status == "dead"
    assert (await statuses(sessions)).get("sent") == 1


async def test_a_retry_of_an_uncertain_push_that_goes_through_is_sent(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    await queue(session, [a])
    await session.commit()
    clock = FrozenClock(at=Clock().now())
    sender = Recorder(script=[Outcome.uncertain("TimedOut")])
    dispatcher = Dispatcher(sessions, sender, clock=clock, dispatch=DispatchConfig(backoff_seconds=60))
    assert (await dispatcher.drain_all()).uncertain == 1
    clock.advance(timedelta(minutes=5))
    assert (await dispatcher.drain_all()).sent == 1
    assert await statuses(sessions) == {"sent": 1}


async def test_a_429_or_a_failure_in_between_does_not_allow_a_third_send(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    await queue(session, [a])
    await session.commit()
    clock = FrozenClock(at=T0)
    script = [Outcome.uncertain("TimedOut"), Outcome.retry(1), Outcome.failed("502"), Outcome.uncertain("TimedOut")]
    sender = Recorder(script=script)
    dispatcher = Dispatcher(sessions, sender, clock=clock, dispatch=DispatchConfig(backoff_seconds=60))
    for _ in range(len(script)):  # the sender takes its answers from ``script``
        await dispatcher.drain_all()
        clock.advance(timedelta(hours=1))
    found = await row(sessions, f"note:a:{a}")
    assert (found.status, len(sender.tried)) == ("dead", 4), found.last_error
    assert len(sender.tried) == 4
