"""Leave in the push path (jobs/leave.py), day by day with a frozen clock across a leave, on both
databases: an official on leave gets nothing; their unit's reminders go to the stand-in or the unit's other
officials, once; what nobody can take is held and arrives, with one catch-up, in one message the day after
the leave, never lost and never twice, whatever the jobs and the dispatcher re-run."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import Reply
from handlers.notifications import push_buttons
from jobs.dispatcher import Dispatcher
from jobs.due import due_pushes
from jobs.scheduler import run_job
from models import DEFAULT_TZ, FrozenClock, Leave, OutboxMessage
from tests.jobs.conftest import NOW, SETTINGS, World
from tests.jobs.support import Recorder, statuses


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=DEFAULT_TZ)


async def away(session: AsyncSession, who: int, first: date, last: date, stand_in: int | None = None) -> None:
    session.add(Leave(official_id=who, starts_on=first, ends_on=last, stand_in_id=stand_in, created_by_id=who,
                      created_at=NOW))  # fmt: skip
    await session.commit()


async def keys_of(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, int, str]]:
    async with sessions() as session:
        rows = await session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.official_id, OutboxMessage.status))
        return [(k, o or 0, s) for k, o, s in rows]


async def test_pushes_of_an_official_on_leave_go_to_the_stand_in_and_optional_ones_are_dropped(
    session: AsyncSession, world: World
) -> None:
    msh, hl, ms = world.people["msh"], world.people["hl"], world.people["ms"]
    await away(session, msh, NOW.date(), NOW.date() + timedelta(days=2), stand_in=hl)
    pushes = list(await due_pushes(session, NOW, SETTINGS))
    assert not [p for p in pushes if p.official_id == msh]
    taken = [p for p in pushes if p.official_id == hl and "instead_of" in p.context]
    assert {p.kind for p in taken} == {"deadline", "overdue"}  # the unit head's overdue notice too
    # the stand-in heads the district above: asked to urge the commune, not to report for it
    said = {"name": "Hoàng Văn Minh", "until": "2024-06-03", "elsewhere": True}
    assert all(p.context["instead_of"] == said for p in taken)
    assert all(p.dedupe_key.endswith(f":official {hl}") for p in taken)
    assert len({p.dedupe_key for p in pushes}) == len(pushes)  # nobody twice
    assert any(p.official_id == ms and p.kind == "deadline" for p in pushes)  # colleagues as usual
    digests = list(await due_pushes(session, NOW, SETTINGS, ["digests"]))
    assert digests and not [p for p in digests if p.official_id == msh]
    assert not [p for p in digests if "instead_of" in p.context]  # information is not re-routed


async def test_without_a_stand_in_the_units_other_officials_take_it_once(session: AsyncSession, world: World) -> None:
    msh, ms = world.people["msh"], world.people["ms"]
    await away(session, msh, NOW.date(), NOW.date())
    pushes = list(await due_pushes(session, NOW, SETTINGS, ["reminders"]))
    assert not [p for p in pushes if p.context.get("instead_of", {}).get("elsewhere")]  # colleagues report themselves
    overdue = [p for p in pushes if p.kind == "overdue" and "unit " + str(world.units["MS"]) in p.dedupe_key]
    # the head's overdue notice goes to the unit's other active officials (not the inactive one), once each
    assert {p.official_id for p in overdue} == world.who("ms", "quiet")
    deadline_to_ms = [p for p in pushes if p.official_id == ms and p.kind == "deadline"]
    assert len(deadline_to_ms) == len({p.dedupe_key for p in deadline_to_ms})
    assert all("instead_of" not in p.context for p in deadline_to_ms)  # their own copy wins over the re-routed one


async def test_held_reminders_arrive_once_with_one_catch_up_after_the_leave(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, world: World
) -> None:
    yt = world.people["yt"]  # alone in Xã Yên Thịnh: nobody can take the unit's reminders
    first, last = NOW.date(), NOW.date() + timedelta(days=3)
    await away(session, yt, first, last)
    sender = Recorder()
    day = first
    while day <= last + timedelta(days=2):
        clock = FrozenClock(at=at(day))
        for _ in range(2):  # every job twice a day (a restart): nothing doubles
            await run_job("reminders", sessions, clock, SETTINGS)
            await Dispatcher(sessions, sender, clock=clock).drain_all()
        if day <= last:
            assert not [out for out in sender.sent if out.official_id == yt], day
        day += timedelta(days=1)
    to_yt = [out for out in sender.sent if out.official_id == yt]
    assert len(to_yt) == 1  # one message: the catch-up and what was held
    templates = [item.template for item in to_yt[0].items]
    assert templates[0] == "push/leave_return" and len(templates) > 1
    catch_up = to_yt[0].items[0].context
    # what was held, then the return day's own reminders, all in the one message
    assert 0 < catch_up["held"] < len(templates) - 1
    assert catch_up["first"] == "2024-06-01" and catch_up["stand_in"] is None
    rows = await keys_of(sessions)
    assert all(status == "sent" for _, _, status in rows), await statuses(sessions)
    assert not [k for k, n in Counter(k for k, _, _ in rows).items() if n > 1]


async def test_a_held_reminder_is_never_lost_when_no_catch_up_runs(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, world: World
) -> None:
    yt = world.people["yt"]
    await away(session, yt, NOW.date(), NOW.date() + timedelta(days=1))
    await run_job("reminders", sessions, FrozenClock(at=NOW), SETTINGS)
    sender = Recorder()
    # the bot is down from the day of return until long after: no catch-up runs, the held rows still go
    late = FrozenClock(at=at(NOW.date() + timedelta(days=4)))
    await Dispatcher(sessions, sender, clock=late).drain_all()
    held = [r for r in await keys_of(sessions) if r[1] == yt]
    assert held and all(status == "sent" for _, _, status in held)
    assert [out.official_id for out in sender.sent].count(yt) == 1


async def test_re_routed_reminders_reach_the_stand_in_once_each_across_the_leave(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, world: World
) -> None:
    msh, hl = world.people["msh"], world.people["hl"]
    first, last = NOW.date(), NOW.date() + timedelta(days=2)
    await away(session, msh, first, last, stand_in=hl)
    sender = Recorder()
    for offset in range(5):
        clock = FrozenClock(at=at(first + timedelta(days=offset)))
        for _ in range(2):
            await run_job("reminders", sessions, clock, SETTINGS)
            await Dispatcher(sessions, sender, clock=clock).drain_all()
    to_msh = [out for out in sender.sent if out.official_id == msh]
    assert to_msh[0].items[0].template == "push/leave_return"
    assert len(to_msh) == 2  # the catch-up day's message, and the day after's own reminders
    for_him = [
        item for out in sender.sent if out.official_id == hl for item in out.items if "instead_of" in item.context
    ]
    assert for_him
    rows = await keys_of(sessions)
    assert all(status == "sent" for _, _, status in rows)
    assert len({k for k, _, _ in rows}) == len(rows)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_stand_in_of_another_unit_is_asked_to_urge_the_unit_and_offered_no_report_button(lang: str) -> None:
    task = {"number": 12, "content": "Rà soát thủ tục", "due": "2024-06-10"}
    base = {"task": task, "role": "lead", "progress": 40, "offset": 7, "days_left": 9, "working": False}
    own = base | {"instead_of": {"name": "Hoàng Văn Minh", "until": "2024-06-03"}}
    other = base | {"instead_of": {"name": "Hoàng Văn Minh", "until": "2024-06-03", "elsewhere": True}}
    renderer = Renderer()
    colleague = renderer.render(lang, Reply("push/deadline", own))
    stand_in = renderer.render(lang, Reply("push/deadline", other))
    assert "/capnhat 12" in colleague and "/capnhat" not in stand_in
    assert "Hoàng Văn Minh" in stand_in.splitlines()[-1]
    assert len(push_buttons("deadline", 5, own, False)) == 2
    assert [[b.data for b in row] for row in push_buttons("deadline", 5, other, False)] == [
        ["/nhaclai 5 1", "/nhaclai 5 3"]
    ]
    late = renderer.render(lang, Reply("push/overdue", other | {"days_late": 3}))
    assert "/capnhat" not in late and "Hoàng Văn Minh" in late
