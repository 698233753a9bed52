"""Receiving Zalo updates: long polling, or a webhook route on ``bot.webhooks.WebhookServer``.

Polling: one ``getUpdates`` call returns at most one update; an HTTP 408 is the empty poll. Calls are at
least ``[zalo].min_poll_interval_ms`` apart (Zalo answers at once while updates are queued and may
replay consumed ones: the channel deduplicates). Errors back off, doubling up to a minute (at least 30 s
after a 429); a refused token stops the poller.

Webhook: the ``X-Bot-Api-Secret-Token`` header is compared in constant time before the body is read;
an empty body (Zalo's verification probe) is answered 200; the body may be the bare update or wrapped
in ``{ok, result}``; it is handed to the channel and answered 200 at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Mapping

from bot.webhooks import secret_matches
from bot.zalo.channel import ZaloChannel
from bot.zalo.client import Kind, ZaloClient, ZaloError
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
            if exc.kind is Kind.FATAL:
                log.error("Zalo refused the bot token while polling (%s): check [zalo].token", exc.code)
                raise
            failures += 1
            pause = min(backoff[1], backoff[0] * 2 ** (failures - 1))
            if exc.kind is Kind.QUOTA:
                pause = max(pause, min(QUOTA_PAUSE, backoff[1]))
            if "webhook" in exc.description.lower():
                log.error("Zalo: getUpdates refused because a webhook is set (%s); call deleteWebhook", exc)
            log.warning("Zalo getUpdates failed (%s); next poll in %.1f s", exc, pause)
            await _sleep(stop, pause)
            continue
        failures = 0
        for update in updates:
            channel.accept(update)


class ZaloWebhook:
    """The Zalo webhook as a ``bot.webhooks.Route``."""

    def __init__(self, channel: ZaloChannel, secret: str) -> None:
        if not secret:
            raise ValueError("a Zalo webhook needs a secret")
        self.channel, self.secret = channel, secret
        self.refused = 0

    async def __call__(self, headers: Mapping[str, str], body: bytes) -> int:
        if len(body) > MAX_BODY:
            return 413
        if not body.strip():
            return 200  # setWebhook's verification probe: nothing to read
        if not secret_matches(headers.get(SECRET_HEADER), self.secret):
            self.refused += 1
            return 403
        try:
            parsed = json.loads(body)
        except ValueError:
            return 400
        for update in unwrap(parsed):
            self.channel.accept(update)
        return 200
