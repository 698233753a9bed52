"""Start-up details: where files are downloaded from, the public webhook URL, pacing arithmetic."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from telegram import Chat, Message, Update
from telegram.error import RetryAfter

from bot.config import TelegramConfig
from bot.inbox import Chats
from bot.telegram.limits import Limits, PacingLimiter, background
from bot.telegram.runner import ChatOrderedProcessor, file_url, telegram_limits, webhook_url
from jobs.pacing import Bucket


def recording(sent: list[tuple[str, float]], refuse: tuple[str, ...] = ()) -> Callable[[str], Awaitable[bool]]:
    """A Bot API call that records what it sent and when (seconds from now); it answers 429 (retry after
    0.6 s) once for each chat in ``refuse``."""
    started, refused = time.monotonic(), set(refuse)

    async def call(name: str) -> bool:
        if name in refused:
            refused.discard(name)
            raise RetryAfter(timedelta(seconds=0.6))
        sent.append((name, time.monotonic() - started))
        return True

    return call


@pytest.mark.parametrize(
    ("base", "files"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot/", "http://127.0.0.1:8081/file/bot"),
        ("http://botapi.internal/custom", "http://botapi.internal/custom"),
    ],
)
def test_file_url_follows_the_bot_api_server(base: str, files: str) -> None:
    assert file_url(base) == files


def test_webhook_url_adds_the_path_once() -> None:
    config = TelegramConfig(webhook_public_url="https://bot.langson.gov.vn/", webhook_path="telegram")
    assert webhook_url(config) == "https://bot.langson.gov.vn/telegram"
    config = TelegramConfig(webhook_public_url="https://bot.langson.gov.vn/telegram", webhook_path="/telegram")
    assert webhook_url(config) == "https://bot.langson.gov.vn/telegram"


def test_bucket_allows_a_burst_then_paces() -> None:
    bucket = Bucket(rate=1, burst=3, now=100.0)
    assert [bucket.take(100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(100.0) == pytest.approx(1.0)
    assert bucket.take(100.0) == pytest.approx(2.0)


async def test_one_chat_waits_while_others_go_on() -> None:
    limiter = PacingLimiter(Limits(chat_per_second=10, chat_burst=1, margin_seconds=0))
    sent: list[tuple[str, float]] = []
    call = recording(sent)

    await asyncio.gather(
        *(limiter.process_request(call, (c,), {}, "sendMessage", {"chat_id": c}, None) for c in ("1", "1", "2"))
    )
    times = dict(sent[::-1])  # the first send of each chat
    assert times["2"] < 0.05
    assert max(t for c, t in sent if c == "1") == pytest.approx(0.1, abs=0.05)


async def test_a_reply_goes_before_a_push_that_waited_longer_for_the_bot_s_quota() -> None:
    """Issue 20: at the 8 o'clock peak the broadcast must not hold the officials' answers back. The quota is
    one message at a time here; a push asks for it first, a reply second: the reply goes first."""
    limiter = PacingLimiter(Limits(overall_per_second=4, overall_burst=1, chat_per_second=100, margin_seconds=0))
    order: list[str] = []

    async def call(name: str) -> bool:
        order.append(name)
        return True

    async def send(name: str, chat: str, *, push: bool = False) -> None:
        if push:
            with background():
                await limiter.process_request(call, (name,), {}, "sendMessage", {"chat_id": chat}, None)
        else:
            await limiter.process_request(call, (name,), {}, "sendMessage", {"chat_id": chat}, None)

    await send("first reply", "1")  # the quota is spent
    push = asyncio.create_task(send("push", "2", push=True))
    await asyncio.sleep(0)  # the push is waiting before the reply asks
    await send("reply", "3")
    await push
    assert order == ["first reply", "reply", "push"]


async def test_a_push_goes_at_once_when_nothing_else_uses_the_quota() -> None:
    limiter = PacingLimiter(Limits(overall_per_second=20, overall_burst=5, margin_seconds=0))
    sent: list[str] = []

    async def call(chat: str) -> bool:
        sent.append(chat)
        return True

    with background():
        for chat in ("1", "2", "3"):
            await limiter.process_request(call, (chat,), {}, "sendMessage", {"chat_id": chat}, None)
    assert sent == ["1", "2", "3"] and limiter.waited == 0


async def test_a_broadcast_leaves_the_replies_tokens_so_an_answer_goes_at_once() -> None:
    """Issue 20: pushes take only the tokens beyond ``reply_reserve``, so an official's answer in the middle
    of a broadcast goes at once instead of after the next token (plus a margin): at the peak that was the
    difference between a reply p50 of 22 ms and 270 ms (bench/README.md)."""
    limiter = PacingLimiter(Limits(overall_per_second=2, overall_burst=5, reply_reserve=2, chat_per_second=100))
    sent: list[tuple[str, float]] = []
    call = recording(sent)

    async def push(name: str) -> None:
        with background():
            await limiter.process_request(call, (name,), {}, "sendMessage", {"chat_id": name}, None)

    for name in ("p1", "p2", "p3"):
        await push(name)
    waiting = asyncio.create_task(push("p4"))  # only the replies' two tokens are left: it waits
    await asyncio.sleep(0.05)
    for name in ("r1", "r2"):
        await limiter.process_request(call, (name,), {}, "sendMessage", {"chat_id": name}, None)
    assert [name for name, _ in sent] == ["p1", "p2", "p3", "r1", "r2"]
    assert max(t for _, t in sent) < 0.2  # every one at once: the replies did not wait for a token
    waiting.cancel()


async def test_an_answer_goes_before_the_rest_of_a_push_in_the_same_chat() -> None:
    """Issue 20: the administrator's morning push of 38 escalations goes as 4 messages; they answered it
    after the first and waited 2.2 s, behind the other three parts at Telegram's 1 a second per chat. A
    push's parts leave the chat one message of its burst, so the answer goes at once; the push waits."""
    limiter = PacingLimiter(Limits(chat_per_second=2, chat_burst=3, margin_seconds=0))
    sent: list[tuple[str, float]] = []
    call = recording(sent)

    async def push() -> None:
        with background():
            for part in ("part 1", "part 2", "part 3", "part 4"):
                await limiter.process_request(call, (part,), {}, "sendMessage", {"chat_id": "7"}, None)

    parts = asyncio.create_task(push())
    await asyncio.sleep(0.05)  # the official read part 1 and answers
    await limiter.process_request(call, ("answer",), {}, "sendMessage", {"chat_id": "7"}, None)
    await parts
    times = dict(sent)
    assert times["answer"] < 0.1
    assert [name for name, _ in sent] == ["part 1", "part 2", "answer", "part 3", "part 4"]
    assert times["part 4"] - times["part 3"] >= 0.45  # still within the chat's 2 a second


