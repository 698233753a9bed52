"""Snooze and act (/nhaclai, the buttons of a deadline reminder and an overdue notice), with a fixed
clock around Tết Nguyên đán 2027 (days off 04/02–10/02/2027): the day the reminder comes again, never past
the deadline's last working day nor the escalation; only the official it was for; and the snoozed reminder
as durable as any push — sent once on its day, not again on a re-run, a repeated press or after a crash,
and not at all once the task is done."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.push_path import PushSender
from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming, Reply
from handlers.router import Router
from jobs import claims
from jobs.dispatcher import Dispatcher
from jobs.due import deadline_pushes, overdue_pushes
from jobs.kinds import PushRules
from jobs.outbox import enqueue
from jobs.sender import Item, Outgoing
from models import DEFAULT_TZ, Assignment, FrozenClock, OutboxMessage, Role, UnitKind
from models.settings import DispatchConfig, ScheduleConfig
from tests import factories as f
from tests.jobs.support import Recorder

RULES = PushRules(schedule=ScheduleConfig(catch_up_days=0))


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), DEFAULT_TZ)


async def world(sessions: async_sessionmaker[AsyncSession], due: date) -> None:
    """Xã Tuấn Sơn with its chair ("chair") and an officer ("officer"), task 1 due ``due``."""
    async with sessions() as session:
        province = await f.unit(session, "LS", UnitKind.PROVINCE)
        unit = await f.unit(session, "TS", UnitKind.COMMUNE, province, name="Xã Tuấn Sơn")
        await f.official(session, unit, Role.UNIT_HEAD, name="Chủ tịch", external_id="chair")
        await f.official(session, unit, Role.OFFICER, name="Cán bộ", external_id="officer")
        await f.task(session, await f.plan(session, due.year), 1, due, unit, content="Rà soát thủ tục")
        await session.commit()


async def pushed(sessions: async_sessionmaker[AsyncSession], now: datetime, kind: str = "deadline") -> dict[str, int]:
    """Run the reminders at ``now``; outbox id of the push of ``kind`` to each official, by external id."""
    compute = deadline_pushes if kind == "deadline" else overdue_pushes
    async with sessions() as session, session.begin():
        await enqueue(session, await compute(session, now, RULES))
        rows = await session.execute(
            select(OutboxMessage.id, OutboxMessage.official_id).where(OutboxMessage.kind == kind)
        )
        ids = {official: outbox for outbox, official in rows}
        people = await session.execute(select(f.ChatAccount.external_id, f.ChatAccount.official_id))
        return {ext: ids[official] for ext, official in people if official in ids}


async def press(sessions: async_sessionmaker[AsyncSession], now: datetime, who: str, data: str) -> Reply:
    router = Router(sessions, clock=FrozenClock(at=now), settings=HandlerConfig())
    _, replies = await router.handle(Incoming("console", who, who, callback=data))
    return replies[0]


async def snoozes(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(
            (await session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.contains(":snooze")))).all()
        )


async def test_snoozing_a_day_brings_the_reminder_back_tomorrow(sessions: async_sessionmaker[AsyncSession]) -> None:
    await world(sessions, date(2027, 2, 8))  # the 3rd day of Tết
    monday = at(date(2027, 2, 1), 9)
    ids = await pushed(sessions, at(date(2027, 2, 1)))  # T-7
    reply = await press(sessions, monday, "chair", f"/nhaclai {ids['chair']} 1")
    assert reply.template == "notifications/snoozed"
    assert reply.context["day"] == "2027-02-02" and not reply.context["limited"]
    (row,) = await snoozes(sessions)
    assert row.not_before == at(date(2027, 2, 2), 9) and row.kind == "deadline" and not row.urgent
    assert row.context["snoozed"]["task"] == row.context["task"]["id"] and row.context["days_left"] == 6


async def test_a_snooze_never_passes_the_deadlines_last_working_day_and_says_so(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await world(sessions, date(2027, 2, 8))
    ids = await pushed(sessions, at(date(2027, 2, 1)))
    # 3 days: 04/02 is Tết, the first working day after is 11/02, past the deadline: 03/02 instead
    reply = await press(sessions, at(date(2027, 2, 1), 9), "chair", f"/nhaclai {ids['chair']} 3")
    assert (reply.context["day"], reply.context["limited"]) == ("2027-02-03", "deadline")
    (row,) = await snoozes(sessions)
    assert row.urgent  # on the last working day before the deadline, as the reminder of the day is
    assert row.context["days_left"] == 5


async def test_pressing_again_moves_the_one_snooze_instead_of_queueing_two(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await world(sessions, date(2027, 2, 8))
    ids = await pushed(sessions, at(date(2027, 2, 1)))
    for days in ("1", "3", "3"):
        await press(sessions, at(date(2027, 2, 1), 9), "chair", f"/nhaclai {ids['chair']} {days}")
    (row,) = await snoozes(sessions)
    assert row.not_before == at(date(2027, 2, 3), 9)


async def test_only_the_official_the_reminder_was_for_may_snooze_it(sessions: async_sessionmaker[AsyncSession]) -> None:
    await world(sessions, date(2027, 2, 8))
    ids = await pushed(sessions, at(date(2027, 2, 1)))
    now = at(date(2027, 2, 1), 9)
    assert (await press(sessions, now, "officer", f"/nhaclai {ids['chair']} 1")).template == "errors/not_your_reminder"
    assert (await press(sessions, now, "officer", "/nhaclai 999999 1")).template == "errors/not_your_reminder"
    assert (await press(sessions, now, "stranger", f"/nhaclai {ids['chair']} 1")).template == "account/register_prompt"
    for bad in ("/nhaclai", f"/nhaclai {ids['chair']}", f"/nhaclai {ids['chair']} 2", f"/nhaclai {ids['chair']} x"):
        assert (await press(sessions, now, "chair", bad)).template == "errors/snooze_usage"
    assert await snoozes(sessions) == []


async def test_the_last_working_day_before_the_deadline_cannot_be_snoozed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await world(sessions, date(2027, 2, 8))
    ids = await pushed(sessions, at(date(2027, 2, 3)))  # the reminder of the day, moved before Tết
    reply = await press(sessions, at(date(2027, 2, 3), 9), "chair", f"/nhaclai {ids['chair']} 1")
    assert reply.template == "errors/snooze_too_late" and await snoozes(sessions) == []


async def test_an_overdue_notice_cannot_be_snoozed_past_the_escalation(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await world(sessions, date(2027, 2, 22))  # escalated after 7 days: on Monday 01/03
    ids = await pushed(sessions, at(date(2027, 2, 25)), "overdue")  # day 3
    reply = await press(sessions, at(date(2027, 2, 25), 9), "chair", f"/nhaclai {ids['chair']} 3")
    assert (reply.context["day"], reply.context["limited"]) == ("2027-02-26", "escalation")
    (row,) = await snoozes(sessions)
    assert row.kind == "overdue" and row.context["days_late"] == 4
    late = await press(sessions, at(date(2027, 2, 26), 9), "chair", f"/nhaclai {row.id} 1")
    assert late.template == "errors/snooze_too_late"


def dispatcher(sessions: async_sessionmaker[AsyncSession], sender: Recorder, now: datetime) -> Dispatcher:
    return Dispatcher(sessions, sender, clock=FrozenClock(at=now), dispatch=DispatchConfig())


async def test_a_snoozed_reminder_is_sent_once_on_its_day_whatever_is_rerun_or_crashes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await world(sessions, date(2027, 2, 8))
    monday = at(date(2027, 2, 1))
    ids = await pushed(sessions, monday)
    sender = Recorder()
    await dispatcher(sessions, sender, monday).drain_all()  # the T-7 reminders go
    await press(sessions, at(date(2027, 2, 1), 9), "chair", f"/nhaclai {ids['chair']} 1")
    assert (await dispatcher(sessions, sender, at(date(2027, 2, 1), 17)).drain_all()).claimed == 0  # not yet
    await pushed(sessions, at(date(2027, 2, 2)))  # the reminders job runs again: nothing new for task 1
    # a process claims the snoozed row on its day and dies before sending it
    tuesday = at(date(2027, 2, 2), 9)
    async with sessions() as session, session.begin():
        (claimed,) = await claims.claim(session, "dead", tuesday, 300, 10)
    assert claimed.context["snoozed"]
    async with sessions() as session, session.begin():  # its claim runs out (on the database's clock)
        await session.execute(update(OutboxMessage).values(claimed_until=at(date(2020, 1, 1))))
    await dispatcher(sessions, sender, tuesday).drain_all()
    await dispatcher(sessions, sender, tuesday + timedelta(hours=1)).drain_all()
    snoozed = [out for out in sender.sent if any(item.context.get("snoozed") for item in out.items)]
    assert len(snoozed) == 1 and snoozed[0].items[0].outbox_id == claimed.id
    again = await press(sessions, tuesday, "chair", f"/nhaclai {ids['chair']} 1")  # the old button once more
    assert again.context["queued"] is False
    assert len(await snoozes(sessions)) == 1


async def test_a_snoozed_reminder_of_a_task_done_meanwhile_is_not_sent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await world(sessions, date(2027, 2, 8))
    ids = await pushed(sessions, at(date(2027, 2, 1)))
    await press(sessions, at(date(2027, 2, 1), 9), "chair", f"/nhaclai {ids['chair']} 1")
    async with sessions() as session, session.begin():
        await session.execute(update(Assignment).values(progress=100, completed_on=date(2027, 2, 1)))
    sender = Recorder()
    done = await dispatcher(sessions, sender, at(date(2027, 2, 2), 10)).drain_all()
    assert not any(item.context.get("snoozed") for out in sender.sent for item in out.items)
    (row,) = await snoozes(sessions)
    assert row.status == "skipped" and done.skipped >= 1


async def reminded(sessions: async_sessionmaker[AsyncSession], now: datetime, kind: str) -> set[str]:
    """Run the reminders of ``kind`` at ``now``; the officials (external ids) given a push of it that day."""
    compute = deadline_pushes if kind == "deadline" else overdue_pushes
    async with sessions() as session, session.begin():
        await enqueue(session, await compute(session, now, RULES))
        rows = await session.execute(
            select(f.ChatAccount.external_id)
            .join(OutboxMessage, OutboxMessage.official_id == f.ChatAccount.official_id)
            .where(OutboxMessage.kind == kind, OutboxMessage.created_at >= now)
        )
        return {ext for (ext,) in rows}


async def test_a_snoozed_deadline_is_not_reminded_before_the_day_asked_but_on_its_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Snoozed 3 days at T-3 (Tuesday 20/10/2026, the deadline Friday 23/10): the T-1 reminder on Thursday
    goes to the officer but not to the chair who asked to be reminded on Friday; the deadline's own urgent
    reminder on Friday morning still goes to both."""
    await world(sessions, date(2026, 10, 23))
    ids = await pushed(sessions, at(date(2026, 10, 20)))  # T-3
    reply = await press(sessions, at(date(2026, 10, 20), 9), "chair", f"/nhaclai {ids['chair']} 3")
    assert reply.context["day"] == "2026-10-23"
    assert await reminded(sessions, at(date(2026, 10, 22)), "deadline") == {"officer"}  # T-1
    assert await reminded(sessions, at(date(2026, 10, 23)), "deadline") == {"chair", "officer"}  # T-0


