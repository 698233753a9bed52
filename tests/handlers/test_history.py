"""Issue 12, points 1 and 7 at the handlers: a unit formed from others is shown its predecessors' results
and assignments, marked as theirs and named as they were then; a unit named in a question is the one
valid on the date asked; lineage opens no one else's data. (The province: ``_history_fixtures``.)"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FrozenClock, ProgressReport, Unit, UnitKind
from models.tree import add_unit
from tests.handlers._history_fixtures import NOW, build_reform
from tests.handlers.conftest import Ask, Bot

MARK = "Số liệu của các xã trước hợp nhất"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(at=NOW)


@pytest.fixture
async def province(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Replaces the handlers' small province with the reform's (the ``bot`` and ``ask`` fixtures use it)."""
    async with sessions() as session:
        return await build_reform(session)


# --- /diem: which unit a code or name means on the date asked -------------------------------------------


async def test_a_question_about_2024_names_the_old_commune_and_about_2026_the_new_one(ask: Ask) -> None:
    old = await ask("/diem cchc 2024 06457", as_="leader")
    assert "Chỉ số CCHC 2024 — UBND xã Minh Sơn, huyện Hữu Lũng" in old
    assert "82,50 điểm" in old and "Tuấn Sơn" not in old

    new = await ask("/diem 2026 06457", as_="leader")
    assert "Kết quả chỉ số — UBND xã Tuấn Sơn, năm 2026" in new
    assert "Minh Sơn" not in new  # no district, no predecessor: they had nothing in 2026

    assert "Chỉ số CCHC 2025 — UBND xã Tuấn Sơn" in await ask("/diem cchc 06457", as_="leader")  # today


async def test_a_code_two_units_held_in_the_year_asked_is_a_numbered_choice(ask: Ask, bot: Bot) -> None:
    text = await bot.ask("/diem cchc 2025 06457", as_="leader", numbered=True)
    assert "Năm 2025, “06457” là mã hoặc tên của 2 đơn vị" in text
    assert re.search(r"\n1\. UBND xã Minh Sơn, huyện Hữu Lũng \(mã 06457\)\n2\. UBND xã Tuấn Sơn \(mã 06457\)", text)
    # both carry the code: each button asks about the last day of 2025 its unit held it
    assert [b.data for b in bot.buttons()] == ["/diem cchc 30/06/2025 06457", "/diem cchc 31/12/2025 06457"]
    chosen = await bot.ask("2", as_="leader", numbered=True)
    assert "Chỉ số CCHC 2025 — UBND xã Tuấn Sơn" in chosen and "Kết quả: 86,20 điểm\nXếp thứ 12/65" in chosen


async def test_a_commune_that_kept_its_name_and_code_is_chosen_by_day(bot: Bot) -> None:
    text = await bot.ask("/diem 2025 Xã Khánh Khê", as_="leader", numbered=True)
    assert "Năm 2025, “Xã Khánh Khê” là mã hoặc tên của 2 đơn vị" in text
    assert [b.data for b in bot.buttons()] == ["/diem 30/06/2025 06703", "/diem 31/12/2025 06703"]
    old = await bot.ask("1", as_="leader", numbered=True)
    assert "Chưa có kết quả chỉ số nào năm 2025 của UBND xã Khánh Khê, huyện Văn Quan." in old
    new = await bot.ask("/diem 31/12/2025 06703", as_="leader")
    assert "Chưa có kết quả chỉ số nào năm 2025 của UBND xã Khánh Khê." in new  # the new one: no district


async def test_a_name_valid_in_another_year_only_still_answers_with_that_unit(ask: Ask) -> None:
    text = await ask("/diem Xã Minh Sơn", as_="leader")  # abolished: its history is still asked for
    assert "Kết quả chỉ số — UBND xã Minh Sơn, huyện Hữu Lũng" in text
    assert "Chỉ số CCHC 2024: 82,50 điểm, xếp thứ 60/200, tăng 30 bậc, tăng 2,40 điểm" in text


# --- /diem of a successor: its predecessors' results, marked -----------------------------------------------


async def test_a_successors_diem_for_a_year_before_it_existed_shows_its_predecessors(ask: Ask) -> None:
    text = await ask("/diem 2024", as_="ts")
    assert "Chưa có kết quả chỉ số nào năm 2024 của UBND xã Tuấn Sơn." in text
    assert MARK in text
    after = text.split(MARK)[1]
    assert "UBND xã Minh Sơn, huyện Hữu Lũng:\n• Chỉ số CCHC 2024: 82,50 điểm, xếp thứ 60/200" in after
    assert "UBND xã Minh Hòa, huyện Hữu Lũng:\n• Chỉ số CCHC 2024: 78,25 điểm, xếp thứ 120/200" in after
    assert "UBND xã Hòa Thắng, huyện Hữu Lũng:\n• Chỉ số CCHC 2024: 85,00 điểm, xếp thứ 30/200" in after
    assert "Yên Thịnh" not in text and "Khánh Khê" not in text
    assert "chưa có kết quả chỉ số riêng" not in text  # the predecessors', not the province's


