"""A plan as written, through the chat: a task a group leads is shown with the group once and counted for
each of its units; a recurring task says its current period and is overdue while a period's report is
missing; the province's list by unit counts lead and cooperating apart.

On top of the conftest province (01/06/2024): task 7 "UBND các xã, phường" lead (Minh Sơn, Yên Thịnh),
Sở Nội vụ cooperating, due 30/04/2024; task 8 Sở Nội vụ lead, "Hằng quý"."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DEFAULT_TZ, Assignment, Task, Unit
from models.importers import import_bytes
from models.queries.tasks import record_progress
from tests.handlers.conftest import Ask
from tests.models.test_importers import ok, xlsx

HEADER = ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn")


@pytest.fixture
async def plan_as_written(sessions: async_sessionmaker[AsyncSession], province: dict[str, int]) -> dict[str, int]:
    data = xlsx(
        HEADER,
        (7, "Niêm yết thủ tục hành chính mới", "UBND các xã, phường", "Sở Nội vụ", "30/4/2024"),
        (8, "Báo cáo CCHC định kỳ", "Sở Nội vụ", "", "Hằng quý"),
    )
    async with sessions() as session:
        ok(await import_bytes(session, "tasks", "kh.xlsx", data, options={"plan": "KH-2024", "year": 2024}))
        await session.commit()
    return province


async def test_a_group_led_task_names_the_group_once(ask: Ask, plan_as_written: dict[str, int]) -> None:
    text = await ask("/nhiemvu 7", as_="leader")

    assert "Đơn vị chủ trì: UBND các xã, phường (2 đơn vị)" in text
    assert "Đơn vị phối hợp: Sở Nội vụ" in text
    assert text.count("UBND các xã, phường") == 1


async def test_each_unit_of_the_group_sees_the_task_as_its_own(ask: Ask, plan_as_written: dict[str, int]) -> None:
    mine = await ask("/nhiemvu quahan")
    theirs = await ask("/nhiemvu quahan", as_="yt")

    assert "7. Niêm yết thủ tục hành chính mới (hạn 30/04/2024, quá hạn 32 ngày, tiến độ 0%)" in mine
    assert "7. Niêm yết thủ tục hành chính mới" in theirs


async def test_a_recurring_task_says_its_period_and_is_overdue_while_a_report_is_missing(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], plan_as_written: dict[str, int]
) -> None:
    before = await ask("/nhiemvu 8", as_="admin")
    assert "Thời hạn: Hằng quý (định kỳ; kỳ này: hạn 30/06/2024)" in before
    assert "chưa hoàn thành, quá hạn – hạn 31/03/2024, quá hạn 62 ngày" in before  # the first quarter's report

    async with sessions() as session:
        task = (await session.execute(select(Task).where(Task.number == 8))).scalars().one()
        assignment = (await session.execute(select(Assignment).where(Assignment.task_id == task.id))).scalar_one()
        at = datetime(2024, 5, 20, 9, 0, tzinfo=DEFAULT_TZ)
        await record_progress(session, assignment, percent=100, note="Quý I", by_id=None, now=at, today=at.date())
        await session.commit()
    after = await ask("/nhiemvu 8", as_="admin")

    assert "chưa hoàn thành, trong hạn – hạn 30/06/2024" in after  # the first quarter reported: the second is open


async def test_province_list_counts_lead_and_cooperating_apart(ask: Ask, plan_as_written: dict[str, int]) -> None:
    text = await ask("/nhiemvu tatca", as_="leader")

    line = next(ln for ln in text.splitlines() if ln.startswith("• Sở Nội vụ"))
    assert re.search(r"chủ trì \d+ nhiệm vụ: quá hạn 1,", line)  # the quarterly report (task 8)
    assert re.search(r"phối hợp \d+: quá hạn 1,", line)  # task 7, which the communes lead


async def test_the_english_detail_names_the_group_in_english(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], plan_as_written: dict[str, int]
) -> None:
    async with sessions() as session:
        from models import Official

        leader = (await session.execute(select(Official).join(Unit).where(Unit.code == "LS"))).scalars().first()
        assert leader is not None
        leader.language = "en"
        await session.commit()

    text = await ask("/nhiemvu 7", as_="leader")

    assert "Lead: All communes and wards (2 units)" in text


async def test_the_plan_sentence_counts_a_group_led_task_once(ask: Ask, plan_as_written: dict[str, int]) -> None:
    text = await ask("/tomtat", as_="leader")

    assert "Kế hoạch CCHC năm 2024: 8 nhiệm vụ." in text  # 6 + the group-led task 7 + task 8, not 6 + 2 + 1
    assert "UBND xã Minh Sơn, huyện Hữu Lũng: 2" in text  # task 1 and the group's task 7, both as lead
