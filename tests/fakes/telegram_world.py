"""The fake Bot API's world: the bot, users and chats, pending updates, messages, stored files, and
everything the bot did, recorded for tests. ``telegram_methods`` holds the Bot API methods that act on
it; ``telegram_server`` puts it on HTTP.

Users act through ``send_text``, ``press``, ``send_document`` and ``send_photo``: each makes the update
Telegram would make. Tests read what the bot did with ``next_sent(chat_id)`` and ``calls``.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.sent_log import Call, SentLog
from tests.fakes.telegram_faults import Faults, FloodGate

BOT_ID = 7000000001


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class StoredFile:
    file_id: str
    unique_id: str
    path: str
    content: bytes
    name: str = ""
    mime: str = ""


@dataclass
class Sent:
    """One visible thing the bot did in a chat."""

    kind: str  # message | edit | photo | document | action
    chat_id: int
    message_id: int = 0
    text: str = ""  # plain text, as the user reads it
    html: str = ""  # what the bot sent
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    content: bytes = b""
    action: str = ""
    filename: str = ""  # a document's name as uploaded (multipart)

    def button_data(self) -> list[str]:
        return [b.get("callback_data", "") for row in self.buttons for b in row]


class World(SentLog[int, Sent]):
    def __init__(self, token: str, bot_username: str = "cchc_test_bot") -> None:
        self.token = token
        self.bot = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "CCHC",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.updates: list[dict[str, Any]] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, bool] = {}  # id -> answered
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.faults = Faults()
        self.blocked: set[int] = set()  # users who blocked the bot: sends to them answer 403
        self.flood = FloodGate()
        self.changed = asyncio.Condition()
        self.on_update: Callable[[dict[str, Any]], None] | None = None  # the server's webhook delivery
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._cursors: dict[int, int] = {}

    # ---- people and chats -------------------------------------------------------------------
    def user(self, uid: int, first_name: str = "", *, username: str | None = None, lang: str = "vi") -> dict[str, Any]:
        user = {"id": uid, "is_bot": False, "first_name": first_name or f"User {uid}", "language_code": lang}
        if username:
            user["username"] = username
        self.users[uid] = user
        self.chats.setdefault(uid, {"id": uid, "type": "private", "first_name": user["first_name"]})
        return user

    def group(self, chat_id: int, title: str = "Nhóm CCHC") -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.chats[chat_id] = chat
        return chat

    # ---- what users do ----------------------------------------------------------------------
    async def send_text(self, uid: int, text: str, *, chat_id: int | None = None) -> dict[str, Any]:
        message = self._user_message(uid, chat_id, text=text)
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.push({"message": message})
        return message

    async def press(self, uid: int, message_id: int, data: str, *, chat_id: int | None = None) -> str:
        chat = chat_id if chat_id is not None else uid
        message = self.messages.get((chat, message_id))
        if message is None:
            raise KeyError(f"no bot message {message_id} in chat {chat}")
        query_id = f"cq{next(self._update_ids)}{uid}"
        self.callbacks[query_id] = False
        query = {
            "id": query_id,
            "from": self.users[uid],
            "message": message,
            "chat_instance": f"ci{chat}",
            "data": data,
        }
        await self.push({"callback_query": query})
        return query_id

    async def send_document(self, uid: int, name: str, content: bytes, *, caption: str = "", mime: str = "") -> dict:
        stored = self.store(content, "documents", name=name, mime=mime or "application/octet-stream")
        document = {
            "file_name": name,
            "mime_type": stored.mime,
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(content),
        }
        message = self._user_message(uid, None, document=document, **({"caption": caption} if caption else {}))
        await self.push({"message": message})
        return message

    async def send_photo(self, uid: int, content: bytes, *, caption: str = "") -> dict[str, Any]:
        small = self.store(content[: len(content) // 4 or 1], "photos", name="small.jpg")
        large = self.store(content, "photos", name="large.jpg")
        sizes = [
            {"file_id": f.file_id, "file_unique_id": f.unique_id, "width": w, "height": w, "file_size": len(f.content)}
            for f, w in ((small, 90), (large, 1280))
        ]
        message = self._user_message(uid, None, photo=sizes, **({"caption": caption} if caption else {}))
        await self.push({"message": message})
        return message

    def _user_message(self, uid: int, chat_id: int | None, **content: Any) -> dict[str, Any]:
        chat = self.chats[chat_id if chat_id is not None else uid]
        message_id = next(self._message_ids)
        message = {"message_id": message_id, "from": self.users[uid], "chat": chat, "date": int(time.time())}
        message.update(content)
        self.messages[(chat["id"], message_id)] = message
        return message

    async def push(self, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **payload}
        self.updates.append(update)
        if self.on_update is not None and self.webhook:
            self.on_update(update)
        await self.notify()
        return update

    # ---- files ------------------------------------------------------------------------------
    def store(self, content: bytes, folder: str, *, name: str = "", mime: str = "") -> StoredFile:
        number = next(self._file_ids)
        suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
        stored = StoredFile(f"F{number:06d}xyz", f"U{number}", f"{folder}/file_{number}.{suffix}", content, name, mime)
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.path == path), None)

    # ---- what tests read --------------------------------------------------------------------
    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200]
