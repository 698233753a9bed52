"""Starting and stopping the Telegram channel: python-telegram-bot's Application in polling mode (the
default) or webhook mode, our pacing limiter, and its update processor handing each update to the
inbox's chat order (``bot/inbox.py``: chats concurrently, one chat's updates in order, at most
``MAX_CONCURRENT_UPDATES`` working).

python-telegram-bot keeps what it does well: fetching updates, the webhook's hand-over, handlers and
the error handler. Its processor's own bound is only how many updates it holds at once
(``MAX_HELD_UPDATES``): most of them wait for their chat's turn without a working slot, so one busy
chat cannot hold up the others.

``running(app)`` is the async context manager that ``bot/serve.py`` (``cchc-bot run``), the tests and the
benchmark use.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import sys
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, CallbackQueryHandler, MessageHandler
from telegram.ext import filters as tg_filters

from bot.app import App
from bot.config import TelegramConfig
from bot.inbox import MAX_CONCURRENT_UPDATES, Chats, Inbox, Seen
from bot.problems import StartError, short
from bot.telegram.channel import REMEMBERED_UPDATES, TelegramChannel
from bot.telegram.limits import Limits, PacingLimiter
from bot.telegram.request import JsonRequest
from bot.webhooks import WebhookServer, server_for, telegram_route

log = logging.getLogger(__name__)

TgApplication = Application[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
MAX_HELD_UPDATES = 8 * MAX_CONCURRENT_UPDATES  # updates python-telegram-bot holds: working or awaiting their turn
POLL_TIMEOUT = 10
CONNECTIONS = 64  # to the Bot API, for sends (python-telegram-bot's default is 256)


failed = StartError.of("Telegram", "telegram")  # the channel cannot start: a refused token, webhook, ...


class ChatOrderedProcessor(BaseUpdateProcessor):
    """python-telegram-bot's update processor on the inbox's chat order: updates of different chats run
    concurrently, those of one chat one after another, so a guided form's answers are read in the
    order they were typed."""

    def __init__(self, chats: Chats, max_held_updates: int = MAX_HELD_UPDATES) -> None:
        super().__init__(max_held_updates)
        self.chats = chats  # the inbox's

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        await self.chats.in_order(chat.id, coroutine)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def skip_missing_sniffio() -> None:
    """httpcore tries ``import sniffio`` on every request; when it is not installed, each failed import
    searches sys.path again (about a millisecond of stat calls per Bot API call). Recording the absence
    once makes that import fail at once, exactly as before but without the search."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def file_url(base_url: str) -> str:
    """The file download URL of a Bot API server: ``http://host:8081/bot`` -> ``http://host:8081/file/bot``."""
    base = base_url.rstrip("/")
    return base.removesuffix("/bot") + "/file/bot" if base.endswith("/bot") else base


def webhook_url(config: TelegramConfig) -> str:
    """The public URL Telegram posts to: the configured public URL, with the path when it lacks it."""
    public = config.webhook_public_url.rstrip("/")
    path = "/" + config.webhook_path.strip("/")
    return public if public.endswith(path) else public + path


async def bot_username(config: TelegramConfig) -> str:
    """The configured username, else the bot's own from getMe ("" without a token or a reachable API)."""
    if config.bot_username or not config.token:
        return config.bot_username.lstrip("@")
    skip_missing_sniffio()
    base_url = config.base_url or "https://api.telegram.org/bot"
    try:
        async with Bot(config.token, base_url=base_url, base_file_url=file_url(base_url)) as bot:
            return bot.username
    except TelegramError as exc:
        log.warning("could not ask Telegram for the bot's username: %s", exc)
        return ""


# Messages one process may send at once: a sixth of Telegram's 30 a second. N processes sharing one bot
# token burst N × 5 at most, within Telegram's own burst (~30) up to 5 processes (bench/README, issue 20).
REPLY_BURST = 5


