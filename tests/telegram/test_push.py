"""Pushes end to end: the dispatcher drains the outbox through ``bot/push_path.py`` and python-telegram-bot
to the fake Bot API server, which misbehaves: bursts of 5xx, 429 with retry_after, dropped connections,
answers slower than the client waits, a user who blocked the bot, Telegram's flood limits. After
recovery every push has arrived once (a send that timed out after the server took it may arrive twice:
Telegram gives no way to tell)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot import config as configuration
from bot.app import App
from bot.cli import cmd_run
from bot.push_path import PushSender
from bot.render import Renderer
from bot.telegram import Limits
from bot.telegram.limits import PacingLimiter
from jobs.dispatcher import Dispatcher
from jobs.pacing import Rates
from models import ChatAccount, FrozenClock, OutboxMessage
from models.settings import DispatchConfig
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.jobs.support import FIRST_CHAT, T0, people, queue, statuses, templates
from tests.telegram.support import ADMIN, demo_config

OFFICIALS = 20
LIMITS = Limits(chat_per_second=100, chat_burst=100, group_per_minute=6000, group_burst=100, backoff_seconds=0.02)
Bot = ExtBot[None]


def make_bot(tg: FakeTelegram, limits: Limits, read_timeout: float = 5.0) -> Bot:
    request = HTTPXRequest(connection_pool_size=8, read_timeout=read_timeout)
    return ExtBot(TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url, request=request,
                  rate_limiter=PacingLimiter(limits))  # fmt: skip


@pytest.fixture
def renderer(tmp_path: Path) -> Renderer:
    return Renderer(templates(tmp_path / "templates"))


@pytest.fixture
async def officials(app: App, tg: FakeTelegram) -> list[int]:
    async with app.sessions() as session:
        ids = await people(session, OFFICIALS, first=0)
        await queue(session, ids)
        await session.commit()
    for i in range(OFFICIALS):
        tg.user(FIRST_CHAT + i)
    return ids


async def deliver(app: App, bot: Bot, renderer: Renderer, *, rates: Rates | None = None) -> float:
    """Drain until every row is settled, moving a frozen clock past each backoff; seconds it took."""
    clock = FrozenClock(at=T0)
    dispatcher = Dispatcher(
        app.sessions,
        PushSender(renderer, telegram=bot),
        clock=clock,
        dispatch=DispatchConfig(backoff_seconds=60),
        rates={"telegram": rates} if rates else {},
        failures_in_a_row=100,
    )
    started = time.monotonic()
    for _ in range(20):
        await dispatcher.drain_all()
        left = await statuses(app.sessions)
        if not left.get("pending") and not left.get("sending"):
            return time.monotonic() - started
        clock.advance(timedelta(hours=1))
    raise AssertionError(f"not settled: {left}")


def arrivals(tg: FakeTelegram) -> Counter[int]:
    return Counter(s.chat_id for s in tg.sent if s.kind == "message")


def everyone() -> set[int]:
    return {FIRST_CHAT + i for i in range(OFFICIALS)}


async def test_every_push_arrives_once_through_bursts_of_server_errors(
    app: App, tg: FakeTelegram, renderer: Renderer, officials: list[int]
) -> None:
    tg.faults.add("error", count=6, status=500)
    tg.faults.add("error", count=6, status=502)
    async with make_bot(tg, replace(LIMITS, max_retries=1)) as bot:  # the dispatcher retries too
        await deliver(app, bot, renderer)
    assert arrivals(tg) == Counter(everyone())
    assert await statuses(app.sessions) == {"sent": OFFICIALS}


async def test_retry_after_is_obeyed_and_nothing_is_lost(
    app: App, tg: FakeTelegram, renderer: Renderer, officials: list[int]
) -> None:
    tg.faults.add("flood", count=2, retry_after=1)
    rates = Rates(per_second=1000, chat_per_minute=6000, group_per_minute=6000)
    async with make_bot(tg, replace(LIMITS, max_retries=0)) as bot:
        took = await deliver(app, bot, renderer, rates=rates)
    assert took >= 1.0  # the channel paused for the advertised second
    assert arrivals(tg) == Counter(everyone())
    assert len([c for c in tg.calls if c.status == 429]) == 2


async def test_dropped_connections_and_timeouts_lose_nothing(
    app: App, tg: FakeTelegram, renderer: Renderer, officials: list[int]
) -> None:
    tg.faults.add("drop", count=3)
    tg.faults.add("slow", count=2, delay=0.8)  # the client gives up after 0.3 s; the server still delivers
    async with make_bot(tg, LIMITS, read_timeout=0.3) as bot:
        await deliver(app, bot, renderer)
    got = arrivals(tg)
    assert set(got) == everyone()
    assert sum(got.values()) - OFFICIALS <= 2  # only a timed-out send may have arrived twice
    assert await statuses(app.sessions) == {"sent": OFFICIALS}


async def test_a_user_who_blocked_the_bot_is_marked_and_the_others_are_served(
    app: App, tg: FakeTelegram, renderer: Renderer, officials: list[int]
) -> None:
    tg.blocked.add(FIRST_CHAT + 3)
    async with make_bot(tg, LIMITS) as bot:
        await deliver(app, bot, renderer)
    assert arrivals(tg) == Counter(everyone() - {FIRST_CHAT + 3})
    assert await statuses(app.sessions) == {"sent": OFFICIALS - 1, "skipped": 1}
    assert await blocked(app.sessions) == [str(FIRST_CHAT + 3)]


async def blocked(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list((await session.scalars(select(ChatAccount.chat_id).where(ChatAccount.blocked.is_(True)))).all())


async def test_merged_pushes_arrive_as_one_message_with_a_header(
    app: App, tg: FakeTelegram, renderer: Renderer, officials: list[int]
) -> None:
    async with app.sessions() as session:
        await queue(session, officials[:1], tag="b")
        await queue(session, officials[:1], tag="c")
        await session.commit()
    async with make_bot(tg, LIMITS) as bot:
        await deliver(app, bot, renderer)
    first = [s for s in tg.sent if s.chat_id == FIRST_CHAT]
    assert len(first) == 1
    assert first[0].text.startswith("📬 3 thông báo mới") and first[0].text.count("Tin số") == 3
    assert "<b>📬 3 thông báo mới</b>" in first[0].html


async def test_a_broadcast_keeps_to_the_flood_limits_at_full_speed(
    app: App, tg: FakeTelegram, renderer: Renderer
) -> None:
    async with app.sessions() as session:
        ids = await people(session, 60, first=1000)
        await queue(session, ids)
        await session.commit()
    for i in range(60):
        tg.user(FIRST_CHAT + 1000 + i)
    tg.flood.enabled = True  # Telegram's own 30 a second, enforced by the server
    limiter = PacingLimiter(Limits())
    async with ExtBot(TOKEN, base_url=tg.base_url, rate_limiter=limiter) as bot:
        took = await deliver(app, bot, renderer, rates=Rates(30, 60, 20))
    assert tg.flood.refused == 0
    assert len(arrivals(tg)) == 60
    sends = sorted(c.at for c in tg.calls if c.method == "sendMessage")
    limits = Limits()  # pushes start with the burst the replies' reserve leaves, then go 30 a second
    least = (60 - (limits.overall_burst - limits.reply_reserve)) / 30
    assert sends[-1] - sends[0] <= least / 0.95  # the limit reached, not undershot
    assert took < 2.5


async def test_cchc_bot_run_sends_queued_pushes(app: App, tg: FakeTelegram, db_url: str) -> None:
    async with app.sessions() as session:
        admin = (
            await session.execute(select(ChatAccount.official_id).where(ChatAccount.chat_id == str(ADMIN)))
        ).scalar_one()
        context = {"outbox_id": 1, "kind": "deadline", "official": "", "attempts": 8, "error": "HTTP 502"}
        await session.execute(
            insert(OutboxMessage).values(
                dedupe_key="run:1", kind="dead_letter", official_id=admin, template="push/dead_letter",
                context=context, urgent=True, not_before=T0, created_at=T0,
            )
        )  # fmt: skip
        await session.commit()
    # no catch-up: started between 08:00 and 10:00 the morning jobs would queue the demo's reminders too
    config = configuration.replace(demo_config(db_url, base_url=tg.base_url), "schedule", catch_up_minutes=0)
    running = asyncio.create_task(cmd_run(config, argparse.Namespace()))
    push = await tg.next_sent(ADMIN, timeout=15)
    assert "Không gửi được một thông báo" in push.text and "HTTP 502" in push.text
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(running, 15) == 0
    assert await statuses(app.sessions) == {"sent": 1}
