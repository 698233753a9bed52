"""Receiving Zalo updates: long polling, or a webhook route on ``bot.webhooks.WebhookServer``.

Polling: one ``getUpdates`` call returns at most one update; an HTTP 408 is the empty poll. Calls are at
least ``[zalo].min_poll_interval_ms`` apart (Zalo answers at once while updates are queued and may
replay consumed ones: the channel deduplicates). Errors back off, doubling up to a minute (at least 30 s
after a 429); a refused token stops the poller.

Webhook: the server (``bot.webhooks``) compares the ``X-Bot-Api-Secret-Token`` header in constant time
before the body is read; an empty body (Zalo's verification probe) is answered 200, with or without the
secret; the body is one update, bare or wrapped in ``{ok, result}``, whose fields have the types Zalo
sends (400 otherwise); it is handed to the channel and answered 200 at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from typing import Any

from bot.webhook_http import BadBody, read_json
from bot.webhooks import Route
from bot.zalo.channel import ZaloChannel
from bot.zalo.client import FailureKind, ZaloClient, ZaloError
from bot.zalo.updates import unwrap

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_BODY = 64 * 1024  # real bodies are well under a kilobyte
BACKOFF = (1.0, 60.0)  # first pause after a failed poll, longest pause
QUOTA_PAUSE = 30.0


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def poll(
    client: ZaloClient,
    channel: ZaloChannel,
    stop: asyncio.Event,
    *,
    min_interval: float = 1.0,
    backoff: tuple[float, float] = BACKOFF,
) -> None:
    """Poll until ``stop`` is set; raises ``ZaloError`` when the token is refused."""
    last, failures = 0.0, 0
    while not stop.is_set():
        wait = last + min_interval - time.monotonic()
        if wait > 0:
            await _sleep(stop, wait)
            if stop.is_set():
                return
        last = time.monotonic()
        try:
            updates = await client.get_update()
        except ZaloError as exc:
            if exc.kind is FailureKind.FATAL:
                log.error("Zalo refused the bot token while polling (%s): check [zalo].token", exc.code)
                raise
            failures += 1
            pause = min(backoff[1], backoff[0] * 2 ** (failures - 1))
            if exc.kind is FailureKind.QUOTA:
                pause = max(pause, min(QUOTA_PAUSE, backoff[1]))
            if "webhook" in exc.description.lower():
                log.error("Zalo: getUpdates refused because a webhook is set (%s); call deleteWebhook", exc)
            log.warning("Zalo getUpdates failed (%s); next poll in %.1f s", exc, pause)
            await _sleep(stop, pause)
            continue
        failures = 0
        for update in updates:
            channel.accept(update)


def _text(value: object) -> bool:
    return value is None or type(value) is str


def _id(value: object) -> bool:
    """Zalo's ids are strings; a whole number is read too, when it is one Zalo could send."""
    return value is None or type(value) is str or (type(value) is int and abs(value) < 2**63)


def update_problem(update: Any) -> str | None:
    """Why a webhook body is not one Zalo update this bot can read, in a few words; None when it is.
    Only the fields ``bot.zalo.updates.translate`` reads are checked; unknown events are fine."""
    if not isinstance(update, dict):
        return "not a JSON object"
    if "event_name" not in update and update.get("ok") is True:
        update = update.get("result")  # wrapped as the docs show
        if not isinstance(update, dict):
            return "result is not a JSON object"
    if type(update.get("event_name")) is not str:
        return "event_name is not a string"
    message = update.get("message")
    if message is None:
        return None
    if not isinstance(message, dict):
        return "message is not an object"
    sender, chat = message.get("from"), message.get("chat")
    if not isinstance(sender, dict | None) or not isinstance(chat, dict | None):
        return "message.from or message.chat is not an object"
    if not _id(message.get("message_id")) or not (message.get("date") is None or type(message["date"]) is int):
        return "message_id or date of the wrong type"
    fields = [message.get(key) for key in ("text", "caption", "photo_url", "photo", "url")]
    if not all(_text(value) for value in fields):
        return "a text or photo field is not a string"
    if sender and (not _id(sender.get("id")) or not isinstance(sender.get("is_bot"), bool | None)):
        return "message.from.id or is_bot of the wrong type"
    if sender and not (_text(sender.get("display_name")) and _text(sender.get("first_name"))):
        return "message.from's name is not a string"
    if chat and (not _id(chat.get("id")) or not _text(chat.get("chat_type"))):
        return "message.chat.id or chat_type of the wrong type"
    return None


class ZaloWebhook:
    """The Zalo webhook: ``route`` is what ``bot.webhooks.WebhookServer.add`` takes."""

    def __init__(self, channel: ZaloChannel, secret: str) -> None:
        self.channel = channel
        self.route = Route(self, SECRET_HEADER, secret, max_body=MAX_BODY, probe=True)

    async def __call__(self, headers: Mapping[str, str], body: bytes) -> int:
        if not body.strip():
            return 200  # setWebhook's verification probe: nothing to read
        parsed = read_json(body)
        problem = update_problem(parsed)
        if problem is not None:
            raise BadBody(problem)
        for update in unwrap(parsed):
            self.channel.accept(update)
        return 200
