"""/capnhat on a recurring task ("Hằng quý"): a 100 % report closes the period the unit owes, not the task;
below 100 % is progress within that period; the last period's 100 % completes the task. /nhiemvu N says
how many periods each unit has closed.

On top of the conftest province (01/06/2024): task 8 "Báo cáo CCHC hằng quý", Minh Sơn lead and Yên Thịnh
cooperating, due each quarter's last day; both still owe the first quarter's report (31/03, 62 days late).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DEFAULT_TZ, Assignment, DeadlineKind, FrozenClock, Official, Plan, Task, Unit
from tests import factories as f
from tests.handlers.conftest import Ask, Bot


@pytest.fixture
async def quarterly(sessions: async_sessionmaker[AsyncSession], province: dict[str, int]) -> dict[str, int]:
    async with sessions() as session:
        plan = await session.get(Plan, province["plan2024"])
        ms, yt = await session.get(Unit, province["MS"]), await session.get(Unit, province["YT"])
        assert plan is not None and ms is not None and yt is not None
        task = await f.task(session, plan, 8, date(2024, 12, 31), ms, cooperating=[yt], content="Báo cáo CCHC hằng quý")
        task.deadline_kind, task.deadline_text, task.recurrence = DeadlineKind.RECURRING, "Hằng quý", "quarterly"
        for assignment in (await session.execute(select(Assignment).where(Assignment.task_id == task.id))).scalars():
            assignment.due_on = date(2024, 3, 31)  # as the importer opens it: the first quarter
        await session.commit()
    return province


async def _mine(sessions: async_sessionmaker[AsyncSession], unit_id: int) -> Assignment:
    async with sessions() as session:
        return (
            await session.execute(
                select(Assignment)
                .join(Task, Task.id == Assignment.task_id)
                .where(Task.number == 8, Assignment.unit_id == unit_id)
            )
        ).scalar_one()


def _on(clock: FrozenClock, day: date) -> None:
    clock.at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=DEFAULT_TZ)


async def test_a_report_below_100_is_progress_within_the_period_the_unit_owes(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], quarterly: dict[str, int]
) -> None:
    text = await ask("/capnhat 8 50 đang tổng hợp")

    assert "Tình trạng kỳ Quý I/2024: chưa hoàn thành, quá hạn (hạn 31/03/2024, quá hạn 62 ngày)." in text
    mine = await _mine(sessions, quarterly["MS"])
    assert (mine.progress, mine.due_on, mine.completed_on) == (50, date(2024, 3, 31), None)
    assert "8. Báo cáo CCHC hằng quý (hạn 31/03/2024, quá hạn 62 ngày, tiến độ 50%)" in await ask("/nhiemvu quahan")


async def test_100_closes_the_overdue_period_not_the_task(
    ask: Ask, bot: Bot, sessions: async_sessionmaker[AsyncSession], quarterly: dict[str, int]
) -> None:
    before = await ask("/tomtat", as_="leader")
    text = await ask("/capnhat 8 100 đã gửi báo cáo quý I")

    assert "Đã hoàn thành kỳ Quý I/2024 (quá hạn 62 ngày); kỳ tiếp theo hạn 30/06/2024." in text
    assert "Tình trạng kỳ Quý II/2024: chưa hoàn thành, trong hạn (hạn 30/06/2024, còn 29 ngày)." in text
    mine = await _mine(sessions, quarterly["MS"])
    assert (mine.progress, mine.due_on, mine.completed_on) == (0, date(2024, 6, 30), None)
    assert "8. Báo cáo CCHC hằng quý (hạn 30/06/2024, còn 29 ngày, tiến độ 0%)" in await ask("/nhiemvu tronghan")
    assert "Báo cáo CCHC hằng quý" not in await ask("/nhiemvu hoanthanh")
    await ask("/capnhat")
    assert "/capnhat 8" in [b.data for b in bot.buttons()]  # still open: offered to report on
    after = await ask("/tomtat", as_="leader")
    # task 4 done, before and after; task 8 leaves what came due (its next period is not due yet)
    assert "1/4 nhiệm vụ đến hạn đã hoàn thành" in before and "1/3 nhiệm vụ đến hạn đã hoàn thành" in after
    assert "quá hạn: 3)" in before and "quá hạn: 2)" in after  # task 8 (Minh Sơn leads) is no longer overdue


async def test_the_guided_form_says_which_period_the_report_is_on(ask: Ask, quarterly: dict[str, int]) -> None:
    question = await ask("/capnhat 8")
    await ask(callback="/capnhat tiendo 100")
    confirm = await ask(callback="/capnhat boqua")
    saved = await ask(callback="/capnhat dongy")

    assert "Tiến độ hiện tại của kỳ Quý I/2024 (hạn 31/03/2024): 0%." in question
    assert "Báo cáo 100% là đã hoàn thành kỳ này.\nĐồng chí nhập tiến độ mới" in question
    assert "Tiến độ kỳ Quý I/2024: 0% → 100%" in confirm
    assert "Đã hoàn thành kỳ Quý I/2024 (quá hạn 62 ngày); kỳ tiếp theo hạn 30/06/2024." in saved
    assert "Tiến độ hiện tại của kỳ Quý II/2024 (hạn 30/06/2024): 0%." in await ask("/capnhat 8")
    assert "Tiến độ hiện tại: 40%.\n" in await ask("/capnhat 1")  # a one-off deadline has no period


async def test_the_detail_counts_the_periods_each_unit_closed(ask: Ask, quarterly: dict[str, int]) -> None:
    await ask("/capnhat 8 100 quý I")

    mine = await ask("/nhiemvu 8")
    leader = await ask("/nhiemvu 8", as_="leader")

    assert "tiến độ 0%; đã hoàn thành 1/4 kỳ" in mine
    assert "Các kỳ đơn vị đồng chí đã hoàn thành: Quý I/2024 (báo cáo 01/06/2024)." in mine
    assert "UBND xã Yên Thịnh, huyện Hữu Lũng (phối hợp): chưa hoàn thành, quá hạn" in leader
    assert "quá hạn 62 ngày, tiến độ 0%; đã hoàn thành 0/4 kỳ" in leader  # Yên Thịnh still owes the first quarter
    assert "Các kỳ đơn vị đồng chí" not in leader  # the province is not assigned the task
    assert "đã hoàn thành" not in (await ask("/nhiemvu 1")).split("Báo cáo tiến độ")[0].split("Tiến độ")[1]


async def test_100_on_the_last_period_completes_the_task(
    ask: Ask, clock: FrozenClock, sessions: async_sessionmaker[AsyncSession], quarterly: dict[str, int]
) -> None:
    await ask("/capnhat 8 100 quý I")
    _on(clock, date(2024, 6, 25))
    assert "Đã hoàn thành kỳ Quý II/2024; kỳ tiếp theo hạn 30/09/2024." in await ask("/capnhat 8 100 quý II")
    _on(clock, date(2024, 9, 28))
    await ask("/capnhat 8 100 quý III")
    _on(clock, date(2024, 12, 20))
    assert "Tình trạng kỳ Quý IV/2024: chưa hoàn thành, trong hạn" in await ask("/capnhat 8 80")

    text = await ask("/capnhat 8 100 quý IV")

    assert "Đã hoàn thành kỳ cuối Quý IV/2024: nhiệm vụ đã hoàn thành." in text
    assert "Tình trạng: hoàn thành đúng hạn." in text
    mine = await _mine(sessions, quarterly["MS"])
    assert (mine.progress, mine.due_on, mine.completed_on) == (100, date(2024, 12, 31), date(2024, 12, 20))
    detail = await ask("/nhiemvu 8")
    assert "hoàn thành đúng hạn – hoàn thành 20/12/2024; đã hoàn thành 4/4 kỳ" in detail
    assert (
        "Quý II/2024 (báo cáo 25/06/2024), Quý III/2024 (báo cáo 28/09/2024), Quý IV/2024 (báo cáo 20/12/2024)"
        in detail
    )
    assert "8. Báo cáo CCHC hằng quý" in await ask("/nhiemvu hoanthanh")


async def test_the_last_period_reported_after_its_due_date_is_done_late(
    ask: Ask, clock: FrozenClock, quarterly: dict[str, int]
) -> None:
    for quarter in ("I", "II", "III"):
        await ask(f"/capnhat 8 100 quý {quarter}")
    _on(clock, date(2025, 1, 6))

    text = await ask("/capnhat 8 100 quý IV")

    assert "Đã hoàn thành kỳ cuối Quý IV/2024 (quá hạn 6 ngày): nhiệm vụ đã hoàn thành." in text
    assert "Tình trạng: hoàn thành quá hạn." in text


async def test_the_answer_and_the_detail_in_english(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], quarterly: dict[str, int]
) -> None:
    async with sessions() as session:
        official = (await session.execute(select(Official).where(Official.unit_id == quarterly["MS"]))).scalar_one()
        official.language = "en"
        await session.commit()

    text = await ask("/capnhat 8 100")
    detail = await ask("/nhiemvu 8")

    assert "Completed the period Q1 2024 (62 days late); the next period is due 30/06/2024." in text
    assert "Status for Q2 2024: " in text
    assert "; 1 of 4 periods completed" in detail
    assert "Periods your unit has completed: Q1 2024 (reported 01/06/2024)." in detail
    question = await ask("/capnhat 8")
    assert "Current progress for Q2 2024 (due 30/06/2024): 0%. Reporting 100% completes this period.\n" in question
