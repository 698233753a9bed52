"""Long polling: one update per getUpdates, HTTP 408 when none, replayed updates answered once, the bot's
echo ignored, back-off on errors, no start while a webhook is set, the token never in a log line."""

from __future__ import annotations

import itertools
import logging

import pytest

from bot.app import App
from bot.zalo import StartError, running
from bot.zalo.channel import ZaloChannel
from tests.fakes.zalo_server import TOKEN, FakeZalo
from tests.zalo.support import OFFICER, say


async def test_empty_polls_are_408_and_the_bot_keeps_polling(zalo: FakeZalo, bot: ZaloChannel) -> None:
    await zalo.wait_for(lambda: any(c.status == 408 for c in zalo.calls_of("getUpdates")), timeout=5)
    assert "/nhiemvu" in await say(zalo, OFFICER, "/help")
    assert all(c.params == {"timeout": 1} for c in zalo.calls_of("getUpdates"))  # no offset: Zalo has none


async def test_replayed_updates_are_answered_once(zalo: FakeZalo, bot: ZaloChannel) -> None:
    zalo.replays = 2  # every update is served three times
    await zalo.send_text(OFFICER, "/help")
    await zalo.next_reply(OFFICER)
    await zalo.wait_for(lambda: bot.duplicates >= 2, timeout=5)
    await zalo.no_more(OFFICER, wait=0.5)


async def test_the_bots_own_echo_is_ignored(zalo: FakeZalo, bot: ZaloChannel) -> None:
    zalo.echo = True
    await zalo.send_text(OFFICER, "/help")
    await zalo.next_reply(OFFICER)
    await zalo.wait_for(lambda: not zalo.pending, timeout=5)
    await zalo.no_more(OFFICER, wait=0.5)


async def test_unsupported_messages_get_a_short_answer(zalo: FakeZalo, bot: ZaloChannel) -> None:
    await zalo.send_event(OFFICER, "message.sticker.received", sticker="0e078a2fb66a5f34067b")
    assert "chữ và ảnh" in (await zalo.next_sent(OFFICER)).text
    await zalo.send_event(OFFICER, "message.unsupported.received")
    assert "chữ và ảnh" in (await zalo.next_sent(OFFICER)).text
    await zalo.send_event(OFFICER, "message.future.received")  # unknown events are ignored
    await zalo.no_more(OFFICER, wait=0.5)


async def test_errors_back_off_then_polling_resumes(zalo: FakeZalo, bot: ZaloChannel) -> None:
    zalo.faults.add("getUpdates", 500, times=2)
    zalo.faults.add("getUpdates", 429, times=1)
    assert "/nhiemvu" in await say(zalo, OFFICER, "/help")
    statuses = [c.status for c in zalo.calls_of("getUpdates")]
    assert statuses.count(500) == 2 and 429 in statuses


class TestMinimumInterval:
    @pytest.fixture
    def zalo_settings(self) -> dict[str, object]:
        return {"min_poll_interval_ms": 300}

    async def test_polls_are_spaced(self, zalo: FakeZalo, bot: ZaloChannel) -> None:
        for _ in range(4):
            await zalo.send_text(OFFICER, "/help")  # queued: Zalo would answer each poll at once
        await zalo.wait_for(lambda: len(zalo.called("getUpdates")) >= 4, timeout=5)
        times = [c.at for c in zalo.called("getUpdates")][:4]
        assert all(later - earlier >= 0.28 for earlier, later in itertools.pairwise(times))


async def test_polling_refuses_to_start_while_a_webhook_is_set(zalo: FakeZalo, app: App) -> None:
    zalo.webhook = {"url": "https://bot.example.gov.vn/zalo", "secret_token": "x" * 12, "updated_at": 1}
    with pytest.raises(StartError, match="deleteWebhook"):
        async with running(app):
            pass
    assert not zalo.calls_of("getUpdates")


async def test_a_refused_token_stops_start_up_with_one_line(zalo: FakeZalo, app: App) -> None:
    zalo.faults.add("getMe", 401)
    with pytest.raises(StartError, match=r"refused the bot token.*\[zalo\]\.token") as refused:
        async with running(app):
            pass
    assert TOKEN not in str(refused.value)


async def test_the_token_never_reaches_a_log_line(zalo: FakeZalo, app: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # httpx logs every request URL at INFO, httpcore more at DEBUG
    zalo.faults.add("getMe", 500, times=1)
    async with running(app, backoff=(0.05, 0.2)):  # a failed call is logged and retried
        assert "/nhiemvu" in await say(zalo, OFFICER, "/help")
    logged = [r.getMessage() for r in caplog.records if r.name == "httpx" and "getUpdates" in r.getMessage()]
    assert logged and all("/bot***/getUpdates" in line for line in logged)  # httpx logged the calls, masked
    secret = TOKEN.split(":")[1]
    for record in caplog.records:
        assert secret not in record.getMessage(), record.getMessage()
    assert secret not in caplog.text


async def test_run_zalo_stops_when_told_and_when_the_token_is_refused(zalo: FakeZalo, app: App) -> None:
    import asyncio

    from bot.zalo import run_zalo
    from bot.zalo.client import ZaloError

    stop = asyncio.Event()
    running_task = asyncio.create_task(run_zalo(app, stop))
    await zalo.wait_for(lambda: bool(zalo.calls_of("getUpdates")), timeout=5)
    stop.set()
    await asyncio.wait_for(running_task, 5)

    zalo.faults.add("getUpdates", 401)
    with pytest.raises(ZaloError, match="401"):
        await asyncio.wait_for(run_zalo(app, asyncio.Event()), 10)
