"""/bangdieukhien: a Mini App button on Telegram, a single-use link elsewhere (stored hashed), a clear
line when the dashboard is off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import HandlerConfig, Incoming
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock, Role, UnitKind
from models.dashboard import DashboardLink, token_hash
from models.settings import DashboardConfig
from tests import factories as f

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)
ON = DashboardConfig(enabled=True, public_url="https://cchc.example/dashboard")


async def _router(sessions: async_sessionmaker[AsyncSession], config: DashboardConfig) -> Router:
    async with sessions.begin() as session:
        province = await f.unit(session, "20", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
        await f.official(session, province, Role.LEADER, name="leader", external_id="leader")
        await f.official(session, province, Role.LEADER, name="tg", external_id="555", channel="telegram")
    return Router(sessions, clock=FrozenClock(at=NOW), settings=HandlerConfig(dashboard=config))


async def test_console_gets_a_link_valid_ten_minutes_whose_token_is_stored_hashed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    router = await _router(sessions, ON)
    _, replies = await router.handle(Incoming("console", "leader", "leader", "/bangdieukhien"))
    reply = replies[0]
    assert reply.template == "dashboard/open" and reply.context["minutes"] == 10
    url = reply.context["url"]
    assert url.startswith("https://cchc.example/dashboard/lienket/")
    token = url.rsplit("/", 1)[1]
    async with sessions() as session:
        link = (await session.execute(select(DashboardLink))).scalar_one()
    assert link.token_hash == token_hash(token) != token
    assert (link.expires_at - link.created_at).total_seconds() == 600


async def test_telegram_gets_a_mini_app_button_and_no_link(sessions: async_sessionmaker[AsyncSession]) -> None:
    router = await _router(sessions, ON)
    _, replies = await router.handle(Incoming("telegram", "555", "555", "/bangdieukhien"))
    button = replies[0].buttons[0][0]
    assert button.web_app and button.url == "https://cchc.example/dashboard/telegram"
    async with sessions() as session:
        assert (await session.execute(select(DashboardLink))).first() is None


async def test_the_dashboard_switched_off_is_one_clear_line(sessions: async_sessionmaker[AsyncSession]) -> None:
    router = await _router(sessions, DashboardConfig())
    _, replies = await router.handle(Incoming("console", "leader", "leader", "/bangdieukhien"))
    assert replies[0].template == "errors/dashboard_off"
