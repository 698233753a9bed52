"""Webhook mode: the bot registers its URL and secret with setWebhook, answers updates Telegram posts,
and refuses (403, unprocessed) every request without the right secret token."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from bot import config as configuration
from bot.app import App
from bot.telegram import running
from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import ADMIN, FAST

SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def hooked(app: App, tg: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    port = free_port()
    app.config = configuration.replace(
        app.config,
        "telegram",
        mode="webhook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_public_url=f"http://127.0.0.1:{port}",
        webhook_path="/telegram",
        webhook_secret=SECRET,
    )
    async with running(app, limits=FAST) as channel:
        yield channel


def update(update_id: int, text: str) -> dict[str, object]:
    user = {"id": ADMIN, "is_bot": False, "first_name": "Admin"}
    chat = {"id": ADMIN, "type": "private", "first_name": "Admin"}
    message = {"message_id": 900 + update_id, "from": user, "chat": chat, "date": 1700000000, "text": text}
    return {"update_id": update_id, "message": message}


async def test_webhook_is_registered_with_the_secret(tg: FakeTelegram, hooked: TelegramChannel, app: App) -> None:
    assert tg.webhook is not None
    assert tg.webhook["url"] == f"http://127.0.0.1:{app.config.telegram.webhook_port}/telegram"
    assert tg.webhook["secret_token"] == SECRET
    assert not tg.called("getUpdates")

    await tg.send_text(ADMIN, "/help")  # Telegram posts it to the webhook with the secret
    reply = await tg.next_sent(ADMIN)
    assert "/moi" in reply.text
    assert tg.deliveries and all(status == 200 for _, status in tg.deliveries)


async def test_requests_without_the_right_secret_are_refused_and_not_processed(
    tg: FakeTelegram, hooked: TelegramChannel, app: App
) -> None:
    url = tg.webhook["url"] if tg.webhook else ""
    async with httpx.AsyncClient() as client:
        missing = await client.post(url, json=update(501, "/help"))
        wrong = await client.post(url, json=update(502, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        assert (missing.status_code, wrong.status_code) == (403, 403)
        await tg.no_more(ADMIN, wait=0.5)

        right = await client.post(url, json=update(503, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert right.status_code == 200
    reply = await tg.next_sent(ADMIN)
    assert "/moi" in reply.text
    await tg.no_more(ADMIN)  # exactly one answer: the two refused requests never reached the router


async def test_a_redelivered_update_is_answered_once_and_garbage_is_refused(
    tg: FakeTelegram, hooked: TelegramChannel, app: App
) -> None:
    url = tg.webhook["url"] if tg.webhook else ""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient() as client:
        first = await client.post(url, json=update(601, "/help"), headers=headers)
        again = await client.post(url, json=update(601, "/help"), headers=headers)  # Telegram's retry
        assert (first.status_code, again.status_code) == (200, 200)
        reply = await tg.next_sent(ADMIN)
        assert "/moi" in reply.text
        await tg.no_more(ADMIN, wait=0.5)  # the replay was not processed

        garbage = await client.post(url, content=b"{not json", headers={**headers, "Content-Type": "application/json"})
        assert garbage.status_code >= 400
        await tg.no_more(ADMIN, wait=0.3)


async def test_an_oversized_body_is_refused_before_it_is_read(tg: FakeTelegram, hooked: TelegramChannel) -> None:
    url = tg.webhook["url"] if tg.webhook else ""
    huge = update(701, "/help " + "x" * (2 * 1024 * 1024))  # 2 MB: no real update is that big
    async with httpx.AsyncClient() as client:
        try:
            answer = await client.post(url, json=huge, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert answer.status_code in (400, 413)
        except httpx.HTTPError:
            pass  # the server may also just close the connection
    await tg.no_more(ADMIN, wait=0.5)
