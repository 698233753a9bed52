"""Pushes that ask for one action: the overdue notice's days (1, 3, 7, then weekly) and receivers (the
unit's head), the request and its command in every reminder in both languages, an escalation asking the
receiver to follow up, a drive result that celebrates no unit in the lower half, the dead-letter alert,
and the quarterly reminder's names of the reviews."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import Renderer
from handlers.base import Reply
from jobs.drives import drive_pushes, leading_places
from jobs.due import deadline_pushes, escalation_pushes, overdue_pushes, quarterly_pushes
from jobs.kinds import MANDATORY, OVERDUE, PushRules, overdue_step
from jobs.outbox import enqueue
from models import DEFAULT_TZ, OutboxMessage
from models.settings import ScheduleConfig
from tests.jobs.conftest import NOW, SETTINGS, World
from tests.jobs.test_drives import make_drive

TASK_5_DUE = date(2024, 5, 25)  # Minh Sơn leads it, 40 %


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=DEFAULT_TZ)


def said(template: str, context: dict[str, Any]) -> dict[str, str]:
    renderer = Renderer()
    return {lang: renderer.render(lang, Reply(template, context), "text") for lang in ("vi", "en")}


async def task_5_notices(session: AsyncSession, days_late: int, rules: PushRules = SETTINGS) -> list[str]:
    pushes = await overdue_pushes(session, at(TASK_5_DUE + timedelta(days=days_late)), rules)
    return [p.dedupe_key for p in pushes if p.context["task"]["number"] == 5]


def test_overdue_notice_days_are_1_3_7_then_every_week() -> None:
    sent = [d for d in range(1, 40) if overdue_step(d, [1, 3, 7], 7, 0) is not None]
    assert sent == [1, 3, 7, 14, 21, 28, 35]
    assert [d for d in range(1, 30) if overdue_step(d, [1, 3, 7], 0, 0) is not None] == [1, 3, 7]  # no repeat


async def test_overdue_notice_is_sent_on_days_1_3_7_and_14_not_every_morning(
    session: AsyncSession, world: World
) -> None:
    sent = [days for days in (1, 2, 3, 7, 8, 14) if await task_5_notices(session, days)]
    assert sent == [1, 3, 7, 14]


async def test_a_notice_day_missed_while_the_bot_was_down_comes_the_day_after_once(
    session: AsyncSession, world: World
) -> None:
    """Day 3 missed: with one catch-up day the day-3 notice goes on day 4, under day 3's key; a re-run on
    day 4 and the day-2 run (still within day 1's catch-up) queue nothing twice."""
    rules = PushRules(schedule=ScheduleConfig(catch_up_days=1))
    for days in (1, 2, 4, 4, 5, 7, 8):  # the bot was down on day 3
        await enqueue(session, await overdue_pushes(session, at(TASK_5_DUE + timedelta(days=days)), rules))
    await session.commit()
    keys = (
        await session.execute(
            select(OutboxMessage.dedupe_key, OutboxMessage.created_at)
            .where(OutboxMessage.kind == OVERDUE, OutboxMessage.dedupe_key.like(f"overdue:task {world.tasks[5]}:%"))
            .order_by(OutboxMessage.created_at)
        )
    ).all()
    assert [(key.split(":")[4], created.astimezone(DEFAULT_TZ).day) for key, created in keys] == [
        ("day 1", 26),
        ("day 3", 29),  # due 28/05, sent 29/05
        ("day 7", 1),
    ]


async def test_overdue_notice_goes_to_the_head_not_the_officers(session: AsyncSession, world: World) -> None:
    pushes = await overdue_pushes(session, NOW, SETTINGS)
    to = {p.official_id for p in pushes if p.context["task"]["number"] == 5}
    assert to == world.who("msh")  # Minh Sơn's officers "ms" and "quiet" are not told
    assert OVERDUE in MANDATORY  # /tatnhac cannot mute it


async def test_a_unit_without_a_head_is_told_through_its_officers(session: AsyncSession, world: World) -> None:
    pushes = await overdue_pushes(session, NOW, SETTINGS)
    assert {p.official_id for p in pushes if p.context["task"]["number"] == 6} == world.who("yt")


async def test_overdue_notice_marks_a_task_the_unit_only_cooperates_on(session: AsyncSession, world: World) -> None:
    # task 1: Minh Sơn leads, Yên Thịnh cooperates; due 08/06, one day overdue on 09/06
    pushes = [
        p for p in await overdue_pushes(session, at(date(2024, 6, 9)), SETTINGS) if p.context["task"]["number"] == 1
    ]
    yt = next(p for p in pushes if p.official_id == world.people["yt"])
    msh = next(p for p in pushes if p.official_id == world.people["msh"])
    assert "đơn vị phối hợp" in said("push/overdue", yt.context)["vi"]
    assert "a cooperating unit" in said("push/overdue", yt.context)["en"]
    assert "đơn vị chủ trì" in said("push/overdue", msh.context)["vi"]


async def test_every_reminder_asks_for_one_action_with_its_command_in_both_languages(
    session: AsyncSession, world: World
) -> None:
    deadline = next(p for p in await deadline_pushes(session, NOW, SETTINGS) if p.context["task"]["number"] == 2)
    overdue = next(p for p in await overdue_pushes(session, NOW, SETTINGS) if p.context["task"]["number"] == 5)
    quarterly = next(iter(await quarterly_pushes(session, at(date(2024, 6, 23)), SETTINGS)))
    vi, en = said("push/deadline", deadline.context).values()
    assert "Đề nghị đồng chí cập nhật tiến độ: /capnhat 2" in vi and "Please update the progress: /capnhat 2" in en
    assert "hạn ngày 04/06/2024, còn 3 ngày" in vi.lower() and "3 days left" in en
    assert "đơn vị chủ trì, tiến độ 30%" in vi and "progress 30%" in en
    vi, en = said("push/overdue", overdue.context).values()
    assert "Đề nghị đồng chí cập nhật tiến độ và nêu lý do chậm: /capnhat 5" in vi
    assert "Please update the progress and give the reason for the delay: /capnhat 5" in en
    assert "đã quá hạn 7 ngày" in vi and "7 days overdue" in en
    vi, en = said("push/quarterly", quarterly.context).values()
    assert "Đề nghị đồng chí cập nhật tiến độ trước khi sơ kết 6 tháng: /capnhat" in vi
    assert "Please update the progress before the six-month review: /capnhat" in en


async def test_an_escalation_asks_the_receiver_to_follow_up_with_the_command_to_see_the_task(
    session: AsyncSession, world: World
) -> None:
    push = next(iter(await escalation_pushes(session, NOW, SETTINGS)))
    vi, en = said("push/escalation", push.context).values()
    assert "Đề nghị đồng chí đôn đốc đơn vị hoàn thành nhiệm vụ; xem chi tiết: /nhiemvu 5" in vi
    assert "(đơn vị chủ trì) chưa hoàn thành Nhiệm vụ số 5" in vi
    assert "Please ask the unit to complete the task; details: /nhiemvu 5" in en


@pytest.mark.parametrize(("total", "places"), [(1, 1), (2, 1), (3, 1), (4, 2), (6, 3), (57, 3)])
def test_the_final_result_congratulates_the_podium_never_the_lower_half(total: int, places: int) -> None:
    assert leading_places(total) == places


async def test_the_last_unit_of_a_drive_is_thanked_with_its_place_and_gets_no_celebration(
    session: AsyncSession, world: World
) -> None:
    await make_drive(session)
    final = {p.official_id: p for p in await drive_pushes(session, at(date(2024, 7, 31)), SETTINGS)}
    first = said("push/drive_final", final[world.people["ms"]].context)
    last = said("push/drive_final", final[world.people["yt"]].context)
    for text in (first, last):  # every unit reads the leader's name
        assert "Chúc mừng đơn vị dẫn đầu:\n1. UBND xã Minh Sơn" in text["vi"]
        assert "🏁" in text["vi"] and "Congratulations to the leading unit" in text["en"]
    assert "🎉" in first["vi"] and "xếp thứ 1/2" in first["vi"] and "Xin cảm ơn 2 đơn vị" in first["vi"]
    assert "🎉" not in last["vi"] and "🎉" not in last["en"]
    assert "Cảm ơn đơn vị của đồng chí đã tham gia đợt thi đua. Đơn vị xếp thứ 2/2 với 80,00 điểm." in last["vi"]
    assert last["vi"].rstrip().endswith("/thidua") and "Your unit ranks 2/2" in last["en"]


def test_a_dead_letter_names_the_kind_in_words_on_separate_lines() -> None:
    context = {"outbox_id": 12, "kind": "overdue", "official": "Hoàng Văn Minh", "attempts": 8, "error": "timeout"}
    vi, en = said("push/dead_letter", context).values()
    assert "Loại thông báo: Nhiệm vụ quá hạn\nNgười nhận: Hoàng Văn Minh\nĐã thử 8 lần" in vi
    assert "overdue" not in vi and "Kind of notice: Overdue task\nRecipient: Hoàng Văn Minh\n" in en


async def test_the_fourth_quarters_reminder_is_for_the_years_review(session: AsyncSession, world: World) -> None:
    pushes = list(await quarterly_pushes(session, at(date(2024, 12, 24)), SETTINGS))
    assert pushes and pushes[0].context["quarter"] == 4
    vi, en = said("push/quarterly", pushes[0].context).values()
    assert vi.startswith("📋 Tổng kết năm 2024") and "trước khi tổng kết năm: /capnhat" in vi
    assert "sơ kết quý iv" not in vi.lower() and "year-end review" in en
