"""/thidua: the unit's place in the current drive, the countdown, and the paginated leaderboard."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import handlers.drives  # noqa: F401  (registers /thidua)
from handlers.base import HandlerConfig
from handlers.router import Router
from models import Official, Role, UnitKind
from models.settings import BotConfig
from tests import factories as f
from tests.handlers._scores_fixtures import Province, ask, replies, router


async def test_commune_sees_its_rank_points_gap_and_days_left(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    bot = router(sessions)
    text = await ask(bot, ls.chair, "/thidua")
    assert "Đẩy mạnh hiện đại hoá bộ phận một cửa cấp huyện, cấp xã trên địa bàn tỉnh Lạng Sơn" in text
    assert "01/05/2024 – 30/09/2024, còn 121 ngày" in text
    assert "UBND xã Minh Sơn, huyện Hữu Lũng: xếp thứ 2/5, 85,00 điểm, kém đơn vị dẫn đầu 15,00 điểm." in text
    # the latest figure as of today: not the older 20%, not the 100% dated after today
    assert "3. Tỷ lệ hồ sơ được số hóa (trọng số 30): 50%; mục tiêu 100% → 15,00 điểm" in text
    _, got = await replies(bot, ls.chair, "thi dua")
    assert got[0].chart == {"kind": "drive_leaderboard", "drive_id": got[0].context["drive"].id}


async def test_leaderboard_ties_share_a_rank(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    text = await ask(router(sessions), ls.chair, "bảng xếp hạng")
    lines = text.splitlines()
    assert "1. UBND huyện Hữu Lũng: 100,00 điểm" in lines
    assert "2. UBND xã Minh Sơn, huyện Hữu Lũng: 85,00 điểm ◀ đơn vị của đồng chí" in lines
    assert "2. UBND huyện Cao Lộc: 85,00 điểm" in lines
    assert "4. UBND xã Hòa Lạc, huyện Hữu Lũng: 25,00 điểm" in lines
    assert "5. UBND thị trấn Đồng Đăng, huyện Cao Lộc: 0,00 điểm" in lines


async def test_leaderboard_pages_turn_in_place_and_keep_own_place(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    bot = Router(sessions, clock=router(sessions).clock, settings=HandlerConfig(BotConfig(page_size=2)))
    _, first = await replies(bot, ls.chair, "/thidua bxh")
    assert not first[0].edit
    assert [[b.data for b in row] for row in first[0].buttons] == [["/thidua bxh 2"]]
    _, second = await replies(bot, ls.chair, "/thidua bxh 2")
    assert second[0].edit
    assert [[b.data for b in row] for row in second[0].buttons] == [["/thidua bxh 1", "/thidua bxh 3"]]
    text = await ask(bot, ls.chair, "/thidua bxh 2")
    assert "trang 2/3" in text
    assert "2. UBND huyện Cao Lộc: 85,00 điểm" in text
    assert text.rstrip().endswith("…\n2. UBND xã Minh Sơn, huyện Hữu Lũng: 85,00 điểm ◀ đơn vị của đồng chí")


async def test_district_sees_its_communes_in_the_drive(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    async with sessions() as session:
        head = await f.official(session, ls.district, Role.UNIT_HEAD)
        await session.commit()
    text = await ask(router(sessions), head, "/thidua")
    assert "UBND huyện Hữu Lũng: xếp thứ 1/5, 100,00 điểm, đang dẫn đầu." in text
    below = text.split("Đơn vị trực thuộc tham gia")[1]
    assert "2. UBND xã Minh Sơn, huyện Hữu Lũng: 85,00 điểm" in below
    assert "4. UBND xã Hòa Lạc, huyện Hữu Lũng: 25,00 điểm" in below


async def test_after_the_end_the_drive_says_so(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    text = await ask(router(sessions, date(2024, 10, 5)), ls.chair, "/thidua")
    assert "01/05/2024 – 30/09/2024, đã kết thúc" in text
    assert "xếp thứ 1/5, 100,00 điểm, đang dẫn đầu" in text  # the 100% of 15/06 now counts


async def test_leader_sees_their_provinces_running_drive(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/thidua")
    assert "Đẩy mạnh hiện đại hoá bộ phận một cửa" in text
    assert "Cuối bảng" in text
    other = await ask(router(sessions), ls.elsewhere, "/thidua")
    assert "Lạng Sơn" not in other


async def test_unit_in_no_drive_is_told_so(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    async with sessions() as session:
        justice = await f.unit(session, "LS.STP", UnitKind.DEPARTMENT, await session.get(type(ls.root), ls.root.id))
        person = await f.official(session, justice)
        await session.commit()
    _, got = await replies(router(sessions), person, "/thidua")
    assert [r.template for r in got] == ["errors/drive_none"]
    assert "chưa tham gia đợt thi đua nào" in await ask(router(sessions), person, "/thidua")


async def test_in_english(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    async with sessions() as session:
        chair = await session.get(Official, ls.chair.id)
        assert chair is not None
        chair.language = "en"
        await session.commit()
    text = await ask(router(sessions), ls.chair, "/drive")
    assert "121 days left" in text
    assert (
        "Minh Sơn Commune People's Committee, Hữu Lũng District: ranked 2/5, 85.00 points, 15.00 points behind" in text
    )


async def test_a_chart_button_draws_only_a_drive_of_the_askers_province(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    bot = router(sessions)
    _, got = await replies(bot, ls.chair, "/thidua")
    own = got[0].context["drive"].id
    async with sessions() as session:
        other = await f.unit(session, "QN", UnitKind.PROVINCE, name="Tỉnh Quảng Ninh")
        commune = await f.unit(session, "QN.A", UnitKind.COMMUNE, other, name="Xã An")
        theirs = await f.drive(
            session, "TD-QN", date(2024, 5, 1), date(2024, 9, 30), [commune], [("A", "100", "100")], other
        )
        await session.commit()
        theirs_id = theirs.id

    _, drawn = await replies(bot, ls.chair, f"/bieudo drive_leaderboard {own}")
    _, forged = await replies(bot, ls.chair, f"/bieudo drive_leaderboard {theirs_id}")

    assert drawn[0].chart == {"kind": "drive_leaderboard", "drive_id": str(own)} and drawn[0].chart_now
    assert forged[0].template == "telegram/button_expired" and forged[0].chart is None
