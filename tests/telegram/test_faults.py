"""The bot keeps its promises when Telegram misbehaves: 5xx answers, 429 with retry_after and slow
answers are retried or waited for until every reply is delivered; a dropped connection is retried for
calls that send nothing, never for a send (it may have arrived: a retry could show it twice); polling survives a
failing getUpdates; sends stay inside Telegram's flood limits."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.telegram import Limits, running
from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import ADMIN, CHAIR, LEADER, OFFICER, say

USERS = (ADMIN, OFFICER, LEADER, CHAIR)


async def ask_everyone(tg: FakeTelegram, times: int = 1) -> None:
    for _ in range(times):
        for user in USERS:
            await tg.send_text(user, "/help")
    for user in USERS:
        for _ in range(times):
            reply = await tg.next_sent(user, timeout=15)
            assert "/nhiemvu" in reply.text
        await tg.no_more(user, wait=0.05)


async def test_replies_survive_a_burst_of_server_errors(tg: FakeTelegram, bot: TelegramChannel) -> None:
    tg.faults.add("error", count=3, status=500)
    tg.faults.add("error", count=3, status=502)
    await ask_everyone(tg, times=2)
    assert len([c for c in tg.calls if c.method == "sendMessage" and c.status >= 500]) == 6


async def test_replies_wait_for_retry_after_on_429(tg: FakeTelegram, bot: TelegramChannel) -> None:
    tg.faults.add("flood", count=3, retry_after=1)
    started = time.monotonic()
    await ask_everyone(tg)
    assert time.monotonic() - started >= 1.0  # the advertised pause was respected
    refused = [c for c in tg.calls if c.status == 429]
    assert len(refused) == 3


async def test_slow_answers_are_waited_for_and_dropped_non_sends_retried(
    tg: FakeTelegram, bot: TelegramChannel
) -> None:
    tg.faults.add("slow", count=2, delay=0.8)
    tg.faults.add("drop", count=2, methods=["getFile"])
    await ask_everyone(tg)
    await tg.send_document(ADMIN, "x.csv", b"a,b\n1,2\n")  # the admin's file is fetched (getFile) all the same
    await tg.next_sent(ADMIN, timeout=15)
    assert len([c for c in tg.calls if c.method == "getFile" and c.status == 0]) == 2


async def test_a_send_whose_connection_dropped_is_not_sent_again(tg: FakeTelegram, bot: TelegramChannel) -> None:
    tg.faults.add("drop", count=1, methods=["sendMessage"])
    await tg.send_text(OFFICER, "/help")
    await tg.wait_for(lambda: any(c.method == "sendMessage" for c in tg.calls), timeout=10)
    await tg.no_more(OFFICER, wait=1.0)  # no second try: Telegram may have delivered the first
    assert len([c for c in tg.calls if c.method == "sendMessage"]) == 1


async def test_polling_survives_failing_get_updates(tg: FakeTelegram, bot: TelegramChannel) -> None:
    tg.faults.add("error", count=1, status=502, methods=["getUpdates"])
    tg.faults.add("drop", count=1, methods=["getUpdates"])
    reply = await say(tg, ADMIN, "/help")
    assert "/moi" in reply.text


@pytest.fixture
async def paced(app: App, tg: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    """The bot with Telegram's real limits, against a server that enforces them."""
    tg.flood.enabled = True
    async with running(app, limits=Limits()) as channel:
        yield channel


async def test_bursts_stay_within_telegrams_flood_limits(tg: FakeTelegram, paced: TelegramChannel) -> None:
    await ask_everyone(tg, times=5)  # 20 replies, 5 per chat, in a burst
    assert tg.flood.refused == 0
    sends = [c for c in tg.calls if c.method == "sendMessage" and c.status == 200]
    assert len(sends) == 20