async def test_a_snoozed_overdue_notice_is_not_repeated_before_the_day_asked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Overdue since Thursday 01/10/2026; the chair snoozes the day-1 notice 3 days (to Monday 05/10): the
    day-3 notice on Sunday is not sent, the day-7 one is."""
    await world(sessions, date(2026, 10, 1))
    ids = await pushed(sessions, at(date(2026, 10, 2)), "overdue")  # day 1
    reply = await press(sessions, at(date(2026, 10, 2), 9), "chair", f"/nhaclai {ids['chair']} 3")
    assert reply.context["day"] == "2026-10-05"
    assert await reminded(sessions, at(date(2026, 10, 4)), "overdue") == set()  # day 3
    assert await reminded(sessions, at(date(2026, 10, 8)), "overdue") == {"chair"}  # day 7


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_reminder_carries_snooze_and_report_buttons_numbered_in_text(lang: str) -> None:
    context = {"task": {"id": 5, "number": 12, "content": "Rà soát", "due": "2027-02-08"}, "role": "lead",
               "progress": 30, "offset": 7, "days_left": 7, "working": False, "last_day": None}  # fmt: skip
    sender = PushSender(Renderer())
    one = Outgoing("console", "c", 1, lang, (Item("push/deadline", context, 812),))
    keyboard = sender.keyboard(one)
    assert keyboard is not None
    data = [[b.callback_data for b in row] for row in keyboard.inline_keyboard]
    assert data == [["/nhaclai 812 1", "/nhaclai 812 3"], ["/capnhat 12"]]
    text = sender.render(one, "text")
    first = "1. Nhắc lại sau 1 ngày: /nhaclai 812 1" if lang == "vi" else "1. Remind me in 1 day: /nhaclai 812 1"
    assert first in text and "3. " in text
    two = Outgoing("console", "c", 1, lang, (Item("push/deadline", context, 812), Item("push/deadline", context, 813)))
    labels = [b.text for row in (sender.keyboard(two) or keyboard).inline_keyboard for b in row]
    assert len(labels) == 6 and all("12" in label for label in labels)  # each names its task
    digest = Outgoing("console", "c", 1, lang, (Item("push/quarterly", {}, 9),))
    assert sender.keyboard(digest) is None
