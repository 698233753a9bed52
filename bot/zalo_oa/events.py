"""The Zalo OA's webhook: events signed by the OA, read into what the channel does with them.

Each POST carries ``X-ZEvent-Signature: mac=<hex>``, where hex = sha256(app id + the raw body + the
body's ``timestamp`` + the OA secret key) (docs/ZALO_OA.md grades this). The server (``bot/webhooks.py``,
a ``signed`` route) refuses a request without the header before reading the body and reads at most
``MAX_BODY`` bytes; here the signature is compared in constant time before anything in the body is used
(``BadSignature``: 403, one log line, nothing quoted).

Events read: ``user_send_text`` (a message or a pressed button: its payload comes back as text), other
``user_send_*`` (a photo, a sticker...: answered that only text is read), ``follow`` and ``unfollow``.
Every event from a user opens their window; ``unfollow`` closes it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.webhook_http import BadBody, read_json
from bot.webhooks import BadSignature

SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_BODY = 64 * 1024
CHANNEL = "zalo_oa"


class Kind(Enum):
    TEXT = "text"
    OTHER = "other"  # a message the bot cannot read (a photo, a sticker, a file)
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Event:
    kind: Kind
    user_id: str = ""
    text: str = ""
    message_id: str = ""
    name: str = ""


def signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    digest = hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()).hexdigest()
    return f"mac={digest}"


def verified(headers: Mapping[str, str], body: bytes, app_id: str, oa_secret_key: str) -> Any:
    """The body's JSON when its signature matches; ``BadSignature`` otherwise (``BadBody`` for a body
    that is not JSON, checked first since the timestamp is inside it)."""
    data = read_json(body)
    if not isinstance(data, dict):
        raise BadBody("not a JSON object")
    timestamp = data.get("timestamp")
    if not isinstance(timestamp, str | int) or isinstance(timestamp, bool):
        raise BadSignature()
    given = headers.get(SIGNATURE_HEADER, "").strip()
    if not given.startswith("mac="):
        given = "mac=" + given
    expected = signature(app_id, body, str(timestamp), oa_secret_key)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise BadSignature()
    return data


def _id(value: Any) -> str:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def read(data: dict[str, Any]) -> Event:
    """What one (verified) event asks of the channel."""
    name = data.get("event_name")
    if not isinstance(name, str):
        raise BadBody("event_name is not a string")
    if name in ("follow", "unfollow"):
        follower = data.get("follower") if isinstance(data.get("follower"), dict) else data.get("sender")
        user = _id(follower.get("id")) if isinstance(follower, dict) else ""
        if not user:
            raise BadBody("follower.id missing")
        return Event(Kind.FOLLOW if name == "follow" else Kind.UNFOLLOW, user)
    if not name.startswith("user_"):
        return Event(Kind.IGNORE)  # the OA's own messages echoed back, and events of other kinds
    sender = data.get("sender")
    message = data.get("message")
    user = _id(sender.get("id")) if isinstance(sender, dict) else ""
    if not user:
        return Event(Kind.IGNORE)
    if not isinstance(message, dict):
        return Event(Kind.OTHER if name.startswith("user_send_") else Kind.IGNORE, user)
    message_id = _id(message.get("msg_id"))
    text = message.get("text")
    if name == "user_send_text" and isinstance(text, str) and text.strip():
        return Event(Kind.TEXT, user, text[:4000], message_id)
    if name.startswith("user_send_"):
        return Event(Kind.OTHER, user, "", message_id)
    return Event(Kind.IGNORE, user)