async def test_a_successors_diem_without_a_year_shows_its_own_then_its_predecessors_latest(ask: Ask) -> None:
    text = await ask("/diem", as_="ts")
    own, after = text.split(MARK)
    assert "Chỉ số CCHC 2025: 86,20 điểm, xếp thứ 12/65" in own and "Minh Sơn" not in own
    assert "UBND xã Minh Sơn, huyện Hữu Lũng:\n• Chỉ số CCHC 2024" in after
    assert "2023" not in after  # each predecessor's latest year

    detail = await ask("/diem cchc", as_="ts")
    assert "Chỉ số CCHC 2025 — UBND xã Tuấn Sơn" in detail and MARK in detail
    assert "Chỉ số CCHC 2024: 85,00 điểm, xếp thứ 30/200" in detail.split(MARK)[1]


async def test_an_index_asked_for_a_year_before_the_unit_existed_shows_the_predecessors(ask: Ask) -> None:
    text = await ask("/diem cchc 2023", as_="ts")
    assert MARK in text
    assert "UBND xã Minh Sơn, huyện Hữu Lũng:\n• Chỉ số CCHC 2023: 80,10 điểm, xếp thứ 90/200" in text
    assert "Hòa Thắng" not in text  # no 2023 result


async def test_lineage_is_walked_back_through_every_generation(ask: Ask) -> None:
    text = await ask("/diem", as_="kk")
    after = text.split(MARK)[1]
    assert after.index("UBND xã Khánh Khê, huyện Văn Quan:") < after.index("UBND xã Tràng Các, huyện Văn Quan:")
    assert "Chỉ số CCHC 2019: 70,00 điểm, xếp thứ 150/220" in after


async def test_a_department_formed_by_a_merger_marks_the_units_before_it(ask: Ask, bot: Bot) -> None:
    text = await ask("/diem 2024", as_="snv")
    own, after = text.split("Số liệu của các đơn vị trước hợp nhất")
    assert "Chỉ số CCHC 2024: 88,50 điểm, xếp thứ 3/20" in own
    assert "Sở Lao động - Thương binh và Xã hội:\n• Chỉ số CCHC 2024: 84,40 điểm, xếp thứ 9/20" in after
    await ask("/ngonngu en", as_="snv")
    assert "Data of the units before the merger" in await ask("/diem 2024", as_="snv")
    await ask("/ngonngu en", as_="ts")
    assert "Data of the communes before the merger" in await ask("/diem 2024", as_="ts")


# --- /nhiemvu for a past plan: the predecessors' assignments, marked ---------------------------------------


async def test_a_successors_task_history_shows_its_predecessors_assignments(ask: Ask, bot: Bot) -> None:
    text = await bot.ask("/nhiemvu 2023", as_="ts")
    assert "Nhiệm vụ CCHC năm 2023 – UBND xã Tuấn Sơn" in text
    assert "Đơn vị chưa được giao nhiệm vụ nào trong Kế hoạch CCHC năm 2023." in text
    after = text.split(MARK)[1]
    assert "UBND xã Minh Sơn, huyện Hữu Lũng: 2 nhiệm vụ. 1/2 nhiệm vụ đến hạn đã hoàn thành, đạt 50,00%" in after
    assert "• 1. Niêm yết TTHC (hoàn thành 20/06/2023)" in after
    assert "UBND xã Minh Hòa, huyện Hữu Lũng: 1 nhiệm vụ. 0/1 nhiệm vụ đến hạn đã hoàn thành" in after
    assert "• 2. Số hóa hồ sơ một cửa xã Minh Hòa (hạn 30/09/2023, quá hạn 838 ngày, tiến độ 60%)" in after
    assert "UBND xã Hòa Thắng, huyện Hữu Lũng: 1 nhiệm vụ" in after
    assert "Yên Thịnh" not in text
    assert {b.data for b in bot.buttons()} == {"/nhiemvu 2023 1", "/nhiemvu 2023 2", "/nhiemvu 2023 4"}

    current = await ask("/nhiemvu", as_="ts")  # the current plan: the unit's own, no marker
    assert "Vận hành trung tâm phục vụ hành chính công" in current and MARK not in current


async def test_the_marked_history_reads_in_english_and_in_telegrams_html(ask: Ask, bot: Bot) -> None:
    html = await bot.ask("/nhiemvu 2023", as_="ts", fmt="html")
    assert f"<b>{MARK}</b>" in html and "UBND xã Minh Sơn, huyện Hữu Lũng: 2 nhiệm vụ" in html
    await ask("/ngonngu en", as_="ts")
    text = await ask("/nhiemvu 2023", as_="ts")
    assert "Your unit has no tasks in Kế hoạch CCHC năm 2023." in text
    assert "Data of the communes before the merger" in text
    assert "Minh Sơn Commune People's Committee, Hữu Lũng District: 2 tasks. 1/2 tasks that came due are done" in text
    detail = await ask("/nhiemvu 2023 4", as_="ts")
    assert (
        "Data of the communes before the merger\n• Hòa Thắng Commune People's Committee, Hữu Lũng District (lead)"
        in detail
    )


