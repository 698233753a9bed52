"""What can go wrong on the fake Bot API: injected faults and Telegram's flood limits.

A ``Fault`` answers the next ``count`` matching calls with an HTTP error (5xx), a 429 with
``retry_after``, a slow answer, or a dropped connection. ``FloodGate`` refuses sends beyond about
30 a second overall, about 1 a second per private chat (with a small burst) and 20 a minute per group,
as Telegram does, answering 429 with the wait in ``retry_after``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

SEND_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup", "copyMessage"}
)


@dataclass
class Fault:
    """``kind``: "error" (HTTP ``status``), "flood" (429 with ``retry_after``), "slow" (wait ``delay``
    seconds, then answer normally) or "drop" (close the connection without an answer)."""

    kind: str
    count: int = 1
    methods: frozenset[str] = SEND_METHODS
    status: int = 500
    retry_after: int = 1
    delay: float = 0.5
    hits: int = 0


@dataclass
class Faults:
    pending: list[Fault] = field(default_factory=list)

    def add(self, kind: str, count: int = 1, methods: Iterable[str] | None = None, **options: float) -> Fault:
        fault = Fault(kind, count, frozenset(methods) if methods is not None else SEND_METHODS)
        for key, value in options.items():
            setattr(fault, key, type(getattr(fault, key))(value))
        self.pending.append(fault)
        return fault

    def take(self, method: str) -> Fault | None:
        for fault in self.pending:
            if method in fault.methods and fault.hits < fault.count:
                fault.hits += 1
                return fault
        return None

    def clear(self) -> None:
        self.pending.clear()


class Bucket:
    """A token bucket that refuses instead of waiting. Deliberately not the bot's own limiter
    (bot/telegram/limits.py): the fake must judge the bot's pacing with an independent implementation."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.last = float(burst), time.monotonic()

    def wait(self) -> float:
        """Seconds until a token is available (0: one is available now)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class FloodGate:
    """Telegram's limits. ``enabled`` is False by default so tests that are not about flooding stay fast."""

    enabled: bool = False
    overall_per_second: float = 30
    overall_burst: int = 30
    chat_per_second: float = 1
    chat_burst: int = 3
    group_per_minute: float = 20
    group_burst: int = 3
    refused: int = 0
    _overall: Bucket | None = None
    _chats: dict[int, Bucket] = field(default_factory=dict)

    def check(self, method: str, chat_id: int | None) -> int:
        """0 when the call may go through, else the ``retry_after`` (whole seconds, at least 1)."""
        if not self.enabled or method not in SEND_METHODS or chat_id is None:
            return 0
        if self._overall is None:
            self._overall = Bucket(self.overall_per_second, self.overall_burst)
        chat = self._chats.get(chat_id)
        if chat is None:
            group = chat_id < 0
            chat = (
                Bucket(self.group_per_minute / 60, self.group_burst)
                if group
                else Bucket(self.chat_per_second, self.chat_burst)
            )
            self._chats[chat_id] = chat
        wait = max(chat.wait(), self._overall.wait())
        if wait:
            self.refused += 1
            return max(1, math.ceil(wait))
        chat.take()
        self._overall.take()
        return 0
