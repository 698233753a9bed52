"""Signing in to the dashboard: Telegram's Mini App init data (genuine, forged, tampered, stale, from the
future, of an unregistered user) and the single-use link of /bangdieukhien (used once, within its
minutes, never by a link preview)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dashboard import initdata
from models import DEFAULT_TZ, ChatAccount, Role, UnitKind
from models.dashboard import DashboardLink, create_link
from tests import factories as f
from tests.bot.dashboard.support import TOKEN, served

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)
MAX_AGE = timedelta(minutes=10)


def init_data(user_id: int, signed_at: datetime, token: str = TOKEN, **extra: str) -> str:
    fields = {"auth_date": str(int(signed_at.timestamp())), "query_id": "AAH", "user": json.dumps({"id": user_id})}
    fields |= extra
    return urlencode({**fields, "hash": initdata.sign(fields, token)})


def test_genuine_init_data_names_its_user() -> None:
    assert initdata.verified_user_id(init_data(42, NOW), TOKEN, NOW, MAX_AGE) == 42


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (init_data(42, NOW, token="654321:ANOTHER-BOT"), "not signed"),
        (init_data(42, NOW).replace("42", "43"), "not signed"),  # the user id changed after signing
        (init_data(42, NOW - timedelta(minutes=11)), "older"),
        (init_data(42, NOW + timedelta(minutes=5)), "future"),
        (init_data(42, NOW).split("&hash=")[0], "not signed"),
        ("", "empty"),
        ("x" * 5000, "oversized"),
    ],
    ids=["forged", "tampered", "stale", "future", "unsigned", "empty", "oversized"],
)
def test_forged_stale_or_broken_init_data_is_refused(data: str, why: str) -> None:
    with pytest.raises(initdata.Refused, match=why) as refused:
        initdata.verified_user_id(data, TOKEN, NOW, MAX_AGE)
    assert TOKEN not in str(refused.value)


async def _official(sessions: async_sessionmaker[AsyncSession], telegram_id: str) -> int:
    async with sessions.begin() as session:
        province = await f.unit(session, "20", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
        official = await f.official(session, province, Role.LEADER, name="leader", external_id="console-leader")
        session.add(
            ChatAccount(
                official_id=official.id,
                channel="telegram",
                external_id=telegram_id,
                chat_id=telegram_id,
                created_at=NOW,
            )
        )
        return official.id


async def test_telegram_sign_in_sets_a_partitioned_http_only_cookie_and_refuses_forgeries(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    await _official(sessions, "777")
    async with served(sessions, NOW) as site:
        signed = await site.get("/vao/telegram", **{"X-Telegram-Init-Data": init_data(777, NOW)})
        assert signed.status_code == 204
        cookie = signed.headers["set-cookie"]
        # Telegram Web frames the Mini App cross-site: a Strict cookie would never come back there
        parts = ("HttpOnly", "Secure", "SameSite=None", "Partitioned", "Path=/dashboard")
        assert all(part in cookie for part in parts)
        token = cookie.split(";")[0].split("=", 1)[1]
        assert (await site.get("/", token)).status_code == 200
        stale = init_data(777, NOW - timedelta(minutes=30))
        forged = init_data(777, NOW, token="999:FORGED")
        stranger = init_data(888, NOW)  # genuine, but no official is bound to this Telegram user
        for data in (stale, forged, stranger):
            refused = await site.get("/vao/telegram", **{"X-Telegram-Init-Data": data})
            assert refused.status_code == 403 and "set-cookie" not in refused.headers
    assert TOKEN not in caplog.text


async def test_a_link_signs_in_once_within_its_minutes_and_a_preview_spends_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    official_id = await _official(sessions, "777")
    async with sessions.begin() as session:
        token = await create_link(session, official_id, NOW, 10)
        late = await create_link(session, official_id, NOW - timedelta(minutes=11), 10)
        stored = (await session.execute(select(DashboardLink.token_hash))).scalars().all()
    assert token not in stored and late not in stored  # only hashes are kept
    async with served(sessions, NOW) as site:
        preview = await site.get(f"/lienket/{token}")
        assert preview.status_code == 200 and "set-cookie" not in preview.headers
        opened = await site.get(f"/lienket/{token}/mo")
        assert opened.status_code == 200 and "SameSite=Strict" in opened.headers["set-cookie"]
        again = await site.get(f"/lienket/{token}/mo")
        assert again.status_code == 403 and "Liên kết không còn dùng được" in again.text
        expired = await site.get(f"/lienket/{late}/mo")
        assert expired.status_code == 403 and "set-cookie" not in expired.headers
        assert (await site.get("/lienket/guessed/mo")).status_code == 403


async def test_the_mini_app_entry_page_runs_only_the_served_script_and_may_be_framed_by_telegram(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with served(sessions, NOW) as site:
        entry = await site.get("/telegram")
        script = await site.get("/static/telegram.js")
    assert entry.status_code == 200 and '<script src="/dashboard/static/telegram.js" defer></script>' in entry.text
    assert "frame-ancestors https://web.telegram.org" in entry.headers["content-security-policy"]
    assert "X-Telegram-Init-Data" in script.text and script.headers["content-type"].startswith("text/javascript")
