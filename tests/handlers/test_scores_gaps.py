"""Two loose ends of /diem: a trend across a year that was not published (PAR INDEX 2021 and 2023, no
2022) says the change is from 2021; a leader's /diem 766 (the province has no 766 result of its own)
says the index scores communes and departments and offers their table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock, Role, UnitKind
from tests import factories as f
from tests.handlers._demo_support import ask as ask_demo


async def _ask(sessions: async_sessionmaker[AsyncSession], chat: str, text: str) -> str:
    bot = Router(
        sessions, clock=FrozenClock(at=datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)), settings=HandlerConfig()
    )
    lang, replies = await bot.handle(Incoming("console", chat, chat, text))
    return "\n\n".join(Renderer().render(lang, reply, "text") for reply in replies)


async def test_a_year_missing_between_two_is_skipped_and_named(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        par = await f.score_index(session, "PAR", names=("Chỉ số CCHC", "PAR INDEX"))
        ls = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
        await f.official(session, ls, Role.LEADER, name="Lãnh đạo", external_id="leader")
        await f.index_result(session, par, ls, 2021, "80.50", 40, score_places=2)
        await f.index_result(session, par, ls, 2023, "83.25", 30, score_places=2)
        await session.commit()
    text = await _ask(sessions, "leader", "/diem par")
    assert any(line.startswith("So với năm 2021: tăng 10 bậc, t") for line in text.splitlines())
    assert "So với năm 2022" not in text
    assert "2021: 80,50 · 2023: 83,25 (tăng 2,75 điểm so với 2021)" in text


async def test_a_year_after_the_year_before_reads_as_before(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        par = await f.score_index(session, "PAR", names=("Chỉ số CCHC", "PAR INDEX"))
        ls = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
        await f.official(session, ls, Role.LEADER, name="Lãnh đạo", external_id="leader")
        await f.index_result(session, par, ls, 2022, "80.50", 40, score_places=2)
        await f.index_result(session, par, ls, 2023, "83.25", 30, score_places=2)
        await session.commit()
    text = await _ask(sessions, "leader", "/diem par")
    assert "So với năm 2022:" in text and "so với 2022" not in text


async def test_leaders_766_points_to_the_table_of_its_units(demo: Router) -> None:
    text = await ask_demo(demo, "leader", "/diem 766")
    assert text == (
        "Chỉ số 766 chấm điểm các xã, phường và các sở, ban, ngành, không chấm điểm cấp tỉnh; "
        "bảng xếp hạng của các đơn vị: /xephang 766."
    )
    _, replies = await demo.handle(Incoming("console", "leader", "leader", "/diem 766"))
    assert [b.data for row in replies[0].buttons for b in row] == ["/xephang 766"]
