"""Telegram Mini App init data, verified exactly as Telegram specifies
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):

    data_check_string = the fields except ``hash``, as ``key=value`` sorted by key, joined by "\\n"
    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

and fresh: ``auth_date`` no older than the limit (and not from the future beyond a minute of clock skew).
Only then is ``user.id`` read. A refusal says why in a few words (logged), never the data or the token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

MAX_LENGTH = 4096  # Telegram's init data is well under 1 KB; more is not Telegram's
SKEW = timedelta(minutes=1)


class Refused(Exception):
    """Init data that does not sign in; the message says why (for the log)."""


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The ``hash`` Telegram puts beside ``fields`` (used by the tests to make init data, as Telegram does)."""
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    return hmac.new(secret_key(bot_token), check.encode(), hashlib.sha256).hexdigest()


def verified_user_id(init_data: str, bot_token: str, now: datetime, max_age: timedelta) -> int:
    """The Telegram user id of genuine, fresh init data; ``Refused`` otherwise."""
    if not bot_token:
        raise Refused("no Telegram token configured")
    if not init_data or len(init_data) > MAX_LENGTH:
        raise Refused("empty or oversized init data")
    pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=False)
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Refused("a field given twice")
    given = fields.pop("hash", "")
    if not hmac.compare_digest(given.encode(), sign(fields, bot_token).encode()):
        raise Refused("init data not signed with this bot's token")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError, OverflowError, OSError):
        raise Refused("signed init data without auth_date or user") from None
    if signed_at < now - max_age:
        raise Refused("init data older than the freshness limit")
    if signed_at > now + SKEW:
        raise Refused("init data from the future")
    return user_id