def telegram_limits(config: TelegramConfig) -> Limits:
    """The limiter's rates are the dispatcher's ([telegram]): pushes paced by the dispatcher then find a
    token waiting here, and the two never wait twice (see jobs/pacing.py)."""
    return Limits(
        overall_per_second=config.per_second,
        # sent evenly (a burst of a sixth of a second): Telegram counts arrivals, which jitter; a bot that
        # spends Telegram's whole burst answers every jitter with a 429 and a second's pause for everyone.
        # At least REPLY_BURST (or per_second itself): a process given a share of the bot's limit (webhook
        # workers: 30 ÷ N each) still answers a few officials at once rather than one every 1/share s
        overall_burst=max(min(config.per_second, REPLY_BURST), config.per_second // 6),
        chat_per_second=config.chat_per_second,
        group_per_minute=config.group_per_minute,
    )


def build(app: App, *, limits: Limits | None = None) -> tuple[TgApplication, TelegramChannel]:
    """python-telegram-bot's Application wired to our channel (not started)."""
    skip_missing_sniffio()
    config = app.config.telegram
    inbox = Inbox(app.router, seen=Seen(ttl=None, size=REMEMBERED_UPDATES))
    builder = (
        ApplicationBuilder()
        .token(config.token)
        .rate_limiter(PacingLimiter(limits or telegram_limits(app.config.telegram)))
        .concurrent_updates(ChatOrderedProcessor(inbox.chats))
        .job_queue(None)  # pushes are scheduled by jobs/, not by python-telegram-bot
        .request(JsonRequest(connection_pool_size=CONNECTIONS))  # JSON bodies (getUpdates keeps the default)
    )
    if config.base_url:
        builder = builder.base_url(config.base_url).base_file_url(file_url(config.base_url))
    application: TgApplication = builder.build()
    channel = TelegramChannel(app, application.bot, inbox)
    application.add_handler(MessageHandler(tg_filters.UpdateType.MESSAGE, channel.on_update))
    application.add_handler(CallbackQueryHandler(channel.on_update))
    application.add_error_handler(channel.alerts.on_error)
    return application, channel


@contextlib.asynccontextmanager
async def running(
    app: App, *, limits: Limits | None = None, server: WebhookServer | None = None
) -> AsyncIterator[TelegramChannel]:
    """The channel, receiving updates (polling or webhook, as configured) until the block ends. Webhook
    mode uses ``bot/webhooks.py``'s server: ``server`` when given (one port for Telegram and Zalo), else
    one of its own on ``webhook_listen``:``webhook_port``."""
    config = app.config.telegram
    own_server: WebhookServer | None = None
    application, channel = build(app, limits=limits)
    try:
        await application.initialize()  # getMe: checks the token
    except InvalidToken as exc:
        raise failed("token_refused", code="Unauthorized") from exc
    except NetworkError as exc:
        raise failed("api_unreachable", where=config.base_url or "api.telegram.org", reason=short(exc)) from exc
    try:
        if not channel.bot_username:
            channel.set_bot_username(application.bot.username)
        await application.start()
        updater = application.updater
        assert updater is not None
        if config.mode == "webhook":
            if server is None:  # our own server (bot/webhooks.py): the secret checked before the body is read
                server = own_server = server_for(config)
                await own_server.start()
            server.add(config.webhook_path, telegram_route(application, config.webhook_secret))
            try:
                await application.bot.set_webhook(
                    webhook_url(config), secret_token=config.webhook_secret, allowed_updates=ALLOWED_UPDATES
                )
            except TelegramError as exc:  # e.g. BadRequest "bad webhook: An HTTPS URL must be provided"
                raise failed("webhook_refused", url=webhook_url(config), reason=short(exc.message)) from exc
            log.info("Telegram @%s: webhook at %s", channel.bot_username, config.webhook_path)
        else:
            await updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES)
            log.info("Telegram @%s: polling for updates", channel.bot_username)
        channel.publish_menus()
        yield channel
    finally:
        if own_server is not None:
            await own_server.stop()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await channel.wait_background()
        await application.shutdown()
