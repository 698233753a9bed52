"""Zalo sends (issue 11, "sends"): a send is retried only when the request never left, and counted by
the budget whenever it may have been delivered; the bot never answers its own echoes and sends at most a
few registration prompts a chat an hour; a reply refused with 403 marks the chat blocked quietly;
markdown is a real markdown rendering (plain text again when refused); a chart refused with 429 waits
and is sent again. Against the fake Zalo Bot API over real HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from bot.zalo.channel import PROMPTS_PER_HOUR, ZaloChannel
from bot.zalo.client import ZaloClient, ZaloError
from bot.zalo.push_sender import Budget, ZaloPushSender
from jobs.sender import Item, Outgoing, Result
from models import ChatAccount
from tests.fakes.zalo_server import TOKEN, FakeZalo
from tests.zalo import conftest as zalo_fixtures
from tests.zalo.support import LEADER, OFFICER, STRANGER

app, bot, bot_settings, db_url = zalo_fixtures.app, zalo_fixtures.bot, zalo_fixtures.bot_settings, zalo_fixtures.db_url
zalo, zalo_demo_db, zalo_settings = zalo_fixtures.zalo, zalo_fixtures.zalo_demo_db, zalo_fixtures.zalo_settings


def to(fake: FakeZalo, chat: str, kind: str = "message") -> list[str]:
    return [s.text for s in fake.sent if s.chat_id == chat and s.kind == kind]


# ---- the client's retries and the budget ------------------------------------------------------------------
def scripted(*answers: Callable[[httpx.Request], httpx.Response]) -> tuple[ZaloClient, list[int]]:
    """A client whose calls get ``answers`` in turn; the second list counts what the budget was told."""
    calls = iter(answers)
    spent: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        return next(calls)(request)

    client = ZaloClient(TOKEN, "https://bot-api.zaloplatforms.com", retries=3, backoff=0.01,
                        transport=httpx.MockTransport(answer))  # fmt: skip

    async def count(n: int) -> None:
        spent.append(n)

    client.on_sent = count
    return client, spent


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "result": {"message_id": "ab" * 10, "date": 1}})


def raising(kind: type[httpx.HTTPError]) -> Callable[[httpx.Request], httpx.Response]:
    def fail(request: httpx.Request) -> httpx.Response:
        raise kind("failed", request=request)

    return fail


def status(code: int, body: dict[str, object] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(code, json=body or {"ok": False, "error_code": code, "description": "x"})


@pytest.mark.parametrize("kind", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
async def test_a_send_that_never_left_is_retried_and_counted_once(kind: type[httpx.HTTPError]) -> None:
    client, spent = scripted(raising(kind), ok)
    await client.send_message("u1", "xin chào")
    assert spent == [1]
    await client.aclose()


@pytest.mark.parametrize(
    "failure",
    [raising(httpx.ReadTimeout), raising(httpx.RemoteProtocolError), status(500), status(502), status(403),
     status(408), status(200, {"description": "no ok"})],
    ids=["read timeout", "dropped", "500", "502", "403", "408", "200 without ok"],
)  # fmt: skip
async def test_a_send_that_may_have_arrived_is_not_retried_and_is_counted(
    failure: Callable[[httpx.Request], httpx.Response],
) -> None:
    client, spent = scripted(failure, ok, ok)
    with pytest.raises(ZaloError):
        await client.send_message("u1", "xin chào")
    assert spent == [1]  # the budget counts it: Zalo may have delivered it
    await client.aclose()


async def test_a_refused_send_is_not_counted() -> None:
    client, spent = scripted(status(400), status(429))
    for _ in range(2):
        with pytest.raises(ZaloError):
            await client.send_message("u1", "x")
    assert spent == []
    await client.aclose()


async def test_a_message_delivered_after_the_call_timeout_reaches_the_user_once(zalo: FakeZalo) -> None:
    zalo.user("Ai đó", "c1" * 10)
    zalo.late["sendMessage"] = deque([1.0])
    client = ZaloClient(TOKEN, zalo.base_url, timeout=0.3, retries=3, backoff=0.01)
    with pytest.raises(ZaloError):
        await client.send_message("c1" * 10, "nhắc việc")
    await asyncio.sleep(1.2)
    assert len(zalo.calls_of("sendMessage")) == 1 and to(zalo, "c1" * 10) == ["nhắc việc"]
    assert client.sent == 1  # counted, though no answer came
    await client.aclose()


async def test_a_push_answered_late_is_uncertain_and_counted(zalo: FakeZalo, app: App) -> None:
    zalo.late["sendMessage"] = deque([1.0])
    client = ZaloClient(TOKEN, zalo.base_url, timeout=0.3, retries=3, backoff=0.01)
    budget = Budget(100, 80, app.clock)
    client.on_sent = budget.spend
    sender = ZaloPushSender(client, app.renderer, budget)
    out = Outgoing("zalo", OFFICER, None, "vi", (Item("push/batch", {"count": 2}),))
    assert (await sender.send(out)).result is Result.UNCERTAIN
    await asyncio.sleep(1.2)
    assert len(to(zalo, OFFICER)) == 1 and budget.state().used == 1
    await client.aclose()


# ---- echoes and unregistered chats -------------------------------------------------------------------------
async def test_the_bot_never_answers_its_own_echo(zalo: FakeZalo, bot: ZaloChannel) -> None:
    zalo.echo = True
    zalo.echo_without_bot_id = True  # a hex from.id that is not the bot's, and no is_bot
    await zalo.send_text(STRANGER, "xin chào")
    await zalo.wait_for(lambda: bool(to(zalo, STRANGER)), timeout=10)
    await asyncio.sleep(1.5)  # time for the echo to come back and, before the fix, be answered (and so on)
    assert len(to(zalo, STRANGER)) == 1
    assert bot.echoes >= 1


async def test_the_echo_of_a_push_is_not_answered(zalo: FakeZalo, bot: ZaloChannel, app: App) -> None:
    zalo.echo = True
    zalo.echo_without_bot_id = True
    zalo.late["sendMessage"] = deque([0.5])  # the echo comes back before the push's answer
    sender = ZaloPushSender(bot.client, app.renderer, Budget(100, 80, app.clock))
    out = Outgoing("zalo", STRANGER, None, "vi", (Item("push/batch", {"count": 2}),))
    assert (await sender.send(out)).result is Result.SENT
    await asyncio.sleep(1.0)
    assert len(to(zalo, STRANGER)) == 1 and bot.echoes == 1


async def test_an_unregistered_chat_gets_a_few_prompts_an_hour(zalo: FakeZalo, bot: ZaloChannel) -> None:
    for i in range(PROMPTS_PER_HOUR + 4):
        await zalo.send_text(STRANGER, f"xin chào {i}")
    await zalo.wait_for(lambda: bot.handled >= PROMPTS_PER_HOUR + 4, timeout=15)
    await asyncio.sleep(0.3)
    assert len(to(zalo, STRANGER)) == PROMPTS_PER_HOUR


# ---- 403 on a reply ----------------------------------------------------------------------------------------
async def test_a_reply_refused_with_403_marks_the_chat_blocked_quietly(
    zalo: FakeZalo, bot: ZaloChannel, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    zalo.faults.add("sendMessage", 403)
    await zalo.send_text(OFFICER, "/help")
    await zalo.wait_for(lambda: bot.handled >= 1, timeout=10)
    await asyncio.sleep(0.3)
    async with app.sessions() as session:
        blocked = await session.scalar(
            select(ChatAccount.blocked).where(ChatAccount.channel == "zalo", ChatAccount.chat_id == OFFICER)
        )
    assert blocked is True
    assert len(zalo.calls_of("sendMessage")) == 1  # no second send
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


# ---- markdown --------------------------------------------------------------------------------------------
DATA = "# Đơn vị *A* được 2024_5 điểm\n> trích `mã` ~x~ \\ hết"


class TestMarkdown:
    @pytest.fixture
    def zalo_settings(self) -> dict[str, object]:
        return {"markdown": True}

    async def test_markdown_shows_the_data_as_it_is(self, zalo: FakeZalo, bot: ZaloChannel) -> None:
        await bot.sender.send_text(OFFICER, DATA)
        [sent] = [s for s in zalo.sent if s.chat_id == OFFICER]
        assert sent.parse_mode == "markdown"
        assert sent.shown == DATA  # nothing of the data read as formatting

    async def test_refused_markdown_is_sent_again_as_plain_text(self, zalo: FakeZalo, bot: ZaloChannel) -> None:
        zalo.refuse_markdown = True
        await bot.sender.send_text(OFFICER, DATA)
        [sent] = [s for s in zalo.sent if s.chat_id == OFFICER]
        assert sent.parse_mode == "" and sent.text == DATA


# ---- charts ----------------------------------------------------------------------------------------------
class TestCharts:
    @pytest.fixture
    def zalo_settings(self, tmp_path: Path) -> dict[str, object]:
        return {"public_image_url": "https://img.example.gov.vn/zalo", "image_dir": str(tmp_path / "img")}

    async def test_a_chart_refused_with_429_is_sent_again(self, zalo: FakeZalo, bot: ZaloChannel) -> None:
        bot.sender.quota_pauses = (0.05, 0.1)
        zalo.faults.add("sendPhoto", 429)
        await zalo.send_text(LEADER, "/diem par")
        await zalo.wait_for(lambda: len(to(zalo, LEADER, "photo")) == 1, timeout=30)
        assert [c.status for c in zalo.calls_of("sendPhoto")] == [429, 200]
