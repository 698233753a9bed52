"""``cchc-bot run`` with a token: every configured channel (Telegram, the Zalo bot, the Zalo OA) in one process,
with one push runtime (the dispatcher, and the scheduler while this process holds the lease) sending
through whichever channel each official last wrote from.

When both channels run webhooks on the same address and port, one HTTP server carries both routes
(``bot/webhooks.py``); otherwise each channel has its own (python-telegram-bot's for Telegram).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING, Any

from bot.app import App, settle
from bot.config import Config
from bot.problems import StartError, short
from bot.push_path import PushSender, push_runtime
from bot.webhooks import WebhookServer, server_for
from jobs.sender import Sender

if TYPE_CHECKING:
    from bot.zalo.channel import ZaloChannel

log = logging.getLogger(__name__)
__all__ = ["StartError", "serve", "shared_server"]  # StartError: bot/problems.py, raised by every channel


def shared_server(config: Config) -> WebhookServer | None:
    """One server for both webhooks when both channels use webhook mode on the same port."""
    tg, zalo = config.telegram, config.zalo
    if not (tg.token and zalo.enabled and tg.mode == "webhook" and zalo.mode == "webhook"):
        return None
    if tg.webhook_port != zalo.webhook_port:
        return None
    if tg.webhook_listen != zalo.webhook_listen:
        raise StartError("shared_listen", port=tg.webhook_port, telegram=tg.webhook_listen, zalo=zalo.webhook_listen)
    if "/" + tg.webhook_path.strip("/") in {bot.webhook_path for bot in zalo.all_bots()}:
        raise StartError("shared_path")
    return server_for(tg)  # the shared server's limits are [telegram]'s


def oa_server(config: Config, shared: WebhookServer | None) -> WebhookServer | None:
    """The Zalo OA's route goes on the shared server when it listens on the same address and port."""
    oa = config.zalo_oa
    if shared is not None and (shared.listen, shared.port) == (oa.webhook_listen, oa.webhook_port):
        return shared
    return None


async def serve(app: App) -> int:
    """Run until SIGINT/SIGTERM (or until Zalo refuses the token); returns the exit code."""
    from bot import telegram, zalo, zalo_oa
    from bot.zalo.push_sender import Senders

    config = app.config
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    server, own_board = shared_server(config), None
    if config.dashboard.enabled:  # the read-only web dashboard: a GET route on the webhooks' server or its own
        from bot.dashboard.serving import attach

        server, own_board = attach(app, server)
    try:
        async with contextlib.AsyncExitStack() as stack:
            for started in (server, own_board):
                if started is not None:
                    await started.start()
                    stack.push_async_callback(started.stop)
            senders: list[Sender] = []
            watched: list[asyncio.Future[Any]] = [asyncio.ensure_future(stop.wait())]
            if config.telegram.token:
                channel = await stack.enter_async_context(telegram.running(app, server=server))
                senders.append(PushSender(app.renderer, telegram=channel.bot))
            if config.zalo.enabled:  # every bot: [zalo] token and each [[zalo.bots]]
                bots = await stack.enter_async_context(zalo.running_bots(app, server=server))
                senders.append(zalo_sender(bots, app))
                watched.extend(bot.poller for bot in bots if bot.poller is not None)
            if config.zalo_oa.enabled:
                oa = await stack.enter_async_context(zalo_oa.running(app, server=oa_server(config, server)))
                senders.append(oa.sender)
            runtime = await stack.enter_async_context(push_runtime(app, Senders(*senders)))
            if config.zalo_oa.enabled and runtime.dispatcher is not None:
                oa.channel.on_released = runtime.dispatcher.wake  # pushes that waited for the official to write
            settle()
            done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            for task in watched:
                if task not in done:
                    task.cancel()
            for task in done:
                if task is not watched[0] and not task.cancelled() and task.exception() is not None:
                    raise StartError("zalo_stopped", reason=short(task.exception()))
    finally:
        for signum in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
    log.info("channels stopped")
    return 0


def zalo_sender(channels: list[ZaloChannel], app: App) -> Sender:
    """The dispatcher's Zalo sender over every bot's channel: each push through its chat's bot."""
    from bot.zalo.push_sender import BotRoute, ZaloPushSender

    routes = {channel.me.bot: BotRoute(channel.client, channel.budget) for channel in channels if channel.budget}
    first = channels[0]
    assert first.budget is not None  # set by zalo.running
    return ZaloPushSender(first.client, app.renderer, first.budget, routes)
