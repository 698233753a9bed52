"""/tomtat: one screen for a provincial leader, scoped to the leader's province; other officials get the
same screen for their own unit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import handlers.summary  # noqa: F401  (registers /tomtat)
from models import Official, Role
from tests import factories as f
from tests.handlers._scores_fixtures import Province, ask, replies, router


async def test_leader_reads_indices_fields_plan_overdue_units_and_drive(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/tomtat")
    assert "PAR INDEX 2023: 85,94 điểm, xếp thứ 47/63, tăng 7 bậc" in text
    assert "SIPAS 2023: trên 79%, xếp thứ 55/63, tăng 4 bậc" in text
    fell = text.split("giảm nhiều nhất")[1]
    assert "Công tác chỉ đạo, điều hành cải cách hành chính: giảm 33 bậc" in fell
    assert fell.index("giảm 33 bậc") < fell.index("giảm 20 bậc") < fell.index("giảm 18 bậc")
    # only what came due counts: 4 done ÷ (4 done + 2 overdue), cut to 66,66% (rounding would say 66,67%)
    assert (
        "Kế hoạch CCHC năm 2024: 10 nhiệm vụ. 4/6 nhiệm vụ đến hạn đã hoàn thành, đạt 66,66% (đúng hạn: 3, "
        "quá hạn: 1); chưa hoàn thành: 3 (trong hạn: 1, quá hạn: 2); chưa đến hạn: 3." in text
    )
    overdue = text.split("quá hạn nhất")[1]
    # lead and cooperating apart, as assignments: Minh Sơn leads 1 overdue task and cooperates on 1
    minh_son = "UBND xã Minh Sơn, huyện Hữu Lũng: 1 lượt chủ trì, 1 lượt phối hợp"
    assert overdue.index(minh_son) < overdue.index("UBND huyện Hữu Lũng: 1 lượt chủ trì")
    assert "còn 121 ngày" in text
    assert "1. UBND huyện Hữu Lũng: 100,00 điểm" in text
    assert "5. UBND thị trấn Đồng Đăng, huyện Cao Lộc: 0,00 điểm" in text


async def test_plan_sentence_counts_each_task_once_by_its_lead(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.admin, "bao cao nhanh 2023")
    assert (
        "Kế hoạch CCHC năm 2023: 48 nhiệm vụ. 45/48 nhiệm vụ đến hạn đã hoàn thành, đạt 93,75% (đúng hạn: 40, "
        "quá hạn: 5); chưa hoàn thành: 3 (trong hạn: 0, quá hạn: 3)." in text
    )
    helping = "UBND huyện Hữu Lũng: 48 lượt phối hợp"  # only cooperating assignments, all overdue
    assert helping in text
    assert "Sở Nội vụ: 3 lượt chủ trì" in text
    assert text.index("Sở Nội vụ: 3 lượt chủ trì") < text.index(helping)  # lead counts first


async def test_a_department_officer_gets_the_summary_of_their_department(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    _, got = await replies(router(sessions), ls.officer, "/tomtat")
    assert [r.template for r in got] == ["summary/unit"]
    text = await ask(router(sessions), ls.officer, "/tomtat")
    assert "Tóm tắt CCHC — Sở Nội vụ" in text
    assert "Chỉ số CCHC 2023: 88,50 điểm, xếp thứ 3/20" in text  # its own internal index
    assert "Minh Sơn" not in text


async def test_a_commune_chair_gets_the_summary_of_their_own_commune(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.chair, "/tomtat")
    assert "Tóm tắt CCHC — UBND xã Minh Sơn, huyện Hữu Lũng" in text
    assert "(của UBND tỉnh Lạng Sơn)" in text and "85,94" in text  # no scores of its own: the province's
    assert "đơn vị được giao" in text
    for other in ("Sở Nội vụ", "UBND huyện Hữu Lũng:", "Đồng Đăng, huyện Cao Lộc:"):
        assert other not in text  # no other unit's task numbers


async def test_a_district_is_not_listed_among_its_own_subordinates(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    async with sessions() as session:
        head = await f.official(session, ls.district, Role.UNIT_HEAD, name="Chủ tịch huyện")
        await session.commit()
    text = await ask(router(sessions), head, "/tomtat")
    # Hữu Lũng leads task 6 (overdue) and Minh Sơn cooperates on it and leads task 5 (overdue): 3 assignments
    assert "Kế hoạch CCHC năm 2024: đơn vị và 2 đơn vị trực thuộc được giao 3 lượt nhiệm vụ." in text
    assert "0/3 lượt nhiệm vụ đến hạn đã hoàn thành, đạt 0,00%" in text
    below = text.split("Đơn vị trực thuộc có nhiều lượt nhiệm vụ quá hạn nhất")[1]
    assert "UBND xã Minh Sơn, huyện Hữu Lũng: 2 lượt" in below
    assert "UBND huyện Hữu Lũng:" not in below  # its own are in its sentence, not among its subordinates


async def test_a_commune_with_nothing_come_due_reads_that_there_is_no_rate_yet(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions, date(2024, 1, 2)), ls.chair, "/tomtat")
    assert "Kế hoạch CCHC năm 2024: đơn vị được giao 2 nhiệm vụ. Chưa có nhiệm vụ nào đến hạn" in text
    assert "chưa tính tỷ lệ hoàn thành; chưa đến hạn: 2." in text


async def test_another_provinces_leader_sees_only_their_province(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.elsewhere, "/tomtat")
    assert "UBND tỉnh Thái Nguyên" in text
    assert "PAR INDEX 2023: 91,50 điểm, xếp thứ 2/63" in text
    assert "Kế hoạch CCHC năm 2024: 5 nhiệm vụ." in text
    for leak in ("85,94", "Lạng Sơn", "Minh Sơn", "Hữu Lũng"):
        assert leak not in text


async def test_year_without_a_plan_points_to_the_latest(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.leader, "/tomtat 2019")
    assert "Chưa có kế hoạch CCHC năm 2019. Kế hoạch mới nhất là năm 2024: /tomtat 2024." in text


async def test_in_english(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    async with sessions() as session:
        leader = await session.get(Official, ls.leader.id)
        assert leader is not None
        leader.language = "en"
        await session.commit()
    text = await ask(router(sessions), ls.leader, "/summary")
    assert "PAR INDEX 2023: 85.94 points, ranked 47/63, up 7 places" in text
    assert "Direction and management of administrative reform: down 33 places" in text
    assert (
        "Administrative reform plan 2024: 10 tasks. 4/6 tasks that came due are done, 66.66% (on time: 3, late: 1); "
        "not done: 3 (in time: 1, overdue: 2); not yet due: 3." in text
    )
    assert (
        "Minh Sơn Commune People's Committee, Hữu Lũng District: "
        "1 assignment as lead unit, 1 assignment as cooperating unit" in text
    )


async def test_a_handful_of_queries(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, ls: Province
) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        await ask(router(sessions), ls.leader, "/tomtat")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) <= 20, statements
