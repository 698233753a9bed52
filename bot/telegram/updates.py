"""From a Telegram update to the core's ``Incoming``, and the shape of a webhook body.

Every text, command, button press, document and photo is passed on. In a group the router answers
only commands written to this bot (``/diem@cchc_bot``) and presses of its buttons, and of those only
the commands registered ``in_groups`` (``Router.group_verdict``).
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType

from handlers.base import FileRef, Incoming

CHANNEL = "telegram"


def file_ref(message: Message) -> FileRef | None:
    """The largest size of a photo, or the document; the content is downloaded later when needed."""
    if message.photo:
        photo = message.photo[-1]
        return FileRef(photo.file_id, name="", kind="photo", size=photo.file_size or 0)
    if message.document:
        document = message.document
        return FileRef(document.file_id, name=document.file_name or "", kind="document", size=document.file_size or 0)
    return None


def to_incoming(update: Update) -> Incoming | None:
    """The core's view of a message or a button press; None for everything the bot ignores."""
    query = update.callback_query
    if query is not None:
        message = query.message
        if message is None or query.data is None:
            return None  # a button of an inline message or a game: not ours
        return Incoming(
            channel=CHANNEL,
            chat_id=str(message.chat.id),
            user_id=str(query.from_user.id),
            callback=query.data,
            display_name=query.from_user.full_name,
            is_group=message.chat.type != ChatType.PRIVATE,
            message_id=str(message.message_id),
        )
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    text = message.text or message.caption or ""
    file = file_ref(message)
    if not text and file is None:
        return None  # stickers, members joining, ...
    return Incoming(
        channel=CHANNEL,
        chat_id=str(message.chat.id),
        user_id=str(message.from_user.id),
        text=text,
        file=file,
        display_name=message.from_user.full_name,
        is_group=message.chat.type != ChatType.PRIVATE,
        message_id=str(message.message_id),
    )


# ---- the shape of a webhook body ------------------------------------------------------------------
# Checked before python-telegram-bot reads it: the library trusts the types it is given, and a body that
# carries the right secret could still be broken (a proxy, a bug, a leaked secret). Only the fields this
# module reads are checked; ids must be integers Telegram could send (they fit in 52 bits).
MAX_ID = 2**53
MAX_DATE = 2**40  # seconds since 1970: a date within the next 30,000 years


def _whole(value: object, low: int = -MAX_ID, high: int = MAX_ID) -> bool:
    return type(value) is int and low <= value < high


def _optional(value: dict[str, object], key: str, kind: type) -> bool:
    return value.get(key) is None or type(value[key]) is kind


def _user_problem(user: object) -> str | None:
    if not isinstance(user, dict):
        return "not an object"
    if not _whole(user.get("id")) or type(user.get("is_bot")) is not bool or type(user.get("first_name")) is not str:
        return "id, is_bot or first_name of the wrong type"
    if not all(_optional(user, key, str) for key in ("last_name", "username", "language_code")):
        return "a name of the wrong type"
    return None


def _message_problem(message: object) -> str | None:
    if not isinstance(message, dict):
        return "not an object"
    if not _whole(message.get("message_id"), 0) or not _whole(message.get("date"), 0, MAX_DATE):
        return "message_id or date is not a whole number in range"
    chat = message.get("chat")
    if not isinstance(chat, dict) or not _whole(chat.get("id")) or type(chat.get("type")) is not str:
        return "chat is not an object with a whole-number id and a type"
    if message.get("from") is not None and (problem := _user_problem(message["from"])):
        return f"from: {problem}"
    if not _optional(message, "text", str) or not _optional(message, "caption", str):
        return "text or caption is not a string"
    photo = message.get("photo")
    if photo is not None and (not isinstance(photo, list) or not all(_file_problem(p) is None for p in photo)):
        return "photo is not a list of files"
    if message.get("document") is not None and _file_problem(message["document"]) is not None:
        return "document is not a file"
    return None


def _file_problem(file: object) -> str | None:
    if not isinstance(file, dict) or type(file.get("file_id")) is not str:
        return "not an object with a file_id"
    size = file.get("file_size")
    if (size is not None and not _whole(size, 0)) or not _optional(file, "file_name", str):
        return "file_size or file_name of the wrong type"
    return None


def update_problem(data: object) -> str | None:
    """Why a webhook body is not an update this bot can read, in a few words; None when it is one."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if not _whole(data.get("update_id"), 0):
        return "update_id is not a whole number in range"
    if data.get("message") is not None and (problem := _message_problem(data["message"])):
        return f"message: {problem}"
    query = data.get("callback_query")
    if query is None:
        return None
    if not isinstance(query, dict) or type(query.get("id")) is not str:
        return "callback_query is not an object with an id"
    if (problem := _user_problem(query.get("from"))) is not None:
        return f"callback_query.from: {problem}"
    if not _optional(query, "data", str):
        return "callback_query.data is not a string"
    if query.get("message") is not None and (problem := _message_problem(query["message"])):
        return f"callback_query.message: {problem}"
    return None
