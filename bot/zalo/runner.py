"""Starting and stopping the Zalo channel.

``running(app, bot=…)`` (tests, the benchmark) runs one bot: it checks the bot's token with getMe, then
receives by polling or by webhook as ``[zalo].mode`` says, until the block ends; ``running_bots(app)`` runs
every configured bot (``[zalo] token`` and each ``[[zalo.bots]]``, ``models/settings_zalo.py``), each update
marked with the bot it came in on (``Incoming.bot``) and answered through it. Polling refuses to start while a
webhook is set (getUpdates would fail forever). Webhook mode registers ``<webhook_public_url><path>``
with the secret and adds its route to the given ``bot.webhooks.WebhookServer`` (one server can carry
Telegram's webhook too), or starts its own on ``webhook_listen:webhook_port``.

``run_zalo(app, stop)`` runs every bot until ``stop`` is set.
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
from models.settings import ZaloBot
from models.settings_zalo import DEFAULT_BOT

log = logging.getLogger(__name__)


failed = StartError.of("Zalo", "zalo")  # the channel cannot start: a refused token, a webhook set, ...


def webhook_url(config: ZaloConfig, path: str | None = None) -> str:
    public = config.webhook_public_url.rstrip("/")
    path = "/" + (config.webhook_path if path is None else path).strip("/")
    return public if public.endswith(path) else public + path


def first_bot(config: ZaloConfig) -> ZaloBot:
    bots = config.all_bots()
    if not bots:
        raise ValueError("no Zalo bot configured ([zalo] token or [[zalo.bots]])")
    return bots[0]


def client_for(config: ZaloConfig, bot: ZaloBot | None = None) -> ZaloClient:
    bot = bot or first_bot(config)
    return ZaloClient(bot.token, config.base_url, poll_timeout=config.poll_timeout)


async def identify(client: ZaloClient, config: ZaloConfig, bot: ZaloBot | None = None) -> Me:
    """getMe: checks the token and tells the bot its own id (to ignore its echoes) and names (mentions)."""
    name = (bot or first_bot(config)).name
    try:
        me = await client.get_me()
    except ZaloError as exc:
        if exc.kind is FailureKind.FATAL:  # which bot's token: [zalo].token, or [zalo.bots "<name>"].token
            section = "zalo" if name == DEFAULT_BOT and config.token else f'zalo.bots "{name}"'
            raise StartError("token_refused", channel="Zalo", section=section, code=exc.code) from None
        raise failed("api_unreachable", where=config.base_url, reason=short(exc)) from None
    names = tuple(str(me[k]) for k in ("display_name", "account_name", "name") if me.get(k))
    return Me(str(me.get("id", "")), names, config.groups, frozenset(config.group_allow), name)


@contextlib.asynccontextmanager
async def running(
    app: App,
    *,
    server: WebhookServer | None = None,
    client: ZaloClient | None = None,
    backoff: tuple[float, float] | None = None,
    bot: ZaloBot | None = None,
) -> AsyncIterator[ZaloChannel]:
    """One bot's channel (``bot``; the first configured when None), receiving updates until the block ends.
    With ``server`` (webhook mode), the route is added to it and the caller starts and stops it; without,
    the channel runs its own server."""
    config = app.config.zalo
    bot = bot or first_bot(config)
    client = client or client_for(config, bot)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    own_server: WebhookServer | None = None
    channel: ZaloChannel | None = None
    try:
        channel = ZaloChannel(app, client, await identify(client, config, bot))
        channel.budget = budget_for(config, app.sessions, app.clock, bot)
        client.on_sent = channel.budget.spend
        if config.mode == "webhook":
            webhook = ZaloWebhook(channel, bot.webhook_secret)
            if server is None:
                server = own_server = server_for(config)
            server.add(bot.webhook_path, webhook.route)
            if own_server is not None:
                await own_server.start()
            await client.set_webhook(webhook_url(config, bot.webhook_path), bot.webhook_secret)
            log.info("Zalo bot %s (%s): webhook at %s", bot.name, channel.me.id, bot.webhook_path)
        else:
            hook = await client.get_webhook_info()
            if hook is not None:
                raise failed("zalo_webhook_set", url=str(hook.get("url")))
            options = {"backoff": backoff} if backoff else {}
            interval = config.min_poll_interval_ms / 1000
            channel.poller = asyncio.create_task(poll(client, channel, stop, min_interval=interval, **options))
            tasks.append(channel.poller)
            log.info("Zalo bot %s (%s): polling for updates", bot.name, channel.me.id)
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


@contextlib.asynccontextmanager
async def running_bots(
    app: App, *, server: WebhookServer | None = None, backoff: tuple[float, float] | None = None
) -> AsyncIterator[list[ZaloChannel]]:
    """Every configured bot's channel (``[zalo] token`` and each ``[[zalo.bots]]``), each with its own token,
    client, budget and poller or webhook route; in webhook mode one server carries every bot's path (the
    given one, or one of their own on ``webhook_listen:webhook_port``)."""
    config = app.config.zalo
    async with contextlib.AsyncExitStack() as stack:
        if config.mode == "webhook" and server is None:
            server = server_for(config)
            await server.start()
            stack.push_async_callback(server.stop)
        channels = [
            await stack.enter_async_context(running(app, server=server, backoff=backoff, bot=bot))
            for bot in config.all_bots()
        ]
        yield channels


async def run_zalo(app: App, stop: asyncio.Event, *, server: WebhookServer | None = None) -> None:
    """Run every Zalo bot until ``stop`` is set. Raises ``StartError`` when one cannot start, and
    ``ZaloError`` when Zalo refuses a token later (that poller stops, and so does the channel)."""
    async with running_bots(app, server=server) as channels:
        stopping: asyncio.Task[object] = asyncio.create_task(_wait(stop))
        pollers = [channel.poller for channel in channels if channel.poller is not None]
        watched: set[asyncio.Task[object]] = {stopping, *pollers}
        await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        for poller in pollers:
            if poller.done() and not poller.cancelled():
                poller.result()  # raises the poller's ZaloError
    log.info("Zalo channel stopped")


async def _wait(stop: asyncio.Event) -> object:
    return await stop.wait()
