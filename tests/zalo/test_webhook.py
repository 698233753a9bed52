"""Webhook mode: the bot registers its URL and secret with setWebhook; a request without the right
X-Bot-Api-Secret-Token is refused and never processed; flat and wrapped bodies are both read; an empty
probe is answered 200; an oversize body is refused; a delivery retried by Zalo is answered once; the bot's
own echo is ignored. One server can carry the Telegram webhook too."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from bot import config as configuration
from bot.app import App
from bot.webhooks import Route, WebhookServer
from bot.zalo import running
from bot.zalo.channel import ZaloChannel
from tests.fakes.zalo_server import FakeZalo
from tests.fakes.zalo_world import BOT_ID
from tests.zalo.support import ADMIN, OFFICER

SECRET = "zalo-Secret_for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hooked_config(app: App, port: int) -> None:
    app.config = configuration.replace(
        app.config,
        "zalo",
        mode="webhook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_public_url=f"http://127.0.0.1:{port}",
        webhook_path="/zalo",
        webhook_secret=SECRET,
    )


@pytest.fixture
async def hooked(app: App, zalo: FakeZalo) -> AsyncIterator[ZaloChannel]:
    hooked_config(app, free_port())
    async with running(app) as channel:
        yield channel


def update(user: str, text: str, message_id: str) -> dict[str, object]:
    message = {"from": {"id": user, "display_name": "Quản trị", "is_bot": False},
               "chat": {"id": user, "chat_type": "PRIVATE"}, "text": text, "message_id": message_id,
               "date": 1763900000000}  # fmt: skip
    return {"event_name": "message.text.received", "message": message}


async def test_webhook_is_registered_and_updates_are_answered(zalo: FakeZalo, hooked: ZaloChannel, app: App) -> None:
    assert zalo.webhook is not None
    assert zalo.webhook["url"] == f"http://127.0.0.1:{app.config.zalo.webhook_port}/zalo"
    assert zalo.webhook["secret_token"] == SECRET
    await zalo.send_text(ADMIN, "/help")
    reply = await zalo.next_reply(ADMIN)
    assert "/moi" in reply[0].text
    assert not zalo.calls_of("getUpdates")
    assert zalo.deliveries and all(status == 200 for _, status in zalo.deliveries)


async def test_wrapped_bodies_are_read_too(zalo: FakeZalo, hooked: ZaloChannel) -> None:
    zalo.wrapped = True
    await zalo.send_text(OFFICER, "/help")
    assert "/nhiemvu" in (await zalo.next_sent(OFFICER)).text


async def test_requests_without_the_right_secret_are_refused_and_not_processed(
    zalo: FakeZalo, hooked: ZaloChannel
) -> None:
    assert await zalo.post_webhook(update(ADMIN, "/help", "a" * 20)) == 403
    assert await zalo.post_webhook(update(ADMIN, "/help", "b" * 20), secret="guess-guess") == 403
    assert await zalo.post_webhook(update(ADMIN, "/help", "c" * 20), secret=SECRET[:-1]) == 403
    await zalo.no_more(ADMIN, wait=0.5)
    assert await zalo.post_webhook(update(ADMIN, "/help", "d" * 20), secret=SECRET) == 200
    await zalo.next_sent(ADMIN)
    await zalo.no_more(ADMIN, wait=0.5)  # exactly one answer


async def test_probe_oversize_and_broken_bodies(zalo: FakeZalo, hooked: ZaloChannel) -> None:
    assert await zalo.post_webhook(None, raw=b"") == 200  # setWebhook's verification probe
    assert await zalo.post_webhook(None, raw=b"x" * 100_000, secret=SECRET) == 413
    assert await zalo.post_webhook(None, raw=b"{not json", secret=SECRET) == 400


async def test_a_redelivered_update_is_answered_once(zalo: FakeZalo, hooked: ZaloChannel) -> None:
    body = update(ADMIN, "/help", "e" * 20)
    assert await zalo.post_webhook(body, secret=SECRET) == 200
    assert await zalo.post_webhook({"ok": True, "result": body}, secret=SECRET) == 200  # the same, wrapped
    await zalo.next_sent(ADMIN)
    await zalo.no_more(ADMIN, wait=0.6)
    assert hooked.duplicates == 1


async def test_the_bots_own_echo_is_ignored(zalo: FakeZalo, hooked: ZaloChannel) -> None:
    zalo.echo = True  # every message the bot sends comes back to it
    await zalo.send_text(OFFICER, "/help")
    await zalo.next_reply(OFFICER)
    await zalo.no_more(OFFICER, wait=0.6)  # the echo of the answer was not answered
    echo = update(BOT_ID, "/help", "f" * 20)
    assert await zalo.post_webhook(echo, secret=SECRET) == 200
    await zalo.no_more(BOT_ID, wait=0.4)


async def test_one_server_carries_zalo_and_another_route(app: App, zalo: FakeZalo) -> None:
    port = free_port()
    hooked_config(app, port)
    server = WebhookServer("127.0.0.1", port)
    seen: list[bytes] = []

    async def other(headers: object, body: bytes) -> int:
        seen.append(body)
        return 200

    server.add("/telegram", Route(other, "X-Other-Secret", "other-secret"))
    async with running(app, server=server):
        await server.start()
        try:
            await zalo.send_text(ADMIN, "/help")
            assert "/moi" in (await zalo.next_sent(ADMIN)).text
            import httpx

            async with httpx.AsyncClient() as client:
                answer = await client.post(
                    f"http://127.0.0.1:{port}/telegram", content=b"{}", headers={"X-Other-Secret": "other-secret"}
                )
            assert answer.status_code == 200 and seen == [b"{}"]
        finally:
            await server.stop()
