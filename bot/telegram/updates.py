"""From a Telegram update to the core's ``Incoming``, and what the bot may answer in a group.

Private chats: every text, command, button press, document and photo is passed on. Groups: only
commands written to this bot (``/diem@cchc_bot``) and presses of its buttons, and only the commands
whose answers every member may see (rankings and the command list); other commands get a pointer to
the private chat instead of an answer.
"""

from __future__ import annotations

from enum import Enum

from telegram import Message, Update
from telegram.constants import ChatType

from handlers.base import COMMANDS, FileRef, Incoming
from handlers.router import parse_command

CHANNEL = "telegram"
# Rankings are visible to every registered official (handlers/access.py); nothing here shows a task.
GROUP_COMMANDS = frozenset({"help", "diem", "thidua", "chitieu"})


class InGroup(Enum):
    ANSWER = "answer"
    IGNORE = "ignore"  # not for this bot: stay silent
    REFUSE = "refuse"  # for this bot, but not for a group: point to the private chat


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


def in_group(incoming: Incoming, bot_username: str) -> InGroup:
    """Whether to answer ``incoming`` in its group chat."""
    if incoming.callback is not None:
        line = incoming.callback
    else:
        line = incoming.text.strip()
        head = line.split(maxsplit=1)[0] if line else ""
        _, _, addressee = head.partition("@")
        if not line.startswith("/") or not bot_username or addressee.lower() != bot_username.lower():
            return InGroup.IGNORE
    parsed = parse_command(line, bot_username)
    entry = COMMANDS.get(parsed.command) if parsed else None
    return InGroup.ANSWER if entry is not None and entry.name in GROUP_COMMANDS else InGroup.REFUSE
