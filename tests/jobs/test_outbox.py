"""Queuing pushes: the dedupe key makes computing what is due twice insert nothing new."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.due import due_pushes
from jobs.outbox import Push, enqueue
from models import OutboxMessage, OutboxStatus
from tests.jobs.conftest import NOW, SETTINGS, World


async def count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one())


async def test_computing_twice_inserts_nothing_new(session: AsyncSession, world: World) -> None:
    first = await enqueue(session, await due_pushes(session, NOW, SETTINGS))
    await session.commit()
    assert first == await count(session) > 0
    again = await enqueue(session, await due_pushes(session, NOW, SETTINGS))
    await session.commit()
    assert again == 0 and await count(session) == first


async def test_rows_are_pending_for_the_official_with_no_chat_yet(session: AsyncSession, world: World) -> None:
    await enqueue(session, await due_pushes(session, NOW, SETTINGS, ["reminders"]))
    await session.commit()
    row = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "escalation"))).scalars().first()
    assert row is not None
    assert row.status == OutboxStatus.PENDING and row.channel == "" and row.chat_id == ""
    assert row.template == "push/escalation" and row.urgent and row.attempts == 0
    assert row.not_before == NOW and row.created_at == NOW
    assert row.context["task"]["due"] == "2024-05-25"


async def test_enqueue_counts_only_new_rows_across_batches(session: AsyncSession, world: World) -> None:
    pushes = [Push("deadline", f"test:{n}", world.people["ms"], {"n": n}, NOW) for n in range(25)]
    assert await enqueue(session, pushes[:10], batch=4) == 10
    assert await enqueue(session, pushes, batch=4) == 15  # the first ten are already there
    await session.commit()
    assert await count(session) == 25
