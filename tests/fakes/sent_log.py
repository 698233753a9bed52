"""What a bot did in the chats of a fake API server (Telegram's or Zalo's), and how tests wait for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar


@dataclass
class Call:
    """One request the bot made to a fake API server, with the HTTP status it got."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


class Item(Protocol):
    chat_id: Any
    kind: str  # "action" for a chat action; anything else is something the user sees
    text: str


ChatId = TypeVar("ChatId", bound=Hashable)
S = TypeVar("S", bound=Item)


class SentLog(Generic[ChatId, S]):
    """Mixed into a fake server's world, which sets ``sent``, ``changed`` and ``_cursors`` up."""

    sent: list[S]
    changed: asyncio.Condition
    _cursors: dict[ChatId, int]

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(predicate), timeout)

    async def next_sent(self, chat_id: ChatId, timeout: float = 5.0, *, actions: bool = False) -> S:
        """The next thing the bot sent to ``chat_id`` that a user sees (chat actions too when asked)."""
        found: list[S] = []

        def ready() -> bool:
            for index in range(self._cursors.get(chat_id, 0), len(self.sent)):
                item = self.sent[index]
                if item.chat_id == chat_id and (actions or item.kind != "action"):
                    self._cursors[chat_id] = index + 1
                    found.append(item)
                    return True
            return False

        try:
            await self.wait_for(ready, timeout)
        except TimeoutError:
            raise AssertionError(f"the bot sent nothing more to chat {chat_id} within {timeout} s") from None
        return found[0]

    async def no_more(self, chat_id: ChatId, wait: float = 0.3) -> None:
        await asyncio.sleep(wait)
        rest = [s for s in self.sent[self._cursors.get(chat_id, 0) :] if s.chat_id == chat_id and s.kind != "action"]
        assert not rest, f"unexpected extra replies: {[s.text[:80] for s in rest]}"
