"""A dashboard served for the tests: the bot's HTTP server (``bot/webhooks.py``) on a free local port with
the dashboard's GET route, a fixed clock, and helpers to sign in and fetch a page."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dashboard.http import COOKIE, Dashboard
from bot.render import Renderer
from bot.webhooks import WebhookServer
from handlers.base import HandlerConfig
from models import FrozenClock
from models.dashboard import start_session
from models.settings import DashboardConfig

TOKEN = "123456:TEST-TOKEN-never-in-a-log"
CONFIG = DashboardConfig(enabled=True, public_url="https://cchc.example/dashboard", path="/dashboard")


@dataclass
class Served:
    base: str  # http://127.0.0.1:<port>/dashboard
    dashboard: Dashboard
    server: WebhookServer

    async def session_for(self, official_id: int, via: str = "link") -> str:
        async with self.dashboard.sessions.begin() as session:
            return await start_session(
                session, official_id, via, self.dashboard.clock.now(), self.dashboard.config.session_minutes
            )

    async def get(self, path: str, token: str | None = None, **headers: str) -> httpx.Response:
        if token:
            headers["Cookie"] = f"{COOKIE}={token}"
        async with httpx.AsyncClient(follow_redirects=False, timeout=30) as client:
            return await client.get(self.base + path, headers=headers)


@contextlib.asynccontextmanager
async def served(
    sessions: async_sessionmaker[AsyncSession], now: datetime, config: DashboardConfig = CONFIG
) -> AsyncIterator[Served]:
    dashboard = Dashboard(sessions, Renderer(), FrozenClock(at=now), HandlerConfig(dashboard=config), TOKEN)
    server = WebhookServer("127.0.0.1", 0)
    server.pages[dashboard.prefix] = dashboard
    await server.start()
    try:
        yield Served(f"http://127.0.0.1:{server.port}{dashboard.prefix}", dashboard, server)
    finally:
        await server.stop()
