"""The channel-neutral inbox every channel (Telegram, Zalo, the console) puts its messages into.

A channel converts what it receives into an ``Incoming`` and sends the replies out; what lies between
is the same everywhere and lives here once:

- duplicates: an update delivered again (a webhook retried, a poll replayed) is dropped (``Seen``);
- order: one chat's messages are handled one after another (a guided form reads its answers in the
  order they were typed), different chats at the same time, at most ``at_once`` of them working; a
  message waiting for its chat's turn holds no slot, so one busy chat cannot stall the others;
- background work (alerts, menus, the handling of a webhook's update after its 200) is kept until it
  ends and awaited at shutdown (``drain``);
- the router, asked once per message: whether a group message is for the bot and may be answered there
  (``Router.group_verdict``, whose reading of the command line goes on to ``Router.answer``), then the
  answer; the sender's language for the channel's own messages is one ``Router.language`` call.

Replies go back through the channel's own sender: how a reply looks (HTML and inline keyboards,
numbered options, a terminal) is the channel's business, so the inbox returns the router's ``Answer``
rather than taking a sink it would have to describe for every channel.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Coroutine, Hashable
from typing import Any, TypeVar

from handlers.base import Incoming
from handlers.router import Answer, InGroup, Router

MAX_CONCURRENT_UPDATES = 32  # more only adds task switching: the work is CPU and SQLite, not waiting
T = TypeVar("T")


class Seen:
    """The keys of the updates seen lately: the last ``size`` of them, each for ``ttl`` seconds (None:
    until ``size`` newer ones push it out)."""

    def __init__(self, ttl: float | None = 600.0, size: int = 20_000) -> None:
        self.ttl, self.size = ttl, size
        self._keys: OrderedDict[Hashable, float] = OrderedDict()

    def first_time(self, key: Hashable | None) -> bool:
        """True the first time ``key`` is seen within the window (and remember it); a None key is new."""
        if key is None:
            return True
        now = time.monotonic()
        while self._keys and (len(self._keys) >= self.size or next(iter(self._keys.values())) <= now):
            self._keys.popitem(last=False)
        if key in self._keys:
            return False
        self._keys[key] = now + self.ttl if self.ttl is not None else float("inf")
        return True


class Chats:
    """One chat's work in order, chats in parallel (at most ``at_once`` working), and the background
    tasks that run it, kept until they end."""

    def __init__(self, at_once: int = MAX_CONCURRENT_UPDATES) -> None:
        self._slots = asyncio.Semaphore(at_once)
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}  # chat -> (lock, holders and waiters)
        self._background: set[asyncio.Task[Any]] = set()

    async def in_order(self, chat: Hashable, work: Awaitable[T]) -> T:
        """Await ``work`` after the chat's earlier work, in a free slot."""
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock, self._slots:
                return await work
        finally:
            lock, users = self._locks[chat]
            if users == 1:
                del self._locks[chat]  # nobody else holds or awaits it
            else:
                self._locks[chat] = (lock, users - 1)

    def later(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` without waiting for it; keep a reference until it ends."""
        task: asyncio.Task[Any] = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for the background work, including what it started meanwhile."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)


class Inbox:
    def __init__(self, router: Router, *, seen: Seen | None = None, at_once: int = MAX_CONCURRENT_UPDATES) -> None:
        self.router = router
        self.seen = seen or Seen()
        self.chats = Chats(at_once)

    def first_time(self, key: Hashable | None) -> bool:
        """False for an update seen before (dropped by the caller)."""
        return self.seen.first_time(key)

    def post(self, chat: Hashable, work: Coroutine[Any, Any, Any]) -> None:
        """Handle ``work`` in the background, in ``chat``'s order (the receiver never waits)."""
        self.chats.later(self.chats.in_order(chat, work))

    async def in_order(self, chat: Hashable, work: Awaitable[T]) -> T:
        return await self.chats.in_order(chat, work)

    def later(self, work: Coroutine[Any, Any, Any]) -> None:
        self.chats.later(work)

    async def drain(self) -> None:
        await self.chats.drain()

    async def answer(self, incoming: Incoming, *, numbered_buttons: bool = False) -> Answer:
        """The router's answer; in a group, nothing when the message is not for the bot (IGNORE) or may
        not be answered there (REFUSE, in the sender's language, for the channel to say where to ask)."""
        verdict = self.router.group_verdict(incoming)
        if verdict.group is InGroup.IGNORE:
            return Answer(self.router.default_lang, [], group=InGroup.IGNORE)
        if verdict.group is InGroup.REFUSE:
            return Answer(await self.language(incoming), [], group=InGroup.REFUSE)
        return await self.router.answer(incoming, numbered_buttons=numbered_buttons, parsed=verdict.parsed)

    async def language(self, incoming: Incoming) -> str:
        """The sender's language, for a message of the channel itself."""
        return await self.router.language(incoming)

    async def may_download(self, incoming: Incoming) -> int | None:
        """How many bytes of the message's file to fetch before answering it (None: leave it)."""
        return await self.router.may_download(incoming)
