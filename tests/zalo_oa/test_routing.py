"""Pushes to officials on the OA, through the outbox and the real dispatcher: inside the window an OA
message; outside it an urgent push goes by ZNS (templates configured, a phone, the cap has room), else by
the official's other channel, else it waits and is merged into one OA message when the official next
writes — never lost, never doubled; a non-urgent push never costs a ZNS message; the month's spend is
counted and capped, and the admins warned once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.app import App
from bot.push_path import dispatcher
from bot.zalo.push_sender import Senders
from bot.zalo_oa import OaRunning
from jobs.oa_routing import interacted, release_waiting
from jobs.outbox import Push, enqueue
from models import ChatAccount, Official, OutboxMessage
from models.zalo_oa import ZnsSpend
from tests.fakes.other_channel import DEADLINE_CTX, INFO_CTX, OtherChannel
from tests.fakes.zalo_oa_server import FakeOa
from tests.zalo_oa.conftest import ADMIN, CHAIR, DEADLINE_TEMPLATE, NOW, hook


async def chair(app: App) -> int:
    async with app.sessions() as session:
        account = (await session.scalars(select(ChatAccount).where(ChatAccount.external_id == CHAIR))).one()
        return account.official_id


async def push(app: App, official: int, kind: str, key: str, context: dict[str, object]) -> None:
    async with app.sessions() as session, session.begin():
        await enqueue(session, [Push(kind, key, official, context, app.clock.now(), urgent=kind == "deadline")])


async def window(app: App, *, open_: bool) -> None:
    async with app.sessions() as session, session.begin():
        await interacted(session, CHAIR, app.clock.now() - (timedelta(0) if open_ else timedelta(days=3)))


async def statuses(app: App) -> dict[str, str]:
    async with app.sessions() as session:
        rows = await session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status))
        return {key: str(status) for key, status in rows}


async def drain(app: App, bot: OaRunning, other: OtherChannel | None = None) -> None:
    senders = Senders(bot.sender, *([other] if other else []))
    await dispatcher(app, senders).drain_all()


async def test_inside_the_window_a_push_is_an_oa_message(app: App, bot: OaRunning, oa: FakeOa) -> None:
    oa.follow(CHAIR)
    await window(app, open_=True)
    await push(app, await chair(app), "deadline", "d1", DEADLINE_CTX)
    await drain(app, bot)
    assert [s.text for s in oa.to(CHAIR)] and "Nhiệm vụ số 5" in oa.to(CHAIR)[0].text
    assert oa.zns == [] and await statuses(app) == {"d1": "sent"}


async def test_outside_the_window_an_urgent_push_goes_by_zns_and_is_counted(
    app: App, bot: OaRunning, oa: FakeOa
) -> None:
    official = await chair(app)
    async with app.sessions() as session, session.begin():
        await session.execute(update(Official).where(Official.id == official).values(phone="84912345678"))
    await window(app, open_=False)
    await push(app, official, "deadline", "d1", DEADLINE_CTX)
    await push(app, official, "zalo_budget_low", "i1", INFO_CTX)  # not urgent: never ZNS
    await drain(app, bot)
    assert [(z.phone, z.template_id, z.data) for z in oa.zns] == [
        ("84912345678", DEADLINE_TEMPLATE, {"task_no": "5", "due_date": "05/12/2026"})
    ]
    assert oa.to(CHAIR) == []
    assert await statuses(app) == {"d1": "sent", "i1": "pending"}  # the information waits for the window
    async with app.sessions() as session:
        spend = (await session.scalars(select(ZnsSpend))).one()
    assert (spend.month, spend.messages, spend.vnd) == ("2026-12", 1, 300)
    await drain(app, bot)  # drained again: nothing is sent twice
    assert len(oa.zns) == 1 and oa.to(CHAIR) == []


async def test_without_zns_the_other_channel_carries_it(app: App, bot: OaRunning, oa: FakeOa) -> None:
    official = await chair(app)
    async with app.sessions() as session, session.begin():
        console = (await session.scalars(select(ChatAccount).where(ChatAccount.external_id == CHAIR))).one()
        session.add(ChatAccount(official_id=official, channel="zalo", external_id="zb1", chat_id="zb1",
                                created_at=console.created_at))  # fmt: skip
    await window(app, open_=False)  # no phone: no ZNS
    await push(app, official, "deadline", "d1", DEADLINE_CTX)
    other = OtherChannel()
    await drain(app, bot, other)
    assert [(o.channel, o.chat_id) for o in other.got] == [("zalo", "zb1")]
    assert oa.zns == [] and oa.to(CHAIR) == [] and await statuses(app) == {"d1": "sent"}


async def test_a_waiting_push_is_merged_into_the_next_answer_once(app: App, bot: OaRunning, oa: FakeOa) -> None:
    official = await chair(app)
    await window(app, open_=False)
    await push(app, official, "deadline", "d1", DEADLINE_CTX)  # no phone, no other channel
    await push(app, official, "zalo_budget_low", "i1", INFO_CTX)
    runtime = dispatcher(app, Senders(bot.sender))
    await runtime.drain_all()
    assert oa.to(CHAIR) == [] and await statuses(app) == {"d1": "pending", "i1": "pending"}
    bot.channel.on_released = runtime.wake
    await oa.post_event(hook(bot), oa.text_event(CHAIR, "/help"))
    answer = await oa.next_sent(CHAIR)
    assert "/nhiemvu" in answer.text
    await bot.channel.wait_background()
    await runtime.drain_all()
    merged = [s.text for s in oa.to(CHAIR)[1:]]
    assert len(merged) == 1 and "Nhiệm vụ số 5" in merged[0] and "Zalo" in merged[0]  # both, in one message
    assert await statuses(app) == {"d1": "sent", "i1": "sent"}
    await runtime.drain_all()
    assert len(oa.to(CHAIR)) == 2 and oa.zns == []


async def test_a_closed_window_refused_by_zalo_reroutes_the_push(app: App, bot: OaRunning, oa: FakeOa) -> None:
    official = await chair(app)
    oa.follow(CHAIR)
    oa.close_window(CHAIR)  # the bot thinks the window is open; Zalo says -230
    await window(app, open_=True)
    await push(app, official, "deadline", "d1", DEADLINE_CTX)
    await drain(app, bot)
    assert oa.refusals[-230] == 1 and oa.to(CHAIR) == []
    assert await statuses(app) == {"d1": "pending"}  # waits for the official: not lost, not dead


async def test_the_zns_cap_stops_zns_and_warns_the_admins_once(app: App, bot: OaRunning, oa: FakeOa) -> None:
    official = await chair(app)
    async with app.sessions() as session, session.begin():
        await session.execute(update(Official).where(Official.id == official).values(phone="0912 345 678"))
        await session.execute(update(Official).where(Official.id == official).values(phone="84912345678"))
        session.add(ZnsSpend(month="2026-12", messages=8, vnd=2400, warned=False))
    await window(app, open_=False)
    for n in range(4):
        await push(app, official, "deadline", f"d{n}", {**DEADLINE_CTX, "days_left": n + 1})
    await drain(app, bot)
    assert len(oa.zns) == 2  # 3,000 VND a month at 300 each: two more fit
    async with app.sessions() as session:
        spend = (await session.scalars(select(ZnsSpend))).one()
        warnings = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "zns_spend_low"))).all()
    assert (spend.messages, spend.vnd, spend.warned) == (10, 3000, True)
    assert len(warnings) >= 1 and len({w.official_id for w in warnings}) == len(warnings)
    pending = [k for k, s in (await statuses(app)).items() if k.startswith("d") and s == "pending"]
    assert len(pending) == 2
    oa.follow(ADMIN)  # the admin writes to the OA: the warning, waiting for them, comes with the answer
    async with app.sessions() as session, session.begin():
        await interacted(session, ADMIN, app.clock.now())
        assert await release_waiting(session, ADMIN, app.clock.now()) >= 1
    await drain(app, bot)
    assert any("ZNS" in s.text and "3.000" in s.text for s in oa.to(ADMIN))


async def test_a_refused_token_is_renewed_and_the_push_sent_after(app: App, bot: OaRunning, oa: FakeOa) -> None:
    oa.follow(CHAIR)
    await window(app, open_=True)
    await push(app, await chair(app), "deadline", "d1", DEADLINE_CTX)
    await bot.tokens.access()
    oa.expire_tokens()  # Zalo refuses the stored token: renewed, the push sent on the next drain
    await drain(app, bot)
    assert await statuses(app) == {"d1": "pending"}  # refused, the token renewed, the push tried again shortly
    app.clock.advance(timedelta(seconds=31))  # type: ignore[attr-defined]
    await drain(app, bot)
    assert oa.renewals == 2 and await statuses(app) == {"d1": "sent"}


async def test_outside_zns_hours_an_urgent_push_waits_for_them_not_longer(app: App, bot: OaRunning, oa: FakeOa) -> None:
    official = await chair(app)
    async with app.sessions() as session, session.begin():
        await session.execute(update(Official).where(Official.id == official).values(phone="84912345678"))
    app.clock.advance(timedelta(hours=13))  # type: ignore[attr-defined]  # 23:00: no ZNS at night
    await window(app, open_=False)
    await push(app, official, "deadline", "d1", DEADLINE_CTX)
    await drain(app, bot)
    assert oa.zns == [] and await statuses(app) == {"d1": "pending"}
    async with app.sessions() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert row.not_before <= NOW + timedelta(hours=20)  # looked at again by 06:00, when ZNS opens
    app.clock.advance(timedelta(hours=7))  # type: ignore[attr-defined]  # 06:00 the next morning
    await drain(app, bot)
    assert len(oa.zns) == 1 and await statuses(app) == {"d1": "sent"}
