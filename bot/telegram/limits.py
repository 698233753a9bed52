"""Sending within Telegram's flood limits, and retrying what Telegram asks us to retry.

Every Bot API call except getUpdates goes through ``PacingLimiter`` (python-telegram-bot's rate limiter
hook). Calls that carry a ``chat_id`` wait for a token from two buckets: the bot's overall bucket
(about 30 messages a second) and the chat's bucket (about 1 a second in a private chat with a small
burst, about 20 a minute in a group). A 429 answer pauses its chat for the advertised ``retry_after``
(Telegram does not say which limit was hit; a chat's is the likelier one when several processes answer for
one bot), and every call once a second chat is refused within that pause, or a call without a chat; a
network error or a 5xx is retried with a short backoff. The bundled
``AIORateLimiter`` would need the extra ``aiolimiter`` package and does not retry network errors.

A call that sends something (``SENDS``: sendMessage, sendPhoto, …) is retried after a network failure
only when the request never left (no connection, a connect or pool timeout): once it has left (a read or
write timeout, a connection dropped before the answer) Telegram may have delivered it, and a retry would
show the user the message twice. Such a failure is raised at once; ``may_have_arrived`` tells it apart.

Replies come before pushes. Telegram's overall limit is the bot's, replies and pushes together; a send made
inside ``background()`` (the push path, ``bot/push_path.py``) takes an overall token only when one is left
over and no reply is waiting for one, so an official's answer never queues behind a broadcast: pushes go
at whatever rate the replies leave (``python -m bench.peak``, bench/README.md, issue 20). In a chat, likewise,
a background send leaves one of the chat's tokens for an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseRateLimiter

from jobs.pacing import Bucket

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]
SENDS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation", "sendVideo",
        "sendAudio", "sendVoice", "sendSticker", "sendLocation", "sendContact", "sendPoll",
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages",
    }
)  # fmt: skip
NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)  # the request did not go out
_BACKGROUND: ContextVar[bool] = ContextVar("telegram_background_send", default=False)
SPARE_POLL = 0.02  # seconds between a background send's looks for a spare token


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Bot API calls made inside this block (in this task) yield to replies: see the module's docstring."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def may_have_arrived(exc: BaseException) -> bool:
    """True for a failure after the request had left and before its answer came (a read or write timeout,
    a dropped connection): Telegram may have acted on it. False when it never left, or when Telegram
    answered (an error answer says what happened)."""
    if not isinstance(exc, NetworkError) or isinstance(exc, BadRequest):
        return False
    cause = exc.__cause__
    return isinstance(cause, httpx.HTTPError) and not isinstance(cause, NEVER_LEFT)


@dataclass(frozen=True)
class Limits:
    """Telegram's published limits; tests relax them to keep conversations fast."""

    overall_per_second: float = 30
    # sent evenly, a sixth of a second at most at once: Telegram counts arrivals, which jitter, and a bot
    # that spends Telegram's whole burst of 30 answers every jitter with a 429 and a second's pause for all
    overall_burst: int = 5
    chat_per_second: float = 1
    chat_burst: int = 3
    group_per_minute: float = 20
    group_burst: int = 3
    max_retries: int = 6
    backoff_seconds: float = 0.25
    # a send paced by its chat goes this much after its slot: Telegram counts arrivals, and the sends of a
    # burst are delayed unevenly (a loaded machine, the network); the chat's burst is Telegram's own (3),
    # so it has no slack. The overall bucket needs none: its burst is a sixth of Telegram's.
    margin_seconds: float = 0.25
    # overall tokens a background send (a push) leaves for replies: an answer goes at once, not after the
    # next token, while a broadcast takes the rest
    reply_reserve: int = 2
    # a chat's tokens a background send leaves for the official's answer: a push in several parts (a long
    # list of escalations) no longer holds the answer to its first part behind the others (2.2 s at the peak)
    chat_reserve: int = 1


def retry_after_seconds(exc: RetryAfter) -> float:
    """The advertised pause (PTB keeps it as a timedelta; its public attribute may warn about ints)."""
    value = getattr(exc, "_retry_after", None)
    return value.total_seconds() if isinstance(value, timedelta) else 1.0


