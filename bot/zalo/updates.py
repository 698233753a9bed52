"""From a Zalo update to the core's ``Incoming``.

An update is ``{event_name, message}``, flat or wrapped in ``{ok, result}`` (webhook bodies come both
ways). Ids stay strings, as Zalo sends them; dates are epoch milliseconds. Text is passed on; an image
becomes a photo ``FileRef`` whose ``file_id`` is the image's URL (so it can be kept as evidence);
stickers, voice and ``message.unsupported.received`` get a short answer; unknown events are ignored.
There is no update id: the inbox remembers ``(event_name, message_id)`` for a while (``bot.inbox.Seen``),
because polling may replay updates and webhook deliveries may be retried. The bot's own messages come
back as updates too.

Groups (off by default): only allowed groups, only messages that mention the bot (Zalo delivers nothing
else there), the mention stripped before the command is read.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from handlers.base import FileRef, Incoming

log = logging.getLogger(__name__)
CHANNEL = "zalo"
TEXT = "message.text.received"
IMAGE = "message.image.received"
NO_CONTENT = frozenset(
    {"message.sticker.received", "message.voice.received", "message.unsupported.received"}
)  # answered with zalo/unsupported


class Verdict(Enum):
    ANSWER = "answer"  # pass ``incoming`` to the router
    UNSUPPORTED = "unsupported"  # say that only text and photos are understood
    IGNORE = "ignore"


@dataclass(frozen=True)
class Translated:
    verdict: Verdict
    incoming: Incoming | None = None
    key: tuple[str, str] | None = None  # (event_name, message_id): the dedup key
    date_ms: int = 0


@dataclass(frozen=True)
class Me:
    """What the channel knows of itself (getMe) and of its group settings."""

    id: str
    names: tuple[str, ...] = ()  # display and account names, to recognise a mention
    groups: bool = False
    group_allow: frozenset[str] = field(default_factory=frozenset)
    bot: str = "default"  # the [[zalo.bots]] name of this bot: every Incoming says it came in on it


def unwrap(body: Any) -> list[dict[str, Any]]:
    """The updates in a webhook body or a getUpdates result: ``{ok: true, result: {...}}`` or the bare
    update; a list of either is accepted too."""
    if isinstance(body, list):
        return [u for item in body for u in unwrap(item)]
    if not isinstance(body, dict):
        return []
    if body.get("ok") is True and isinstance(body.get("result"), dict | list):
        return unwrap(body["result"])
    return [body] if isinstance(body.get("message"), dict) and isinstance(body.get("event_name"), str) else []


def strip_mention(text: str, names: tuple[str, ...]) -> str | None:
    """``"@Bot CCHC /diem"`` -> ``"/diem"``; None when the text does not start with a mention."""
    text = text.strip()
    if not text.startswith("@"):
        return None
    lowered = text.lower()
    for name in sorted((n for n in names if n), key=len, reverse=True):
        if lowered.startswith("@" + name.lower()):
            return text[len(name) + 1 :].strip()
    slash = text.find("/")  # an unknown spelling of the name: the command starts at the first "/"
    if slash > 0:
        return text[slash:].strip()
    return text.split(maxsplit=1)[1].strip() if " " in text else ""


def translate(update: dict[str, Any], me: Me) -> Translated:
    message = update.get("message")
    event = str(update.get("event_name", ""))
    if not isinstance(message, dict):
        return Translated(Verdict.IGNORE)
    message_id = str(message.get("message_id", ""))
    key = (event, message_id) if message_id else None
    sender: dict[str, Any] = message["from"] if isinstance(message.get("from"), dict) else {}
    chat: dict[str, Any] = message["chat"] if isinstance(message.get("chat"), dict) else {}
    user_id, chat_id = str(sender.get("id", "")), str(chat.get("id", "") or sender.get("id", ""))
    date = message.get("date")
    date_ms = date if isinstance(date, int) else 0
    if not user_id or sender.get("is_bot") is True or user_id == me.id:
        return Translated(Verdict.IGNORE, key=key)  # the bot's own messages come back as updates
    is_group = str(chat.get("chat_type", "PRIVATE")).upper() == "GROUP"
    text = message.get("text") if event == TEXT or "text" in message else message.get("caption")
    text = text if isinstance(text, str) else ""
    if is_group:
        if not me.groups or chat_id not in me.group_allow:
            log.info("Zalo: message in group %s ignored (groups off or not in [zalo].group_allow)", chat_id)
            return Translated(Verdict.IGNORE, key=key)
        stripped = strip_mention(text, me.names)
        if stripped is None:
            return Translated(Verdict.IGNORE, key=key)
        text = stripped
    name = sender.get("display_name") or sender.get("first_name") or ""
    base = Incoming(
        channel=CHANNEL,
        chat_id=chat_id,
        user_id=user_id,
        text=text,
        display_name=str(name),
        is_group=is_group,
        message_id=message_id or None,
        addressed=is_group,  # Zalo delivers a group message only when it mentions the bot (stripped above)
        bot=me.bot,
    )
    if event == IMAGE:
        url = message.get("photo_url") or message.get("photo") or message.get("url")
        if not isinstance(url, str) or not url:
            return Translated(Verdict.UNSUPPORTED, base, key, date_ms)
        photo = FileRef(file_id=url, name="", kind="photo")
        return Translated(Verdict.ANSWER, dataclasses.replace(base, file=photo), key, date_ms)
    if event in NO_CONTENT:
        return Translated(Verdict.IGNORE if is_group else Verdict.UNSUPPORTED, base, key, date_ms)
    if text:
        return Translated(Verdict.ANSWER, base, key, date_ms)
    return Translated(Verdict.IGNORE, key=key, date_ms=date_ms)
