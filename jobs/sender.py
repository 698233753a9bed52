"""What the dispatcher hands to a channel, and what the channel answers. Channel-neutral: the bot's side
(``bot/push_path.py``) renders the items and talks to Telegram or the console; ``jobs/`` never imports it.

One ``Outgoing`` is one message to one chat: every due push of one official merged (Zalo's free plan
allows about 3,000 messages a month), each item a template name and its JSON context.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


@dataclass(frozen=True)
class Item:
    """One push: ``templates/<template>.j2`` rendered with ``context``."""

    template: str
    context: dict[str, Any]
    outbox_id: int | None = None  # the row it came from: what a push's buttons name (/nhaclai 812 1)


@dataclass(frozen=True)
class Outgoing:
    channel: str  # telegram | zalo | console
    chat_id: str
    official_id: int | None
    language: str
    items: tuple[Item, ...]
    via: str = ""  # Zalo: the bot the chat is bound to (``ChatAccount.bot``); "": the channel's first


class Result(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # the channel asked to wait (429 retry_after): not the message's fault
    BLOCKED = "blocked"  # the user blocked the bot or the chat is gone: the account is unusable
    FAILED = "failed"  # may work later (5xx, network): retried with backoff, dead after max_attempts
    FATAL = "fatal"  # will never work (the request itself is wrong): dead at once
    UNCERTAIN = "uncertain"  # failed after the request left (a read timeout): it may have arrived


@dataclass(frozen=True)
class Outcome:
    result: Result
    reason: str = ""
    retry_after: float = 0.0

    @classmethod
    def sent(cls) -> Outcome:
        return cls(Result.SENT)

    @classmethod
    def retry(cls, seconds: float, reason: str = "") -> Outcome:
        return cls(Result.RETRY, reason or f"retry after {seconds:g} s", seconds)

    @classmethod
    def blocked(cls, reason: str) -> Outcome:
        return cls(Result.BLOCKED, reason)

    @classmethod
    def failed(cls, reason: str) -> Outcome:
        return cls(Result.FAILED, reason)

    @classmethod
    def fatal(cls, reason: str) -> Outcome:
        return cls(Result.FATAL, reason)

    @classmethod
    def uncertain(cls, reason: str) -> Outcome:
        return cls(Result.UNCERTAIN, reason)


class Sender(Protocol):
    """A channel the dispatcher can send through. ``channels`` names those it can reach; an official
    whose only usable chat is elsewhere is skipped by this process.

    Optional (looked up with ``getattr``): ``hold_seconds(out)``, how long to keep ``out`` back before
    sending it; ``bot_of(out)``, the name of the bot ``out`` leaves through when one ``Outgoing.via`` has
    several spellings (Zalo: "", "default" and the first bot's own name), so that a 429 pauses that bot
    under one name."""

    @property
    def channels(self) -> frozenset[str]: ...

    async def send(self, out: Outgoing) -> Outcome:
        """Deliver ``out``; never raise for a delivery problem, answer it as an ``Outcome``."""
        ...
