"""Telegram sends that may have been delivered are not repeated, and a user who blocked the bot is marked
quietly (issue 11, "sends"): against the fake Bot API, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.app import App
from bot.push_path import PushSender
from bot.render import Renderer
from bot.telegram.channel import TelegramChannel
from bot.telegram.limits import PacingLimiter
from jobs.sender import Item, Outgoing, Result
from models import ChatAccount
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.jobs.support import templates
from tests.telegram import conftest as telegram_fixtures
from tests.telegram.support import ADMIN, FAST, OFFICER

app, bot, bot_settings = telegram_fixtures.app, telegram_fixtures.bot, telegram_fixtures.bot_settings
db_url, demo_db, tg = telegram_fixtures.db_url, telegram_fixtures.demo_db, telegram_fixtures.tg
READ_TIMEOUT = 0.4  # the bot's read timeout in these tests; the fake answers later than that
LATE = 1.2


def impatient(channel: TelegramChannel) -> None:
    """The bot gives up waiting for an answer after READ_TIMEOUT (python-telegram-bot's default is 5 s)."""
    request = channel.bot._request[1]
    request._client.timeout = httpx.Timeout(5.0, read=READ_TIMEOUT)  # type: ignore[attr-defined]


def messages_to(tg: FakeTelegram, chat: int) -> list[str]:
    return [s.text for s in tg.sent if s.chat_id == chat and s.kind == "message"]


async def test_a_reply_answered_after_the_read_timeout_is_not_sent_again(
    tg: FakeTelegram, bot: TelegramChannel, caplog: pytest.LogCaptureFixture
) -> None:
    impatient(bot)
    tg.faults.add("slow", count=1, methods=["sendMessage"], delay=LATE)  # delivered, answered late
    await tg.send_text(OFFICER, "/help")
    await tg.wait_for(lambda: bool(messages_to(tg, OFFICER)), timeout=10)
    await asyncio.sleep(LATE + 1.0)  # time for a retry, an error message or an alert to show up
    assert len(messages_to(tg, OFFICER)) == 1  # delivered once: no retry, no "something went wrong"
    assert messages_to(tg, ADMIN) == []  # no admin alert
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_reply_refused_with_403_marks_the_chat_blocked_quietly(
    tg: FakeTelegram, bot: TelegramChannel, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    tg.blocked.add(OFFICER)
    await tg.send_text(OFFICER, "/help")

    async def marked() -> bool:
        async with app.sessions() as session:
            found = await session.scalar(
                select(ChatAccount.blocked).where(
                    ChatAccount.channel == "telegram", ChatAccount.chat_id == str(OFFICER)
                )
            )
        return bool(found)

    for _ in range(100):
        if await marked():
            break
        await asyncio.sleep(0.05)
    assert await marked()
    await asyncio.sleep(0.5)
    tries = [c for c in tg.calls if c.method == "sendMessage" and str(c.params.get("chat_id")) == str(OFFICER)]
    assert len(tries) == 1  # no second send to the same chat
    assert messages_to(tg, ADMIN) == []  # no admin alert
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == []  # no ERROR, no traceback
    tg.blocked.discard(OFFICER)  # unblocked: writing again lifts the mark, so pushes reach them again
    await tg.send_text(OFFICER, "/help")
    await tg.next_sent(OFFICER, timeout=10)
    for _ in range(100):
        if not await marked():
            break
        await asyncio.sleep(0.05)
    assert not await marked()


# ---- pushes ---------------------------------------------------------------------------------------------
@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.user(100_000)
        yield server


async def test_a_push_answered_late_is_uncertain_and_was_delivered_once(fake: FakeTelegram, tmp_path: Path) -> None:
    fake.faults.add("slow", count=1, methods=["sendMessage"], delay=LATE)
    out = Outgoing("telegram", "100000", None, "vi", (Item("push/note", {"n": 1}),))
    request = HTTPXRequest(read_timeout=READ_TIMEOUT)
    async with ExtBot(TOKEN, base_url=fake.base_url, rate_limiter=PacingLimiter(FAST), request=request) as b:
        sender = PushSender(Renderer(templates(tmp_path / "templates")), telegram=b)
        outcome = await sender.send(out)
    await asyncio.sleep(LATE)
    assert outcome.result is Result.UNCERTAIN
    assert len(messages_to(fake, 100_000)) == 1  # the limiter did not send it again
