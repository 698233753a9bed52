"""The dispatcher's flood limits, one ``Pace`` per channel: an overall token bucket and one per chat
(private chats and groups have different rates), and a pause for the whole channel when it answers 429.

The buckets run at the channel's full rate but keep their burst a tenth below the channel's (``HEADROOM``):
after a burst the server's bucket stays a few tokens ahead of ours, so network jitter (two sends reaching
the server closer together than they left) never costs a 429, and the long-run rate is still the limit.

On Telegram the bot's own limiter (``bot/telegram/limits.py``) paces every Bot API call, interactive
replies included, at the same rates with the full burst. A push paced here therefore reaches that
limiter with a token waiting: the two never wait twice, and the limiter only slows pushes down when
replies to users are using the bot's quota at the same moment.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from models.settings import Rates

__all__ = ["HEADROOM", "Bucket", "Pace", "Rates", "is_group"]
HEADROOM = 0.1  # the part of the channel's burst left unused, for jitter


class Bucket:
    """``burst`` tokens at once, then ``rate`` a second."""

    __slots__ = ("burst", "last", "rate", "tokens")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate, self.burst = rate, max(1, burst)
        self.tokens, self.last = float(self.burst), now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now

    def wait(self, now: float, keep: int = 0) -> float:
        """Seconds until a token is free with ``keep`` more left over, without taking it."""
        self._refill(now)
        wanted = 1 + min(keep, self.burst - 1)
        return 0.0 if self.tokens >= wanted else (wanted - self.tokens) / self.rate

    def take(self, now: float) -> float:
        """Take a token (the balance may go negative); seconds until the caller's slot."""
        self._refill(now)
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.last) * self.rate >= self.burst


def is_group(chat_id: str) -> bool:
    """Telegram's group and channel ids are negative."""
    return chat_id.startswith("-")


class Pace:
    MAX_CHATS = 4096

    def __init__(self, rates: Rates, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rates, self.monotonic = rates, monotonic
        burst = rates.burst or int(rates.per_second * (1 - HEADROOM))
        self._overall = Bucket(rates.per_second, burst, monotonic())
        self._chats: dict[str, Bucket] = {}
        self._paused_until: dict[str, float] = {}  # by bot (``Outgoing.via``): each has its own quota

    def _chat(self, chat_id: str) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            now = self.monotonic()
            if len(self._chats) >= self.MAX_CHATS:  # forget chats whose bucket is full again
                self._chats = {key: b for key, b in self._chats.items() if not b.full(now)}
            per_minute = self.rates.group_per_minute if is_group(chat_id) else self.rates.chat_per_minute
            bucket = self._chats[chat_id] = Bucket(per_minute / 60, self.rates.chat_burst, now)
        return bucket

    def chat_wait(self, chat_id: str) -> float:
        """Seconds before ``chat_id`` may get another message (the dispatcher defers it meanwhile)."""
        return self._chat(chat_id).wait(self.monotonic())

    def reserve(self, chat_id: str) -> float:
        """Take the chat's and the channel's slots; seconds to wait before sending (0: now)."""
        now = self.monotonic()
        self._chat(chat_id).take(now)
        return max(0.0, self._overall.take(now))

    def paused_for(self, via: str = "") -> float:
        """Seconds left of the pause after a 429 for the bot ``via`` ("": the channel's only or first bot)."""
        return max(0.0, self._paused_until.get(via, 0.0) - self.monotonic())

    def pause(self, seconds: float, via: str = "") -> None:
        """The bot ``via`` of the channel said 429: nothing goes out through it for ``seconds``. Zalo
        counts each bot's messages apart, so one bot's refusal holds only that bot's chats."""
        self._paused_until[via] = max(self._paused_until.get(via, 0.0), self.monotonic() + seconds)
