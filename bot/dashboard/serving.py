"""Where the dashboard is served in ``cchc-bot run`` (``bot/serve.py``): on the webhooks' server when
``[dashboard].port`` is its port (one server, one port through the reverse proxy), else on a server of
its own, the same class with the same caps and deadlines (``bot/webhooks.py``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bot.app import App
from bot.config import Config
from bot.dashboard.http import Dashboard
from bot.webhooks import WebhookServer, server_for


def dashboard_of(app: App) -> Dashboard:
    config = app.config
    settings = app.router.settings
    return Dashboard(
        app.sessions, app.renderer, app.clock, settings, config.telegram.token, config.bot.default_language
    )


def servers(config: Config, shared: WebhookServer | None) -> tuple[WebhookServer | None, WebhookServer | None]:
    """(the server the channels are handed, a server only the dashboard uses) for ``shared``, the one
    ``serve.shared_server`` made for both webhooks (or None)."""
    board = config.dashboard
    if shared is not None and shared.port == board.port:
        return shared, None
    tg, zalo = config.telegram, config.zalo
    zalo_webhook = zalo.enabled and zalo.mode == "webhook"
    if shared is None and tg.token and tg.mode == "webhook" and tg.webhook_port == board.port and not zalo_webhook:
        return server_for(tg), None  # Telegram's webhook server, made here so the dashboard joins it
    own = WebhookServer(
        board.listen, board.port, max_connections=board.max_connections, header_seconds=board.header_seconds
    )
    return shared, own


def attach(app: App, shared: WebhookServer | None) -> tuple[WebhookServer | None, WebhookServer | None]:
    """``servers`` with the dashboard's route added to the one that carries it."""
    channels, own = servers(app.config, shared)
    board = dashboard_of(app)
    carrier = own if own is not None else channels
    assert carrier is not None  # servers() gives the dashboard one or the other
    carrier.pages[board.prefix] = board
    return channels, own


@contextlib.asynccontextmanager
async def alone(app: App) -> AsyncIterator[WebhookServer | None]:
    """The dashboard on a server of its own while the console chat runs (no channel token), when enabled."""
    if not app.config.dashboard.enabled:
        yield None
        return
    _, own = attach(app, None)
    assert own is not None
    await own.start()
    try:
        yield own
    finally:
        await own.stop()
