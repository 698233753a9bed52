"""The dispatcher on both databases with a recording sender and a frozen clock: merging, finding the
chat, quiet hours, retries with backoff, 429, blocked users, dead letters and the admins' alert."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.dispatcher import Dispatcher
from jobs.pacing import Rates
from jobs.sender import Outcome, Outgoing
from models import ChatAccount, FrozenClock, Official, OutboxMessage, Role
from models.quiet import QuietHours
from models.settings import DispatchConfig
from tests.jobs.support import T0, Recorder, people, queue, row, statuses

FAST = DispatchConfig(backoff_seconds=60, max_backoff_seconds=600, max_attempts=3)


def dispatcher(
    sessions: async_sessionmaker[AsyncSession], sender: Recorder, clock: FrozenClock, **options: object
) -> Dispatcher:
    return Dispatcher(sessions, sender, clock=clock, dispatch=options.pop("dispatch", FAST), **options)  # type: ignore[arg-type]


async def test_pushes_of_one_official_are_merged_into_one_message(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    a, b = await people(session, 2)
    await queue(session, [a, b], tag="x")
    await queue(session, [a], tag="y")
    await queue(session, [a], tag="z")
    await session.commit()
    sender = Recorder()
    done = await dispatcher(sessions, sender, FrozenClock(at=T0)).drain_all()
    assert done.sent == 4 and done.messages == 2
    by_official = {out.official_id: out for out in sender.sent}
    assert len(by_official[a].items) == 3 and len(by_official[b].items) == 1
    assert by_official[a].chat_id == "100000" and by_official[a].language == "vi"
    assert await statuses(sessions) == {"sent": 4}
    sent = await row(sessions, f"note:x:{a}")
    assert sent.sent_at == T0 and sent.attempts == 1 and sent.claimed_by is None


async def test_the_chat_last_written_from_is_used_and_blocked_ones_are_not(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    session.add_all(
        [
            ChatAccount(official_id=a, channel="console", external_id="c1", chat_id="c1", created_at=T0,
                        last_seen_at=T0 + timedelta(days=2)),
            ChatAccount(official_id=a, channel="telegram", external_id="9", chat_id="9", created_at=T0,
                        last_seen_at=T0 + timedelta(days=3), blocked=True),
        ]
    )  # fmt: skip
    await queue(session, [a])
    await session.commit()
    sender = Recorder()
    await dispatcher(sessions, sender, FrozenClock(at=T0)).drain_all()
    assert [(out.channel, out.chat_id) for out in sender.sent] == [("console", "c1")]


async def test_officials_without_a_usable_chat_are_skipped(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    a, b, c = await people(session, 3)
    await session.execute(update(ChatAccount).where(ChatAccount.official_id == a).values(blocked=True))
    await session.execute(update(Official).where(Official.id == b).values(active=False))
    await queue(session, [a, b, c])
    await session.commit()
    sender = Recorder(channels=frozenset({"telegram"}))
    done = await dispatcher(sessions, sender, FrozenClock(at=T0)).drain_all()
    assert (done.sent, done.skipped) == (1, 2)
    assert (await row(sessions, f"note:a:{a}")).last_error == "no usable chat"


async def test_quiet_hours_defer_non_urgent_pushes_to_the_morning(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    a, b = await people(session, 2)
    night = T0.replace(hour=22)  # Monday 22:00
    await queue(session, [a], at=night)
    await queue(session, [b], at=night, urgent=True)
    await session.commit()
    clock, sender = FrozenClock(at=night), Recorder()
    d = dispatcher(sessions, sender, clock, quiet=QuietHours())
    await d.drain_all()
    assert [out.official_id for out in sender.sent] == [b]  # urgent goes out at once
    assert (await row(sessions, f"note:a:{a}")).not_before == T0.replace(hour=7) + timedelta(days=1)
    clock.advance(timedelta(hours=8, minutes=59))  # 06:59
    assert (await d.drain_all()).sent == 0
    clock.advance(timedelta(minutes=1))
    assert (await d.drain_all()).sent == 1


async def test_weekends_are_quiet_unless_allowed(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    saturday = T0 + timedelta(days=5)
    await queue(session, [a], at=saturday)
    await session.commit()
    sender = Recorder()
    await dispatcher(sessions, sender, FrozenClock(at=saturday), quiet=QuietHours()).drain_all()
    assert not sender.sent
    assert (await row(sessions, f"note:a:{a}")).not_before == T0.replace(hour=7) + timedelta(days=7)
    await dispatcher(sessions, sender, FrozenClock(at=saturday), quiet=QuietHours(weekends=True)).drain_all()
    assert not sender.sent  # already deferred to Monday
    await session.execute(update(OutboxMessage).values(not_before=saturday))
    await session.commit()
    await dispatcher(sessions, sender, FrozenClock(at=saturday), quiet=QuietHours(weekends=True)).drain_all()
    assert len(sender.sent) == 1


async def _same_province(session: AsyncSession, official_id: int, colleague_id: int) -> None:
    unit_id = await session.scalar(select(Official.unit_id).where(Official.id == colleague_id))
    await session.execute(update(Official).where(Official.id == official_id).values(unit_id=unit_id))


async def test_failures_back_off_then_dead_letter_and_tell_the_admins_once(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    (admin,) = await people(session, 1, role=Role.ADMIN, first=50)
    await _same_province(session, admin, a)  # dead letters are told to the admins of the official's province
    await queue(session, [a])
    await session.commit()
    clock = FrozenClock(at=T0)
    sender = Recorder(script=[Outcome.failed("HTTP 502")] * 3)
    d = dispatcher(sessions, sender, clock)
    assert (await d.drain_all()).failed == 1
    first = await row(sessions, f"note:a:{a}")
    assert (first.status, first.attempts, first.not_before) == ("pending", 1, T0 + timedelta(seconds=60))
    clock.advance(timedelta(seconds=60))
    await d.drain_all()
    assert (await row(sessions, f"note:a:{a}")).not_before == clock.now() + timedelta(seconds=120)  # doubled
    clock.advance(timedelta(seconds=120))
    done = await d.drain_all()  # third failure: dead; the admin's alert is sent in the same drain_all
    assert done.dead == 1
    dead = await row(sessions, f"note:a:{a}")
    assert (dead.status, dead.attempts, dead.last_error) == ("dead", 3, "HTTP 502")
    alert = await row(sessions, f"dead_letter:outbox {dead.id}:official {admin}")
    assert alert.status == "sent" and alert.context["kind"] == "note" and alert.context["official"] == "Cán bộ 0"
    assert [out.official_id for out in sender.sent] == [admin]


async def test_a_dead_letter_alert_that_dies_raises_no_further_alert(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    (admin,) = await people(session, 1, role=Role.ADMIN, first=50)
    await _same_province(session, admin, a)
    await queue(session, [a])
    await session.commit()
    sender = Recorder(script=[Outcome.fatal("bad request"), Outcome.fatal("bad request")])
    await dispatcher(sessions, sender, FrozenClock(at=T0)).drain_all()
    assert await statuses(sessions) == {"dead": 2}  # the push and its alert; nothing loops
    assert len(sender.tried) == 2


async def test_retry_after_waits_without_counting_an_attempt(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    await queue(session, [a])
    await session.commit()
    clock = FrozenClock(at=T0)
    d = dispatcher(sessions, Recorder(script=[Outcome.retry(7)]), clock)
    assert (await d.drain_all()).retried == 1
    waiting = await row(sessions, f"note:a:{a}")
    assert (waiting.status, waiting.attempts, waiting.not_before) == ("pending", 0, T0 + timedelta(seconds=7))
    clock.advance(timedelta(seconds=7))
    assert (await d.drain_all()).sent == 1


async def test_a_user_who_blocked_the_bot_is_marked_and_skipped(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    a, b = await people(session, 2)
    await queue(session, [a, b])
    await session.commit()
    sender = Recorder(script=[Outcome.blocked("Forbidden: bot was blocked by the user")])
    done = await dispatcher(sessions, sender, FrozenClock(at=T0)).drain_all()
    assert (done.blocked, done.sent, done.skipped) == (1, 1, 1)
    account = (await session.execute(select(ChatAccount).where(ChatAccount.official_id == a))).scalar_one()
    assert account.blocked
    assert (await row(sessions, f"note:a:{a}")).status == "skipped"
    assert len(sender.tried) == 2  # tried once, never again


async def test_several_failures_in_a_row_stop_the_drain_without_spending_attempts(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    ids = await people(session, 8)
    await queue(session, ids)
    await session.commit()
    sender = Recorder(script=[Outcome.failed("down")] * 8)
    d = dispatcher(sessions, sender, FrozenClock(at=T0), failures_in_a_row=3)
    done = await d.drain()
    assert (done.failed, done.deferred) == (3, 5)
    rows = (await session.execute(select(OutboxMessage.attempts).order_by(OutboxMessage.id))).scalars().all()
    assert sorted(rows) == [0] * 5 + [1] * 3


async def test_a_chat_that_had_its_share_waits_while_the_others_go_on(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    a, b = await people(session, 2)
    await session.commit()
    ticks = [100.0]
    rates = {"telegram": Rates(per_second=30, chat_per_minute=60, group_per_minute=20)}
    sender, clock = Recorder(), FrozenClock(at=T0)
    d = Dispatcher(sessions, sender, clock=clock, rates=rates, monotonic=lambda: ticks[0])
    for tag in ("x", "y", "z"):  # three drains within the same instant: a's chat allows a burst of two
        await queue(session, [a], tag=tag)
        await session.commit()
        await d.drain_all()
    await queue(session, [b], tag="z")
    await session.commit()
    await d.drain_all()
    assert [out.official_id for out in sender.sent] == [a, a, b]
    assert (await row(sessions, f"note:z:{a}")).not_before == T0 + timedelta(seconds=1)


async def test_several_sends_under_way_at_once_send_each_row_once(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    ids = await people(session, 60)
    await queue(session, ids)
    await session.commit()
    sender = Recorder()
    done = await dispatcher(
        sessions, sender, FrozenClock(at=T0), dispatch=DispatchConfig(in_flight=4, batch_size=25)
    ).drain_all()
    assert done.sent == 60 and sorted(out.official_id for out in sender.sent) == sorted(ids)
    assert await statuses(sessions) == {"sent": 60}


async def test_a_sender_may_hold_back_a_chats_pushes_to_merge_them_later(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    """Zalo's budget running low: the channel holds each chat's non-urgent pushes for a while, so what
    comes meanwhile leaves as one message; nothing is lost and no attempt is counted."""
    (a,) = await people(session, 1)
    await queue(session, [a])
    await session.commit()

    class Holding(Recorder):
        def hold_seconds(self, out: object) -> float:
            return 0.0 if held_off else 3600.0

    held_off = False
    clock, sender = FrozenClock(at=T0), Holding()
    d = dispatcher(sessions, sender, clock)
    assert (await d.drain_all()).sent == 0 and sender.tried == []
    held = await row(sessions, f"note:a:{a}")
    assert held.status == "pending" and held.attempts == 0 and held.not_before == T0 + timedelta(hours=1)
    await queue(session, [a], tag="later")
    await session.commit()
    held_off = True
    clock.advance(timedelta(hours=1))
    assert (await d.drain_all()).sent == 2  # both rows
    assert len(sender.sent) == 1 and len(sender.sent[0].items) == 2  # as one message


async def test_the_channel_an_official_chose_wins_over_the_one_last_written_from(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    (a,) = await people(session, 1)
    session.add_all(
        [
            ChatAccount(official_id=a, channel="telegram", external_id="9", chat_id="9", created_at=T0,
                        last_seen_at=T0 + timedelta(days=3)),
            ChatAccount(official_id=a, channel="console", external_id="c1", chat_id="c1", created_at=T0,
                        last_seen_at=T0 + timedelta(days=1)),
        ]
    )  # fmt: skip
    await session.execute(update(Official).where(Official.id == a).values(push_channel="console"))
    await queue(session, [a])
    await session.commit()
    sender = Recorder()
    await dispatcher(sessions, sender, FrozenClock(at=T0)).drain_all()
    assert [(out.channel, out.chat_id) for out in sender.sent] == [("console", "c1")]


async def test_a_429_from_one_zalo_bot_holds_that_bot_s_pushes_only(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    """Zalo counts each bot's messages apart (3,000 a month each): when bot "a" is refused, bot "b"'s
    officials and Telegram's still get their pushes now, and no sender sleeps through the pause (each
    sender is shared by every channel's messages: asleep 300 s, it would hold Telegram's too)."""
    a, b = await people(session, 2, channel="zalo")
    (c,) = await people(session, 1, first=10)
    await session.execute(update(ChatAccount).where(ChatAccount.official_id == a).values(bot="a"))
    await session.execute(update(ChatAccount).where(ChatAccount.official_id == b).values(bot="b"))
    await queue(session, [a, b, c])
    await session.commit()

    class RefusedOnA(Recorder):
        async def send(self, out: Outgoing) -> Outcome:
            self.tried.append(out)
            if out.via == "a":
                return Outcome.retry(300, "Zalo 429: Quota exceeded")
            self.sent.append(out)
            return Outcome.sent()

    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    rates = {name: Rates(per_second=30, chat_per_minute=60, group_per_minute=20) for name in ("telegram", "zalo")}
    sender = RefusedOnA(channels=frozenset({"telegram", "zalo"}))
    d = Dispatcher(
        sessions, sender, clock=FrozenClock(at=T0), rates=rates, monotonic=lambda: 100.0, sleep=sleep,
        dispatch=DispatchConfig(in_flight=1),
    )  # fmt: skip
    await d.drain_all()
    assert sorted(out.official_id for out in sender.sent) == [b, c]
    assert not [s for s in slept if s >= 1]
    refused = await row(sessions, f"note:a:{a}")
    assert (refused.status, refused.not_before) == ("pending", T0 + timedelta(seconds=300))
    # the next queued push of bot "a" waits for the pause without being tried; bot "b"'s goes
    await queue(session, [a, b], tag="later")
    await session.commit()
    before = len(sender.tried)
    await d.drain_all()
    assert [out.official_id for out in sender.tried[before:]] == [b]
    assert (await row(sessions, f"note:later:{a}")).not_before == T0 + timedelta(seconds=300)
    # a chat bound to bot "a" under another spelling (Zalo's "" for the first bot) is held with it
    await session.execute(update(ChatAccount).where(ChatAccount.official_id == a).values(bot=""))
    await queue(session, [a], tag="alias")
    await session.commit()
    sender.bot_of = lambda out: "a" if out.via == "" else out.via  # type: ignore[attr-defined]
    before = len(sender.tried)
    await d.drain_all()
    assert sender.tried[before:] == []
    assert (await row(sessions, f"note:alias:{a}")).not_before == T0 + timedelta(seconds=300)