@pytest.mark.parametrize(("per_second", "burst"), [(30, 5), (60, 10), (15, 5), (8, 5), (7, 5), (3, 3), (1, 1)])
def test_each_process_keeps_a_burst_of_answers(per_second: int, burst: int) -> None:
    """Issue 20: webhook workers share one bot token's 30 a second (``per_second`` 30 ÷ N each). A share's
    sixth of a second was 1–2 messages, so every third official writing at once waited for the next token:
    4 workers at 20 updates/s answered in p50 122 ms before a single push went (1 worker: 17 ms)."""
    assert telegram_limits(TelegramConfig(per_second=per_second)).overall_burst == burst


async def test_a_worker_with_a_share_of_the_limit_answers_five_officials_at_once() -> None:
    limiter = PacingLimiter(telegram_limits(TelegramConfig(per_second=8)))
    sent: list[tuple[str, float]] = []
    call = recording(sent)
    chats = ("1", "2", "3", "4", "5")
    await asyncio.gather(*(limiter.process_request(call, (c,), {}, "sendMessage", {"chat_id": c}, None) for c in chats))
    assert max(t for _, t in sent) < 0.05 and limiter.waited == 0


async def test_a_429_for_one_chat_holds_that_chat_only() -> None:
    """Issue 20: with several webhook workers, a push's parts from one process and the chat's answer from
    another meet Telegram's 1 a second per chat: a 429 for that chat. It paused every send of the process
    for a second, so everyone's answer waited: 4 workers at 25 updates/s, p99 2.4 s (bench/README.md)."""
    limiter = PacingLimiter(Limits(margin_seconds=0))
    sent: list[tuple[str, float]] = []
    call = recording(sent, refuse=("1",))

    async def send(chat: str) -> None:
        await limiter.process_request(call, (chat,), {}, "sendMessage", {"chat_id": chat}, None)

    refused = asyncio.create_task(send("1"))
    await asyncio.sleep(0.05)  # chat 1 has been refused and waits
    await asyncio.gather(send("2"), send("3"))
    await refused
    times = dict(sent)
    assert times["2"] < 0.2 and times["3"] < 0.2  # the other officials' answers went at once
    assert times["1"] >= 0.6  # the refused chat waited the advertised pause
    assert limiter.retried == 1


async def test_a_second_chat_refused_within_the_pause_holds_every_send() -> None:
    """Two chats refused at once is the bot's overall limit, not a chat's: everyone waits the pause."""
    limiter = PacingLimiter(Limits(margin_seconds=0))
    sent: list[tuple[str, float]] = []
    call = recording(sent, refuse=("1", "2"))

    async def send(chat: str) -> None:
        await limiter.process_request(call, (chat,), {}, "sendMessage", {"chat_id": chat}, None)

    first = asyncio.create_task(send("1"))
    second = asyncio.create_task(send("2"))
    await asyncio.sleep(0.05)
    await send("3")
    await asyncio.gather(first, second)
    assert dict(sent)["3"] >= 0.55  # held by the pause
    assert limiter.retried == 2


async def test_updates_of_one_chat_run_in_order() -> None:
    processor = ChatOrderedProcessor(Chats(8))
    order: list[int] = []

    async def work(number: int, pause: float) -> None:
        await asyncio.sleep(pause)
        order.append(number)

    chat = Chat(7, "private")
    updates = [Update(n, message=Message(n, None, chat)) for n in range(3)]  # type: ignore[arg-type]
    await asyncio.gather(*(processor.process_update(u, work(n, 0.03 - n * 0.01)) for n, u in enumerate(updates)))
    assert order == [0, 1, 2]