class PacingLimiter(BaseRateLimiter[int]):
    """Pace sends per chat and overall; retry 429 after ``retry_after`` and network errors with backoff."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._overall = Bucket(self.limits.overall_per_second, self.limits.overall_burst, time.monotonic())
        self._chats: dict[str, Bucket] = {}
        self._resume = asyncio.Event()
        self._resume.set()
        self._replies_waiting = 0  # foreground calls waiting for an overall token
        self._chat_paused: dict[str, float] = {}  # chat → monotonic time its 429 pause ends
        self.retried = 0  # for tests and the benchmark
        self.uncertain = 0  # sends that failed after leaving, not retried (they may have arrived)
        self.waited = 0  # calls that had to wait for a token (the broadcast benchmark: pushes should not)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _chat_bucket(self, chat_id: Any) -> Bucket:
        key = str(chat_id)
        bucket = self._chats.get(key)
        if bucket is None:
            now = time.monotonic()
            if len(self._chats) > 4096:  # forget chats whose bucket is full again
                self._chats = {k: b for k, b in self._chats.items() if not b.full(now)}
            group = key.startswith("-") or not key.lstrip("-").isdigit()
            bucket = (
                Bucket(self.limits.group_per_minute / 60, self.limits.group_burst, now)
                if group
                else Bucket(self.limits.chat_per_second, self.limits.chat_burst, now)
            )
            self._chats[key] = bucket
        return bucket

    async def _pace(self, chat_id: Any) -> None:
        if chat_id is None:
            return
        paused = self._chat_paused.get(str(chat_id), 0.0) - time.monotonic()
        if paused > 0:
            await asyncio.sleep(paused)
        # Take the chat's slot first so one busy chat does not hold the overall bucket's tokens.
        if _BACKGROUND.get():
            await self._chat_spare(self._chat_bucket(chat_id))
            await self._spare()
            return
        wait = self._chat_bucket(chat_id).take(time.monotonic())
        if wait > 0:
            self.waited += 1
            await asyncio.sleep(wait + self.limits.margin_seconds)
        wait = self._overall.take(time.monotonic())
        if wait > 0:
            self.waited += 1
            self._replies_waiting += 1
            try:
                await asyncio.sleep(wait)
            finally:
                self._replies_waiting -= 1

    async def _chat_spare(self, bucket: Bucket) -> None:
        """A background send's slot in its chat: only with ``chat_reserve`` more left, taken when it comes
        (not reserved ahead), so the official's answer to a push in several parts goes before its rest."""
        keep = self.limits.chat_reserve
        waited = False
        while (wait := bucket.wait(time.monotonic(), keep)) > 0:
            waited = True
            await asyncio.sleep(wait + self.limits.margin_seconds)
        self.waited += waited
        bucket.take(time.monotonic())

    async def _spare(self) -> None:
        """A background send: the overall token only when one is free beyond the replies' reserve and no
        reply waits for one."""
        keep = self.limits.reply_reserve
        waited = False
        while self._replies_waiting or self._overall.wait(time.monotonic(), keep) > 0:
            waited = True
            await asyncio.sleep(max(SPARE_POLL, self._overall.wait(time.monotonic(), keep)))
        self.waited += waited
        self._overall.take(time.monotonic())

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        retries = self.limits.max_retries if rate_limit_args is None else rate_limit_args
        chat_id = data.get("chat_id")
        for attempt in range(retries + 1):
            await self._resume.wait()
            await self._pace(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                self.retried += 1
                await self._refused(chat_id, float(retry_after_seconds(exc)) + 0.05, endpoint)
            except (BadRequest, Forbidden):
                raise  # a wrong request stays wrong (BadRequest is a NetworkError subclass)
            except (NetworkError, TimedOut) as exc:
                if endpoint in SENDS and may_have_arrived(exc):
                    self.uncertain += 1
                    log.warning("Telegram %s may have arrived (%s): not retried", endpoint, describe(exc))
                    raise
                if attempt == retries:
                    raise
                self.retried += 1
                pause = self.limits.backoff_seconds * (2**attempt)
                log.warning("Telegram call %s failed (%s); retry %d in %.2f s", endpoint, exc, attempt + 1, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _refused(self, chat_id: Any, pause: float, endpoint: str) -> None:
        """A 429: pause its chat, or every send when the call had no chat or another chat is paused too
        (then it is the bot's overall limit). Pausing everyone for one chat's refusal held every other
        official's answer a second: 4 webhook workers, bench.peak, p99 2.4 s (bench/README.md, issue 20)."""
        now = time.monotonic()
        key = None if chat_id is None else str(chat_id)
        self._chat_paused = {k: until for k, until in self._chat_paused.items() if until > now}
        if key is not None and not any(k != key for k in self._chat_paused):
            log.warning("Telegram asked to slow down (%s): pausing this chat's sends for %.1f s", endpoint, pause)
            self._chat_paused[key] = max(self._chat_paused.get(key, 0.0), now + pause)
            await asyncio.sleep(pause)
            return
        log.warning("Telegram asked to slow down (%s): pausing every send for %.1f s", endpoint, pause)
        self._resume.clear()
        try:
            await asyncio.sleep(pause)
        finally:
            self._resume.set()


def describe(exc: TelegramError) -> str:
    """The failure in a few words, for a log line: the kind of network failure, never a URL."""
    cause = exc.__cause__
    return type(cause).__name__ if cause is not None else type(exc).__name__
