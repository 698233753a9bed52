"""Commands and invites name units by the province's own codes once its units file recorded them
(issue 13, point 7): the demo stores Sở Nội vụ as LS.SNV; after samples/don_vi.xlsx, "SNV" names it too."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import handlers.registry  # noqa: F401  (registers every command)
from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock, Unit
from models.demo import load_demo
from models.importers import import_file
from models.scope import Scope
from tests.models.test_importers import SAMPLES, ok

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)


@pytest.fixture
async def demo(sessions: async_sessionmaker[AsyncSession]) -> Router:
    """The demo, and the province's own units file imported into it."""
    async with sessions() as session:
        await load_demo(session, FrozenClock(at=NOW))
        ls = (await session.execute(select(Unit).where(Unit.code == "LS"))).scalar_one()
        ok(await import_file(session, "units", SAMPLES / "don_vi.xlsx", scope=Scope(ls)))
        await session.commit()
    return Router(sessions, clock=FrozenClock(at=NOW), settings=HandlerConfig())


async def ask(router: Router, account: str, text: str) -> str:
    lang, replies = await router.handle(Incoming("console", account, account, text))
    return "\n\n".join(Renderer().render(lang, reply, "text") for reply in replies)


async def test_commands_and_invites_take_the_codes_of_the_provinces_own_file(demo: Router) -> None:
    assert (await ask(demo, "admin", "/canbo SNV")).startswith("Cán bộ đăng ký tại Sở Nội vụ")
    assert "Huyện Hữu Lũng đã kết thúc hoạt động từ 01/07/2025" in await ask(demo, "admin", "/canbo HL")
    assert "Kết quả chỉ số — UBND thành phố Lạng Sơn, năm 2023" in await ask(demo, "chair", "/diem 2023 TPLS")
    invite = await ask(demo, "admin", "/moi SNV canbo Nguyễn Văn B")
    assert "Mã mời:" in invite and "Đơn vị: Sở Nội vụ" in invite
