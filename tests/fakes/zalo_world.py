"""The fake Zalo Bot API's world: the bot, users, pending updates, the webhook, and everything the bot did,
recorded for tests. ``zalo_methods`` holds the methods; ``zalo_server`` puts them on HTTP.

Users act through ``send_text``, ``send_photo`` and ``send_event``: each makes the update Zalo would make
(``{event_name, message}``, string ids, millisecond dates; no update id). Tests read what the bot did
with ``next_sent(chat)`` / ``next_reply(chat)`` (every piece of one answer) and ``calls``.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.sent_log import Call, SentLog

BOT_ID = "5476528912"
BOT_NAME = "Bot CCHC Lạng Sơn"
ACCOUNT_NAME = "bot.CchcLangSon"


class ApiError(Exception):
    """A Zalo error answer: HTTP status = ``error_code``, ``{"ok": false, "error_code", "description"}``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


@dataclass
class Sent:
    kind: str  # message | photo | action
    chat_id: str
    message_id: str = ""
    text: str = ""
    photo: str = ""
    parse_mode: str = ""
    action: str = ""

    @property
    def shown(self) -> str:
        """What the user sees: with ``parse_mode: "markdown"``, Zalo's markdown read as P4 measured it
        (``*x*``, ``**x**``, ``_x_``, ``~x~``, `` `x` `` become formatting, ``#`` and ``>`` at a line's start
        a heading or a quote, a backslash escapes the next character)."""
        if self.parse_mode != "markdown":
            return self.text
        out, escaped, line_start = [], False, True
        for char in self.text:
            if escaped:
                out.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
                continue
            elif char in "*_~`" or (line_start and char in "#>"):
                pass  # formatting, not shown
            else:
                out.append(char)
            line_start = char == "\n" or (line_start and char in " #>" and not escaped)
        return "".join(out)


@dataclass
class Faults:
    """Answers forced on the next calls of a method: (HTTP status, description), taken in order."""

    queued: dict[str, deque[tuple[int, str]]] = field(default_factory=dict)

    def add(self, method: str, status: int, description: str = "", times: int = 1) -> None:
        text = description or {429: "Quota exceeded", 401: "Unauthorized"}.get(status, "Internal Server Error")
        self.queued.setdefault(method, deque()).extend([(status, text)] * times)

    def take(self, method: str) -> tuple[int, str] | None:
        queue = self.queued.get(method)
        return queue.popleft() if queue else None


def hex_id() -> str:
    return secrets.token_hex(10)  # 20 hex characters, like Zalo's user and message ids


class World(SentLog[str, Sent]):
    def __init__(self, token: str) -> None:
        self.token = token
        self.me = {"id": BOT_ID, "account_name": ACCOUNT_NAME, "account_type": "BASIC", "can_join_groups": True,
                   "display_name": BOT_NAME}  # fmt: skip
        self.users: dict[str, str] = {}  # id -> display name
        self.pending: deque[dict[str, Any]] = deque()  # updates waiting for getUpdates
        self.served: dict[tuple[str, str], int] = {}  # (event, message id) -> times served
        self.replays = 0  # serve every update this many more times (consumed updates replayed)
        self.echo = False  # the bot's own messages come back as updates (Zalo does this)
        self.wrapped = False  # webhook bodies as {ok, result} instead of the bare update
        self.refuse_markdown = False  # sendMessage with parse_mode answers 400
        self.echo_without_bot_id = False  # echoes carry some other hex from.id and no is_bot (seen on Zalo)
        self.late: dict[str, deque[float]] = {}  # method -> delays: the call succeeds, its answer comes late
        self.webhook: dict[str, Any] | None = None
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.faults = Faults()
        self.changed = asyncio.Condition()
        self.on_update: Callable[[dict[str, Any]], None] | None = None  # webhook delivery (the server's)
        self._cursors: dict[str, int] = {}
        self._clock = itertools.count(int(time.time() * 1000))

    # ---- people ------------------------------------------------------------------------------------
    def user(self, display_name: str, uid: str = "") -> str:
        uid = uid or hex_id()
        self.users[uid] = display_name
        return uid

    # ---- what users do -----------------------------------------------------------------------------
    def message(self, uid: str, *, chat: str | None = None, **content: Any) -> dict[str, Any]:
        return {
            "from": {"id": uid, "display_name": self.users.get(uid, "Người dùng"), "is_bot": False},
            "chat": {"id": chat or uid, "chat_type": "GROUP" if chat else "PRIVATE"},
            "message_id": hex_id(),
            "date": next(self._clock),
            **content,
        }

    async def send_text(self, uid: str, text: str, *, group: str | None = None) -> dict[str, Any]:
        return await self.push("message.text.received", self.message(uid, chat=group, text=text))

    async def send_photo(self, uid: str, url: str, caption: str = "") -> dict[str, Any]:
        message = self.message(uid, photo_url=url, caption=caption, message_type="CHAT_PHOTO")
        return await self.push("message.image.received", message)

    async def send_event(self, uid: str, event: str, **content: Any) -> dict[str, Any]:
        return await self.push(event, self.message(uid, **content))

    async def push(self, event: str, message: dict[str, Any]) -> dict[str, Any]:
        update = {"event_name": event, "message": message}
        if self.webhook and self.on_update is not None:
            self.on_update(update)
        else:
            self.pending.append(update)
        await self.notify()
        return update

    def take_update(self) -> dict[str, Any] | None:
        """The next update for getUpdates; with ``replays``, a served update goes back in the queue."""
        if not self.pending:
            return None
        update = self.pending.popleft()
        key = (update["event_name"], update["message"]["message_id"])
        self.served[key] = self.served.get(key, 0) + 1
        if self.served[key] <= self.replays:
            self.pending.append(update)
        return update

    # ---- what tests read ---------------------------------------------------------------------------
    async def next_reply(self, chat_id: str, timeout: float = 5.0, quiet: float = 0.3) -> list[Sent]:
        """Every message of the bot's next answer in ``chat_id``: the first, then those that follow until
        the bot has been quiet for ``quiet`` seconds."""
        pieces = [await self.next_sent(chat_id, timeout)]
        while True:
            try:
                pieces.append(await self.next_sent(chat_id, quiet))
            except AssertionError:
                return pieces

    def called(self, method: str) -> list[Call]:
        """The successful calls of ``method``."""
        return [c for c in self.calls if c.method == method and c.status == 200]

    def calls_of(self, method: str) -> list[Call]:
        """Every call of ``method``, failed ones included."""
        return [c for c in self.calls if c.method == method]
