"""Reminders on Vietnam's working calendar, with a fixed clock run every morning across Tết Nguyên đán
2027 (06/02/2027; days off 04/02–10/02) and Giỗ Tổ Hùng Vương (16/04/2027), queued into the outbox as
the scheduler would: a reminder that would land on a day off comes on the last working day before it,
never later, and never twice."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import Renderer
from handlers.base import Reply
from jobs.due import deadline_pushes
from jobs.kinds import PushRules
from jobs.outbox import enqueue
from models import DEFAULT_TZ, OutboxMessage, Role, UnitKind
from models.calendar import CalendarConfig
from models.settings import ScheduleConfig
from tests import factories as f

RULES = PushRules(schedule=ScheduleConfig(catch_up_days=1))


def morning(day: date) -> datetime:
    return datetime.combine(day, time(8), DEFAULT_TZ)


async def commune(session: AsyncSession, due: date, number: int = 1) -> None:
    province = await f.unit(session, "LS", UnitKind.PROVINCE)
    unit = await f.unit(session, "TS", UnitKind.COMMUNE, province, name="Xã Tuấn Sơn")
    await f.official(session, unit, Role.UNIT_HEAD, name="Chủ tịch xã")
    await f.task(session, await f.plan(session, due.year), number, due, unit, content="Rà soát thủ tục")


async def every_morning(
    session: AsyncSession, first: date, last: date, rules: PushRules = RULES
) -> list[tuple[date, int]]:
    """Run the reminders each morning from ``first`` to ``last``; (day queued, offset) of each new row."""
    queued: list[tuple[date, int]] = []
    day = first
    while day <= last:
        pushes = list(await deadline_pushes(session, morning(day), rules))
        if await enqueue(session, pushes):
            rows = await session.execute(select(OutboxMessage.context).where(OutboxMessage.created_at == morning(day)))
            queued += [(day, int(ctx["offset"])) for ctx in rows.scalars()]
        day += timedelta(days=1)
    return queued


async def test_a_deadline_during_tet_is_reminded_before_tet_once(session: AsyncSession) -> None:
    await commune(session, date(2027, 2, 8))  # Monday, the 3rd day of Tết
    queued = await every_morning(session, date(2027, 1, 25), date(2027, 2, 12))
    # T-7 (01/02) is a working day; T-3, T-1 and the day itself fall in Tết: one reminder on 03/02, the
    # last working day before it, with the deadline's own offset (urgent, as on the day)
    assert queued == [(date(2027, 2, 1), 7), (date(2027, 2, 3), 0)]
    last = (
        await session.execute(select(OutboxMessage).where(OutboxMessage.created_at == morning(date(2027, 2, 3))))
    ).scalar_one()
    assert last.urgent and last.context["days_left"] == 5 and last.context["last_day"] == "2027-02-03"


async def test_a_reminder_that_would_land_in_tet_moves_earlier_not_later(session: AsyncSession) -> None:
    await commune(session, date(2027, 2, 12))  # Friday after Tết: T-7 = 05/02 and T-3 = 09/02 are in Tết
    queued = await every_morning(session, date(2027, 1, 25), date(2027, 2, 12))
    assert queued == [(date(2027, 2, 3), 3), (date(2027, 2, 11), 1), (date(2027, 2, 12), 0)]


async def test_giỗ_tổ_moves_the_reminder_of_the_day_to_the_day_before(session: AsyncSession) -> None:
    await commune(session, date(2027, 4, 16))  # Giỗ Tổ Hùng Vương, a Friday
    queued = await every_morning(session, date(2027, 4, 5), date(2027, 4, 18))
    assert queued == [(date(2027, 4, 9), 7), (date(2027, 4, 13), 3), (date(2027, 4, 15), 0)]


async def test_a_missed_morning_is_caught_up_the_next_day_under_the_same_key(session: AsyncSession) -> None:
    await commune(session, date(2027, 2, 8))
    await every_morning(session, date(2027, 2, 4), date(2027, 2, 4))  # the bot was down on 03/02
    keys = list((await session.execute(select(OutboxMessage.dedupe_key))).scalars())
    await every_morning(session, date(2027, 2, 5), date(2027, 2, 12))
    assert len(keys) == 1 and ":T-0:2027-02-08:" in keys[0]
    assert list((await session.execute(select(OutboxMessage.dedupe_key))).scalars()) == keys


async def test_days_left_can_be_said_in_working_days(session: AsyncSession) -> None:
    await commune(session, date(2027, 2, 12))
    working = dataclasses.replace(RULES, calendar=CalendarConfig(count_working_days=True))
    (push,) = list(await deadline_pushes(session, morning(date(2027, 2, 3)), working))
    assert push.context["days_left"] == 2 and push.context["working"]  # 11/02 and 12/02; Tết not counted
    (plain,) = list(await deadline_pushes(session, morning(date(2027, 2, 3)), RULES))
    assert plain.context["days_left"] == 9 and not plain.context["working"]


def said(context: dict[str, object], template: str = "push/deadline", lang: str = "vi") -> str:
    return Renderer().render(lang, Reply(template, context), "text")


async def test_the_reminder_before_tet_says_the_deadline_is_a_day_off(session: AsyncSession) -> None:
    await commune(session, date(2027, 2, 8))
    (push,) = list(await deadline_pushes(session, morning(date(2027, 2, 3)), RULES))
    text = said(push.context)
    assert "Hạn ngày 08/02/2027, còn 5 ngày." in text
    assert "Hạn rơi vào ngày nghỉ: ngày làm việc cuối cùng trước hạn là 03/02/2027." in text
    assert "The deadline falls on a day off: the last working day before it is 03/02/2027." in said(
        push.context, lang="en"
    )
    working = dataclasses.replace(RULES, calendar=CalendarConfig(count_working_days=True))
    (counted,) = list(await deadline_pushes(session, morning(date(2027, 2, 3)), working))
    assert "Hạn ngày 08/02/2027 là ngày nghỉ: hôm nay là ngày làm việc cuối cùng trước hạn." in said(counted.context)


async def test_a_reminder_in_working_days_and_a_snoozed_one_say_so(session: AsyncSession) -> None:
    await commune(session, date(2027, 2, 12))
    working = dataclasses.replace(RULES, calendar=CalendarConfig(count_working_days=True))
    (push,) = list(await deadline_pushes(session, morning(date(2027, 2, 3)), working))
    assert "Hạn ngày 12/02/2027, còn 2 ngày làm việc." in said(push.context)
    assert "Due on 12/02/2027, 2 working days left." in said(push.context, lang="en")
    snoozed = push.context | {"snoozed": {"task": 1, "unit": 2}}
    assert "Nhắc hạn nhiệm vụ (nhắc lại theo đề nghị của đồng chí)" in said(snoozed)
    overdue = {"task": push.context["task"], "role": "lead", "progress": 0, "days_late": 4, "snoozed": {"task": 1}}
    assert "Nhiệm vụ quá hạn (nhắc lại theo đề nghị của đồng chí)" in said(overdue, "push/overdue")
    assert "Overdue task (again, as you asked)" in said(overdue, "push/overdue", "en")