async def test_a_predecessors_task_detail_marks_its_assignments_and_shows_their_reports(ask: Ask) -> None:
    text = await ask("/nhiemvu 2023 4", as_="ts")
    assert "Nhiệm vụ số 4 – Kế hoạch CCHC năm 2023" in text
    after = text.split(MARK)[1]
    assert "• UBND xã Hòa Thắng, huyện Hữu Lũng (chủ trì): chưa hoàn thành, quá hạn" in after
    assert "• UBND xã Minh Sơn, huyện Hữu Lũng (phối hợp): chưa hoàn thành, quá hạn" in after
    assert "Đã in tờ rơi" in text
    assert "Cập nhật tiến độ" not in text  # a past plan's record, not a task to report on


# --- the one scope rule: lineage opens nothing but one's own unit's past --------------------------------


async def test_a_commune_chair_cannot_see_another_communes_predecessors(ask: Ask) -> None:
    theirs = await ask("/nhiemvu 2023", as_="vn")
    assert "UBND xã Yên Thịnh, huyện Hữu Lũng: 1 nhiệm vụ" in theirs and "Minh Sơn" not in theirs

    assert "không giao cho đơn vị của đồng chí" in await ask(
        "/nhiemvu 2023 4", as_="vn"
    )  # Tuấn Sơn's past, not Vân Nham's
    refused = await ask("/nhiemvu 2023 3", as_="ts")  # Yên Thịnh's task: Vân Nham's past, not Tuấn Sơn's
    assert "không giao cho đơn vị của đồng chí" in refused and "Kiểm tra công vụ" not in refused

    other = await ask("/diem 2024 Xã Tuấn Sơn", as_="vn")  # rankings are public; the lineage is not opened
    assert "Tuấn Sơn" in other and MARK not in other and "Minh Sơn" not in other
    assert MARK not in await ask("/diem", as_="leader")  # the province was formed from nothing


async def test_a_predecessors_evidence_opens_to_its_successor_only(
    ask: Ask, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        report = (await session.execute(select(ProgressReport.id))).scalar_one()
    mine = await ask(f"/minhchung {report}", as_="ts")
    assert "Minh chứng nhiệm vụ số 4 – Kế hoạch năm 2023\nUBND xã Minh Sơn, huyện Hữu Lũng" in mine
    refused = await ask(f"/minhchung {report}", as_="vn")
    assert "thuộc đơn vị khác" in refused and "Minh Sơn" not in refused


# --- /canbo: the unit in operation today --------------------------------------------------------------


async def test_officials_of_a_code_are_those_of_the_unit_holding_it_today(ask: Ask) -> None:
    text = await ask("/canbo 06457", as_="admin")
    assert "Cán bộ đăng ký tại UBND xã Tuấn Sơn" in text and "Hoàng Văn Tuấn" in text
    old = await ask("/canbo Xã Minh Sơn", as_="admin")
    assert "Cán bộ đăng ký tại UBND xã Minh Sơn, huyện Hữu Lũng" in old
    assert "Xã Minh Sơn đã kết thúc hoạt động từ 01/07/2025." in old and "/moi" not in old


async def test_two_units_in_operation_with_one_name_are_a_numbered_choice_for_canbo(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    async with sessions() as session:
        ls = await session.get_one(Unit, province["20"])
        await add_unit(session, code="06999", name="Xã Vân Nham", kind=UnitKind.COMMUNE, parent=ls)
        await session.commit()
    text = await bot.ask("/canbo xa van nham", as_="admin", numbered=True)
    assert "Có 2 đơn vị đang hoạt động mang tên “xa van nham”" in text
    assert [b.data for b in bot.buttons()] == ["/canbo 06466", "/canbo 06999"]
    assert "Nông Thị Vân" in await bot.ask("1", as_="admin", numbered=True)


async def test_names_as_people_write_them_find_the_unit_for_canbo_and_moi(ask: Ask) -> None:
    for written in ("Tuấn Sơn", "UBND xã Tuấn Sơn", "xa tuan son", "  XÃ   TUẤN SƠN "):
        assert "Cán bộ đăng ký tại UBND xã Tuấn Sơn" in await ask(f"/canbo {written}", as_="admin"), written
    near = await ask("/canbo Tuan Sonn", as_="admin")
    assert "Không tìm thấy đơn vị “Tuan Sonn”. Có phải: UBND xã Tuấn Sơn (06457)?" in near
    invite = await ask("/moi Khanh Khe canbo Nguyễn Văn Bình", as_="admin")
    assert "UBND xã Khánh Khê" in invite and "Không tìm thấy" not in invite
