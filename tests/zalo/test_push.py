"""Pushes on Zalo: the dispatcher's sender (429 → retry later, 401 → fatal, others → failed), the
monthly message budget (kept across restarts, admins warned once a month, pushes held to be merged while
it is low, none sent once it is spent), and a push delivered end to end through the dispatcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from bot.zalo.channel import ZaloChannel
from bot.zalo.client import ZaloClient
from bot.zalo.push_sender import HOLD_WHEN_LOW, Budget, BudgetState, ZaloPushSender, budget_warning
from handlers.base import Reply
from jobs.sender import Item, Outgoing, Result
from models import Clock, OutboxMessage
from tests.fakes.zalo_server import TOKEN, FakeZalo
from tests.zalo.support import OFFICER, say

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class FixedClock(Clock):
    def __init__(self, now: datetime) -> None:
        super().__init__(TZ)
        self.at = now

    def now(self) -> datetime:
        return self.at


def out(*templates: str, chat: str = OFFICER) -> Outgoing:
    items = tuple(Item(t, {"count": 2}) for t in templates)
    return Outgoing("zalo", chat, None, "vi", items)


@pytest.fixture
async def client(zalo: FakeZalo) -> AsyncIterator[ZaloClient]:
    made = ZaloClient(TOKEN, zalo.base_url, retries=1, backoff=0.01)
    yield made
    await made.aclose()


def budget(clock: Clock, path: Path | None = None, size: int = 10) -> Budget:
    return Budget(size, 80, clock, path)


async def test_outcomes_of_zalo_answers(zalo: FakeZalo, client: ZaloClient, app: App) -> None:
    sender = ZaloPushSender(client, app.renderer, budget(app.clock))
    assert (await sender.send(out("push/batch"))).result is Result.SENT
    assert zalo.called("sendMessage")[-1].params["chat_id"] == OFFICER
    zalo.faults.add("sendMessage", 429)
    assert (await sender.send(out("push/batch"))).result is Result.RETRY
    zalo.faults.add("sendMessage", 401)
    assert (await sender.send(out("push/batch"))).result is Result.FATAL
    zalo.faults.add("sendMessage", 500)  # Zalo may have delivered it: the dispatcher tries once more at most
    assert (await sender.send(out("push/batch"))).result is Result.UNCERTAIN
    zalo.faults.add("sendMessage", 400)
    assert (await sender.send(out("push/batch"))).result is Result.FAILED
    assert (await sender.send(Outgoing("telegram", "1", None, "vi", ()))).result is Result.FATAL
    assert sender.channels == frozenset({"zalo"})


async def test_budget_counts_across_restarts_and_months(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 30, 23, 0, tzinfo=TZ))
    path = tmp_path / "budget.json"
    first = budget(clock, path)
    await first.spend(3)
    assert budget(clock, path).state().used == 3  # a restart remembers
    clock.at = datetime(2026, 12, 1, 0, 5, tzinfo=TZ)
    assert budget(clock, path).state().used == 0  # a new month starts from zero
    clock.at = datetime(2026, 12, 31, 23, 0, tzinfo=TZ)
    assert budget(clock, path).seconds_to_next_month() == 3600


async def test_low_budget_warns_once_holds_pushes_and_a_spent_budget_waits(
    zalo: FakeZalo, client: ZaloClient, app: App
) -> None:
    warned: list[BudgetState] = []

    async def warn(state: BudgetState) -> None:
        warned.append(state)

    counted = budget(app.clock, size=10)
    counted.on_low = warn
    client.on_sent = counted.spend
    sender = ZaloPushSender(client, app.renderer, counted)
    for _ in range(8):
        assert (await sender.send(out("push/batch"))).result is Result.SENT
    assert [s.used for s in warned] == [8]  # 80 %: told once
    assert 0 < sender.hold_seconds(out("push/batch")) <= HOLD_WHEN_LOW  # merge harder
    assert sender.hold_seconds(out("push/dead_letter")) == 0  # urgent pushes are not held
    await sender.send(out("push/batch"))
    await sender.send(out("push/batch"))
    assert len(warned) == 1
    spent = await sender.send(out("push/batch"))
    assert spent.result is Result.RETRY and "spent" in spent.reason
    assert len(zalo.called("sendMessage")) == 10


async def test_budget_warning_is_a_push_to_every_admin_once_a_month(app: App) -> None:
    warn = budget_warning(app.sessions, app.clock)
    state = BudgetState("2026-11", 2400, 3000, 80)
    await warn(state)
    await warn(state)
    async with app.sessions() as session:
        rows = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "zalo_budget_low"))).scalars()
        rows = list(rows)
    assert rows and len({row.official_id for row in rows}) == len(rows)
    assert all(row.template == "push/zalo_budget_low" and row.urgent for row in rows)
    text = app.renderer.render("vi", Reply(rows[0].template, rows[0].context))
    assert "2.400/3.000" in text and "11/2026" in text


async def test_a_push_is_delivered_through_the_dispatcher(zalo: FakeZalo, bot: ZaloChannel, app: App) -> None:
    from bot.push_path import dispatcher
    from bot.zalo.push_sender import budget_for
    from jobs.outbox import Push, enqueue
    from models import ChatAccount

    async with app.sessions() as session:
        official = (
            await session.execute(
                select(ChatAccount.official_id).where(ChatAccount.channel == "zalo", ChatAccount.external_id == OFFICER)
            )
        ).scalar_one()
        push = Push("dead_letter", "test:zalo push", official, {"outbox_id": 1, "kind": "deadline", "official": "",
                    "attempts": 8, "error": "x"}, app.clock.now(), urgent=True)  # fmt: skip
        await enqueue(session, [push])
        await session.commit()
    sender = ZaloPushSender(bot.client, app.renderer, budget_for(app.config.zalo, app.sessions, app.clock))
    drained = await dispatcher(app, sender).drain_all()  # type: ignore[arg-type]
    assert drained.sent == 1
    assert "8" in (await zalo.next_sent(OFFICER)).text


async def test_senders_route_each_message_to_its_channel(zalo: FakeZalo, client: ZaloClient, app: App) -> None:
    import io

    from bot.push_path import PushSender
    from bot.zalo.push_sender import Senders

    console = io.StringIO()
    both = Senders(PushSender(app.renderer, console=console), ZaloPushSender(client, app.renderer, budget(app.clock)))
    assert both.channels == frozenset({"console", "zalo"})
    assert (await both.send(out("push/batch"))).result is Result.SENT
    assert (await both.send(Outgoing("console", "chair", None, "vi", (Item("push/batch", {"count": 2}),)))).result
    assert "2" in console.getvalue() and len(zalo.called("sendMessage")) == 1
    assert (await both.send(Outgoing("telegram", "1", None, "vi", ()))).result is Result.FATAL
    assert both.hold_seconds(out("push/batch")) == 0


async def test_a_bot_has_one_name_whatever_its_chats_were_bound_with(app: App) -> None:
    """Chats bound with "" or "default" go through the first bot, which may have a name of its own: the
    dispatcher pauses a refused bot under that one name, so a 429 holds its chats whichever way they
    were bound (and no other bot's)."""
    from bot.zalo.push_sender import BotRoute, Senders

    first, other = object(), object()
    routes = {"tinh": BotRoute(first, budget(app.clock)), "huyen-b": BotRoute(other, budget(app.clock))}  # type: ignore[arg-type]
    sender = ZaloPushSender(first, app.renderer, budget(app.clock), routes)  # type: ignore[arg-type]
    spellings = ("", "default", "tinh", "huyen-b")
    bound = {via: sender.bot_of(Outgoing("zalo", "1", None, "vi", (), via)) for via in spellings}
    assert bound == {"": "tinh", "default": "tinh", "tinh": "tinh", "huyen-b": "huyen-b"}
    assert Senders(sender).bot_of(Outgoing("zalo", "1", None, "vi", (), "")) == "tinh"


async def test_replying_with_a_pushed_reminders_number_presses_its_button(
    zalo: FakeZalo, bot: ZaloChannel, app: App
) -> None:
    """A reminder on Zalo lists its buttons as numbered lines; "1" in the next message snoozes it a day,
    as a tap on Telegram would."""
    from bot.push_path import dispatcher
    from bot.zalo.push_sender import budget_for
    from jobs.outbox import Push, enqueue
    from models import ChatAccount

    today = app.clock.now().date()
    due = (today + timedelta(days=30)).isoformat()
    task = {"id": 1, "number": 12, "content": "Rà soát thủ tục hành chính", "due": due}
    context = {"task": task, "role": "lead", "progress": 30, "offset": 30, "days_left": 30, "working": False,
               "last_day": None}  # fmt: skip
    async with app.sessions() as session:
        official = (
            await session.execute(
                select(ChatAccount.official_id).where(ChatAccount.channel == "zalo", ChatAccount.external_id == OFFICER)
            )
        ).scalar_one()
        push = Push("deadline", f"deadline:task 1:unit 1:T-30:{due}:official {official}", official, context,
                    app.clock.now(), urgent=True)  # fmt: skip
        await enqueue(session, [push])
        await session.commit()
    sender = ZaloPushSender(bot.client, app.renderer, budget_for(app.config.zalo, app.sessions, app.clock))
    assert (await dispatcher(app, sender).drain_all()).sent == 1  # type: ignore[arg-type]
    pushed = (await zalo.next_sent(OFFICER)).text
    assert "1. Nhắc lại sau 1 ngày: /nhaclai" in pushed

    answer = await say(zalo, OFFICER, "1")
    assert "/nhaclai" not in answer and "không hiểu" not in answer.lower()
    async with app.sessions() as session:
        rows = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "deadline"))).scalars().all()
    assert [row.context.get("snoozed", {}).get("task") for row in rows if row.status == "pending"] == [1]
