"""Where ``cchc-bot run`` serves the dashboard: on the webhooks' server when the ports agree, else on a
server of its own (the same class, the same caps); with the console chat, on its own server."""

from __future__ import annotations

import socket

import httpx

from bot.app import build
from bot.config import Config
from bot.dashboard.serving import alone, servers
from bot.webhooks import WebhookServer
from models.settings import DashboardConfig, DatabaseConfig, TelegramConfig

HOOK = {"token": "1:x", "mode": "webhook", "webhook_public_url": "https://bot.example", "webhook_secret": "s3cret"}


def _config(telegram_port: int, dashboard_port: int) -> Config:
    return Config(
        telegram=TelegramConfig(**HOOK, webhook_port=telegram_port),  # type: ignore[arg-type]
        dashboard=DashboardConfig(enabled=True, public_url="https://bot.example/dashboard", port=dashboard_port),
    )


def test_the_dashboard_joins_telegrams_webhook_server_on_the_same_port() -> None:
    channels, own = servers(_config(8443, 8443), None)
    assert own is None and channels is not None and channels.port == 8443


def test_the_dashboard_gets_a_server_of_its_own_on_another_port() -> None:
    channels, own = servers(_config(8443, 8444), None)
    assert channels is None and own is not None and own.port == 8444 and own.listen == "127.0.0.1"
    shared = WebhookServer("127.0.0.1", 8443)
    assert servers(_config(8443, 8443), shared) == (shared, None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_with_the_console_chat_the_dashboard_has_its_own_server(tmp_path: object) -> None:
    port = _free_port()
    config = Config(
        database=DatabaseConfig(url=f"sqlite+aiosqlite:///{tmp_path}/c.db"),
        dashboard=DashboardConfig(enabled=True, public_url="https://bot.example/dashboard", port=port),
    )
    app = build(config)
    try:
        async with alone(app) as server, httpx.AsyncClient() as client:
            assert server is not None and server.port == port
            answer = await client.get(f"http://127.0.0.1:{port}/dashboard/tinh")
            assert answer.status_code == 401  # served, and no page without a session
    finally:
        await app.close()
