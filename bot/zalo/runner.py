"""Starting and stopping the Zalo channel.

``running(app)`` (tests, the benchmark, ``run_zalo``) checks the token with getMe, then receives by
polling or by webhook as ``[zalo].mode`` says, until the block ends. Polling refuses to start while a
webhook is set (getUpdates would fail forever). Webhook mode registers ``<webhook_public_url><path>``
with the secret and adds its route to the given ``bot.webhooks.WebhookServer`` (one server can carry
Telegram's webhook too), or starts its own on ``webhook_listen:webhook_port``.

``run_zalo(app, stop)`` is what ``cchc-bot run`` awaits next to the Telegram channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from bot.app import App
from bot.config import ZaloConfig
from bot.problems import StartError, short
from bot.webhooks import WebhookServer, server_for
from bot.zalo.channel import ZaloChannel
from bot.zalo.client import FailureKind, ZaloClient, ZaloError
from bot.zalo.push_sender import budget_for
from bot.zalo.receive import ZaloWebhook, poll
from bot.zalo.updates import Me

log = logging.getLogger(__name__)


failed = StartError.of("Zalo", "zalo")  # the channel cannot start: a refused token, a webhook set, ...


def webhook_url(config: ZaloConfig) -> str:
    public = config.webhook_public_url.rstrip("/")
    path = "/" + config.webhook_path.strip("/")
    return public if public.endswith(path) else public + path


def client_for(config: ZaloConfig) -> ZaloClient:
    return ZaloClient(config.token, config.base_url, poll_timeout=config.poll_timeout)


async def identify(client: ZaloClient, config: ZaloConfig) -> Me:
    """getMe: checks the token and tells the bot its own id (to ignore its echoes) and names (mentions)."""
    try:
        me = await client.get_me()
    except ZaloError as exc:
        if exc.kind is FailureKind.FATAL:
            raise failed("token_refused", code=exc.code) from None
        raise failed("api_unreachable", where=config.base_url, reason=short(exc)) from None
    names = tuple(str(me[k]) for k in ("display_name", "account_name", "name") if me.get(k))
    return Me(str(me.get("id", "")), names, config.groups, frozenset(config.group_allow))


@contextlib.asynccontextmanager
async def running(
    app: App,
    *,
    server: WebhookServer | None = None,
    client: ZaloClient | None = None,
    backoff: tuple[float, float] | None = None,
) -> AsyncIterator[ZaloChannel]:
    """The channel, receiving updates until the block ends. With ``server`` (webhook mode), the route is
    added to it and the caller starts and stops it; without, the channel runs its own server."""
    config = app.config.zalo
    client = client or client_for(config)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    own_server: WebhookServer | None = None
    channel: ZaloChannel | None = None
    try:
        channel = ZaloChannel(app, client, await identify(client, config))
        channel.budget = budget_for(config, app.sessions, app.clock)
        client.on_sent = channel.budget.spend
        if config.mode == "webhook":
            webhook = ZaloWebhook(channel, config.webhook_secret)
            if server is None:
                server = own_server = server_for(config)
            server.add(config.webhook_path, webhook.route)
            if own_server is not None:
                await own_server.start()
            await client.set_webhook(webhook_url(config), config.webhook_secret)
            log.info("Zalo bot %s: webhook at %s", channel.me.id, config.webhook_path)
        else:
            hook = await client.get_webhook_info()
            if hook is not None:
                raise failed("zalo_webhook_set", url=str(hook.get("url")))
            options = {"backoff": backoff} if backoff else {}
            interval = config.min_poll_interval_ms / 1000
            channel.poller = asyncio.create_task(poll(client, channel, stop, min_interval=interval, **options))
            tasks.append(channel.poller)
            log.info("Zalo bot %s: polling for updates", channel.me.id)
        yield channel
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ZaloError):
                await task
        if own_server is not None:
            await own_server.stop()
        if channel is not None:
            await channel.wait_background()
        await client.aclose()


async def run_zalo(app: App, stop: asyncio.Event, *, server: WebhookServer | None = None) -> None:
    """Run the Zalo channel until ``stop`` is set. Raises ``StartError`` when it cannot start, and
    ``ZaloError`` when Zalo refuses the token later (the poller stops, and so does the channel)."""
    async with running(app, server=server) as channel:
        stopping: asyncio.Task[object] = asyncio.create_task(_wait(stop))
        watched: set[asyncio.Task[object]] = {stopping}
        if channel.poller is not None:
            watched.add(channel.poller)
        await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if channel.poller is not None and channel.poller.done() and not channel.poller.cancelled():
            channel.poller.result()  # raises the poller's ZaloError
    log.info("Zalo channel stopped")


async def _wait(stop: asyncio.Event) -> object:
    return await stop.wait()
