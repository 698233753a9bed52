"""The officials' side of ``python -m bench.peak``: the fake Bot API server spreading webhook updates over
several workers, and the stream of updates (commands, and answers to the reminders as they arrive).

``Spread`` is ``tests.fakes.FakeTelegram`` with one delivery loop per worker: a chat's updates always go to
the same worker (chat id modulo the workers, as a balancer hashing on the chat would), one POST at a time
per worker, in order, as Telegram posts them. Each official has at most one update waiting for its answer,
and writes again at the earliest ``THINK`` seconds after it came: that is how a reply is matched to its
update (the first message or edit in the chat after it, other than a push).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from random import Random
from typing import Any

import httpx

from tests.fakes.telegram_server import FakeTelegram

BASE_ID = 6_000_000  # Telegram ids of the officials: BASE_ID + official id
THINK = 2.0  # seconds between an answer and the same official's next update
VISIBLE = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument"})
COMMANDS = [
    (25, "/nhiemvu"), (15, "/diem"), (10, "/help"), (10, "nhiem vu qua han"), (10, "/nhiemvu {n}"),
    (10, "/thidua"), (5, "/thidua bxh"), (5, "/chitieu"), (5, "/nhiemvu quahan"), (5, "/diem cchc"),
]  # fmt: skip
LEADER_COMMANDS = [(30, "/tomtat"), (30, "/diem"), (20, "/nhiemvu tatca"), (20, "/thidua")]


class Spread(FakeTelegram):
    """The fake Bot API with one webhook per worker (``hooks``: URL and secret)."""

    def __init__(self, hooks: list[tuple[str, str]]) -> None:
        super().__init__()
        self.hooks = hooks
        self._queues: list[asyncio.Queue[dict[str, Any]]] = [asyncio.Queue() for _ in hooks]
        self.on_update = self._route

    def _route(self, update: dict[str, Any]) -> None:
        message = update.get("message") or update["callback_query"]["message"]
        self._queues[message["chat"]["id"] % len(self.hooks)].put_nowait(update)

    async def _deliver(self) -> None:
        await asyncio.gather(*(self._post(i) for i in range(len(self.hooks))))

    async def _post(self, index: int) -> None:
        url, secret = self.hooks[index]
        async with httpx.AsyncClient(timeout=30) as client:
            while True:
                update = await self._queues[index].get()
                for _attempt in range(5):
                    try:
                        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
                        status = (await client.post(url, json=update, headers=headers)).status_code
                    except httpx.HTTPError:
                        status = 0
                    self.deliveries.append((update["update_id"], status))
                    if status == 200:
                        break
                    await asyncio.sleep(0.2)


@dataclass
class Sent:
    """One update of the stream: who, what, when it was queued and when its answer came."""

    user: int
    text: str
    kind: str  # "command" | "answer" (to a reminder: a button pressed, or /capnhat typed)
    queued: float
    answered: float | None = None


@dataclass
class Stream:
    """The updates of the run and what the fake server saw, read incrementally as the run goes."""

    fake: Spread
    commanders: list[tuple[int, str]]  # (Telegram id, role) of the officials who send commands
    rng: Random
    updates: list[Sent] = field(default_factory=list)
    waiting: dict[int, Sent] = field(default_factory=dict)  # user -> their unanswered update
    free_at: dict[int, float] = field(default_factory=dict)  # user -> earliest next update
    reminded: list[int] = field(default_factory=list)  # users who got a push and have not answered it yet
    buttons: dict[int, tuple[int, list[str]]] = field(default_factory=dict)  # user -> (message id, data)
    pushes: list[tuple[float, int, int]] = field(default_factory=list)  # (time, chat, status) of push sends
    replies: list[tuple[float, int]] = field(default_factory=list)  # (time, chat) of reply sends (200)
    refused_replies: int = 0
    _calls: int = 0
    _sent: int = 0

    def read(self) -> None:
        """Take in the fake's new calls: pushes, replies (each answering its chat's waiting update)."""
        calls = self.fake.calls
        for call in calls[self._calls :]:
            chat = call.params.get("chat_id")
            if call.method not in VISIBLE or not isinstance(chat, int):
                continue
            if call.params.get("peak_push"):
                self.pushes.append((call.at, chat, call.status))
                if call.status == 200 and chat not in self.buttons:
                    self.reminded.append(chat)
                continue
            if call.status != 200:
                self.refused_replies += 1
                continue
            self.replies.append((call.at, chat))
            sent = self.waiting.pop(chat, None)
            if sent is not None and call.at >= sent.queued:
                sent.answered = call.at
                self.free_at[chat] = call.at + THINK
        self._calls = len(calls)
        for item in self.fake.sent[self._sent :]:
            data = item.button_data()
            if any(d.startswith("/nhaclai ") for d in data):  # a reminder's buttons: only pushes have them
                self.buttons[item.chat_id] = (item.message_id, data)
        self._sent = len(self.fake.sent)

    def free(self, user: int, now: float) -> bool:
        return user not in self.waiting and self.free_at.get(user, 0.0) <= now

    async def one(self, now: float) -> None:
        """Queue the next update: half answer a reminder (while someone has one to answer), half commands."""
        while self.reminded and self.rng.random() < 0.5:
            user = self.reminded.pop(self.rng.randrange(len(self.reminded)))
            if self.free(user, now):
                await self._answer(user, now)
                return
        for _try in range(50):
            user, role = self.commanders[self.rng.randrange(len(self.commanders))]
            if self.free(user, now):
                mix = LEADER_COMMANDS if role == "leader" else COMMANDS
                text = self.rng.choices([t for _, t in mix], weights=[w for w, _ in mix])[0]
                await self._queue(user, text.format(n=self.rng.randint(1, 120)), "command", now)
                return

    async def _answer(self, user: int, now: float) -> None:
        held = self.buttons.get(user)
        if held is None:  # a push without buttons (a digest, an escalation): the official looks at the tasks
            await self._queue(user, "/nhiemvu", "answer", now)
            return
        message_id, data = held
        snooze = next(d for d in data if d.startswith("/nhaclai "))
        report = next((d for d in data if d.startswith("/capnhat ")), "/capnhat")
        pick = self.rng.random()
        if pick < 0.35:
            await self._queue(user, snooze, "answer", now, press=message_id)
        elif pick < 0.6:
            await self._queue(user, report, "answer", now, press=message_id)
        elif pick < 0.85:
            await self._queue(user, f"{report} {self.rng.choice((30, 60, 90))} đang triển khai", "answer", now)
        else:
            await self._queue(user, "/nhiemvu " + report.split()[-1], "answer", now)

    async def _queue(self, user: int, text: str, kind: str, now: float, press: int | None = None) -> None:
        sent = Sent(user, text, kind, time.monotonic())
        self.waiting[user] = sent
        self.updates.append(sent)
        if press is not None:
            await self.fake.press(user, press, text)
        else:
            await self.fake.send_text(user, text)
