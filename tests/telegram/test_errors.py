"""One error handler: the user gets a short polite message in their language, the admins an alert with
the same reference, the bot keeps answering; and no log line ever shows the bot token."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update

from bot import logs
from bot.app import App
from bot.telegram.channel import TelegramChannel
from handlers.base import Request
from models import ChatAccount, Official
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.telegram.support import ADMIN, OFFICER, say


def reference_in(text: str) -> str:
    found = re.search(r"\b[0-9a-f]{8}\b", text)
    assert found, text
    return found.group(0)


async def test_a_failing_handler_gets_a_polite_answer_and_alerts_the_admins(
    tg: FakeTelegram, bot: TelegramChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def boom(request: Request) -> Any:
        raise RuntimeError("the database fell over")

    commands = bot.app.router.commands.by_key
    monkeypatch.setitem(commands, "chitieu", dataclasses.replace(commands["nhiemvu"], name="chitieu", handler=boom))
    answer = await say(tg, OFFICER, "/chitieu")
    assert "Xin lỗi" in answer.text and "database" not in answer.text
    alert = await tg.next_sent(ADMIN)
    assert reference_in(alert.text) == reference_in(answer.text)
    assert "/nhiemvu" in (await say(tg, OFFICER, "/help")).text  # still running


async def test_a_failure_in_the_channel_is_answered_in_the_users_language(
    tg: FakeTelegram, bot: TelegramChannel, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.sessions() as session:
        officer = select(ChatAccount.official_id).where(ChatAccount.external_id == str(OFFICER))
        await session.execute(update(Official).where(Official.id.in_(officer)).values(language="en"))
        await session.commit()
    real = app.router.answer
    calls = 0

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("lost the database connection")
        return await real(*args, **kwargs)

    monkeypatch.setattr(app.router, "answer", flaky)
    answer = await say(tg, OFFICER, "/help")
    assert answer.text.startswith("Sorry")
    alert = await tg.next_sent(ADMIN)
    assert reference_in(alert.text) == reference_in(answer.text) and "ConnectionError" in alert.text
    assert "/nhiemvu" in (await say(tg, OFFICER, "/help")).text


@pytest.fixture
def captured_log() -> Iterator[io.StringIO]:
    """The product's logging set-up (``bot.logs``) at DEBUG, written to a buffer."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logs.setup("DEBUG", secrets=[TOKEN])
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # the URL-carrying lines, on purpose
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers[:], root.level = saved
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.NOTSET)


async def test_no_log_line_contains_the_token(
    captured_log: io.StringIO, tg: FakeTelegram, bot: TelegramChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    tg.faults.add("error", count=1, status=502)
    tg.faults.add("drop", count=1, methods=["getFile"])  # retried (a dropped send is not: it may have arrived)
    tg.faults.add("flood", count=1, retry_after=1)
    assert "/moi" in (await say(tg, ADMIN, "/help")).text
    await tg.send_document(ADMIN, "x.csv", b"a,b\n1,2\n")
    await tg.next_sent(ADMIN)
    text = captured_log.getvalue()
    assert "sendMessage" in text and "getFile" in text  # the URLs were logged...
    assert TOKEN not in text and TOKEN.split(":")[1] not in text  # ...without the token
    assert "***" in text
