"""/diem as officials read it: the province's indices for leaders, a department's internal index, one
index's year with its fields, unknown values shown as unknown, helpful refusals."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import handlers.scores  # noqa: F401  (registers /diem)
from models import Official, ScoreIndex, Unit
from tests import factories as f
from tests.handlers._scores_fixtures import Province, ask, replies, router


async def test_leader_sees_province_indices_with_rank_and_change(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/diem")
    assert "UBND tỉnh Lạng Sơn" in text
    assert "PAR INDEX 2023: 85,94 điểm, xếp thứ 47/63, tăng 7 bậc" in text
    assert "SIPAS 2023: trên 79%, xếp thứ 55/63, tăng 4 bậc" in text  # the published bound is the value
    papi = (
        "PAPI 2023: xếp thứ 21/63, giảm 8 bậc, giảm 0,37 điểm; chưa có số liệu điểm số; "
        "nhóm trung bình cao (năm trước: cao)"
    )
    assert papi in text
    assert "chưa có số liệu (" not in text and "chưa có số liệu," not in text  # never "no data" beside data
    assert "−" not in text and "+" not in text  # changes in words
    assert "91,5" not in text  # Thái Nguyên's result stays out


async def test_department_sees_its_internal_index(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    text = await ask(router(sessions), ls.officer, "chỉ số")
    assert "Sở Nội vụ" in text
    assert "Chỉ số CCHC 2023: 88,50 điểm, xếp thứ 3/20, tăng 2 bậc, tăng 3,50 điểm" in text
    assert "PAR INDEX" not in text


async def test_par_2023_lists_fields_and_those_that_fell_most(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    bot = router(sessions)
    _, got = await replies(bot, ls.chair, "/diem PAR 2023")
    assert got[0].chart == {"kind": "index_history", "index": "PAR", "unit_id": ls.root.id}
    text = await ask(bot, ls.chair, "/diem par 2023")
    assert "PAR INDEX 2023 — UBND tỉnh Lạng Sơn" in text
    assert "1. Công tác chỉ đạo, điều hành cải cách hành chính: 6,50 điểm, xếp thứ 53/63, giảm 33 bậc" in text
    assert "2. Cải cách thể chế: xếp thứ 50/63, giảm 20 bậc; chưa có số liệu điểm số" in text
    fell = text.split("Giảm nhiều nhất")[1]
    assert fell.index("giảm 33 bậc") < fell.index("giảm 20 bậc") < fell.index("giảm 18 bậc")
    assert "Cải cách tài chính công: giảm 18 bậc" in fell
    assert "Cải cách thủ tục hành chính" not in fell  # it rose


async def test_sipas_2023_shows_unknown_score_and_published_note(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/diem sipas")
    assert "SIPAS 2023" in text
    assert "Kết quả: trên 79%" in text and "chưa có số liệu" not in text
    assert "Xếp thứ 55/63" in text
    assert "So với năm 2022: tăng 4 bậc" in text


async def test_rankings_of_another_unit_are_open_to_every_official(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.chair, "/diem cchc 2023 sở nội vụ")
    assert "Chỉ số CCHC 2023 — Sở Nội vụ" in text
    assert "3/20" in text


async def test_unknown_index_lists_the_valid_codes(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    text = await ask(router(sessions), ls.leader, "/diem xyz")
    assert "xyz" in text
    assert "par, sipas, papi, cchc" in text


async def test_year_without_data_lists_years_available(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/diem par 2019")
    assert "Chưa có kết quả PAR INDEX năm 2019 của UBND tỉnh Lạng Sơn" in text
    assert "2023, 2022, 2021" in text


async def test_renders_in_english_and_html(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    async with sessions() as session:
        leader = await session.get(type(ls.leader), ls.leader.id)
        assert leader is not None
        leader.language = "en"
        await session.commit()
    bot = router(sessions)
    text = await ask(bot, ls.leader, "/diem par 2023")
    assert "PAR INDEX 2023 — Lạng Sơn Provincial People's Committee" in text
    assert "Direction and management of administrative reform: 6.50 points, ranked 53/63, down 33 places" in text
    html = await ask(bot, ls.leader, "/diem", fmt="html")
    assert "<b>PAR INDEX 2023</b>: 85.94 points, ranked 47/63, up 7 places" in html


async def test_a_unit_without_results_is_shown_the_provinces(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.chair, "/diem")
    assert "UBND xã Minh Sơn, huyện Hữu Lũng chưa có kết quả chỉ số riêng" in text
    assert "PAR INDEX 2023: 85,94 điểm, xếp thứ 47/63, tăng 7 bậc" in text


async def test_a_year_with_no_results_names_the_latest(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/diem 2019")
    assert "Chưa có kết quả chỉ số nào năm 2019 của UBND tỉnh Lạng Sơn." in text
    assert "Năm gần nhất có số liệu: 2023." in text
    text = await ask(router(sessions), ls.leader, "/diem 2021")
    assert "PAR INDEX 2021: 87,11 điểm, xếp thứ 23/63, tăng 13 bậc, tăng 3,31 điểm" in text


async def test_a_province_is_asked_about_by_the_name_the_press_prints(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    bot = router(sessions)
    text = await ask(bot, ls.leader, "/diem par 2023 Thái Nguyên")
    assert "PAR INDEX 2023 — UBND tỉnh Thái Nguyên" in text
    assert "91,50 điểm" in text
    text = await ask(bot, ls.leader, "/diem thai nguyen")
    assert "UBND tỉnh Thái Nguyên" in text
    assert "PAR INDEX 2023: 91,50 điểm, xếp thứ 2/63" in text


async def test_a_multi_word_name_is_never_cut_at_its_first_word(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/diem Hải Phòng")
    assert "Chưa có kết quả nào của Thành phố Hải Phòng (mã 31) trong hệ thống" in text  # not stored here
    assert "“Hải”" not in text
    text = await ask(router(sessions), ls.leader, "/diem par 2023 Xã Không Có Thật")
    assert "Không tìm thấy đơn vị “Xã Không Có Thật”" in text


async def test_a_misspelt_name_is_answered_with_the_closest_units(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/diem par 2023 Thai Nguyn")
    assert "Có phải: UBND tỉnh Thái Nguyên (TN)?" in text
    text = await ask(router(sessions), ls.leader, "/diem Thai Nguyn", fmt="text")
    assert "Có phải: UBND tỉnh Thái Nguyên (TN)?" in text


async def test_a_unit_is_named_with_or_without_its_kind_and_ubnd(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    bot = router(sessions)
    for written in ("Sở Nội vụ tỉnh Lạng Sơn", "so noi vu", "SỞ NỘI VỤ"):
        text = await ask(bot, ls.chair, f"/diem cchc 2023 {written}")
        assert "Chỉ số CCHC 2023 — Sở Nội vụ" in text, written
    text = await ask(bot, ls.chair, "/diem par 2023 UBND tỉnh Lạng Sơn")
    assert "PAR INDEX 2023 — UBND tỉnh Lạng Sơn" in text


async def _published(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    """PAPI of Tây Ninh-like precision for Thái Nguyên: 47,1 in 2023 and 47,345 in 2024; a SIPAS change."""
    async with sessions() as session:
        papi = (await session.execute(select(ScoreIndex).where(ScoreIndex.code == "PAPI"))).scalar_one()
        sipas = (await session.execute(select(ScoreIndex).where(ScoreIndex.code == "SIPAS"))).scalar_one()
        unit = await session.get(Unit, ls.elsewhere.unit_id)
        assert unit is not None
        await f.index_result(session, papi, unit, 2023, "47.1", 20, score_places=1)
        await f.index_result(session, papi, unit, 2024, "47.345", 9, score_places=3)
        await f.index_result(session, sipas, unit, 2024, "82.5", 10, score_places=2, delta_places=2)
        await session.commit()


async def test_a_score_is_shown_with_the_decimals_it_was_published_with(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    await _published(sessions, ls)

    text = await ask(router(sessions), ls.leader, "/diem papi 2024 Thái Nguyên")

    assert "Kết quả: 47,345 điểm" in text  # not cut to 47,34 or rounded to 47,35
    assert "tăng 0,245 điểm" in text  # against 47,1: the more precise of the two


async def test_a_change_of_a_percentage_index_reads_percentage_points(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    bot = router(sessions)
    text = await ask(bot, ls.leader, "/diem sipas 2021")
    assert "tăng 3,10 điểm phần trăm" in text
    async with sessions() as session:
        leader = await session.get(type(ls.leader), ls.leader.id)
        assert leader is not None
        leader.language = "en"
        await session.commit()
    text = await ask(bot, ls.leader, "/diem sipas 2021")
    assert "up 3.10 percentage points" in text


async def test_scores_in_english_say_changes_and_groups_in_words(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    async with sessions() as session:
        leader = await session.get(Official, ls.leader.id)
        assert leader is not None
        leader.language = "en"
        await session.commit()
    bot = router(sessions)
    text = await ask(bot, ls.leader, "/diem")
    assert "SIPAS 2023: above 79%, ranked 55/63, up 4 places" in text
    said = (
        "PAPI 2023: ranked 21/63, down 8 places, down 0.37 points; score not available; "
        "upper-middle group (previous year: high)"
    )
    assert said in text
    assert "trên" not in text and "trung bình" not in text
    detail = await ask(bot, ls.leader, "/diem sipas 2021")
    assert "Compared with 2020: up 8 places, up 3.10 percentage points" in detail
    assert "Ranked 31/63" in detail
