"""Who is who in the end-to-end tests, and the few moves of a chat user."""

from __future__ import annotations

from bot import config as configuration
from bot.config import Config
from bot.telegram import Limits
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.fakes.telegram_world import Sent

ADMIN, OFFICER, LEADER, CHAIR, STRANGER = 1001, 1002, 1003, 1004, 1999
DEMO_KEYS = {ADMIN: "admin", OFFICER: "officer", LEADER: "leader", CHAIR: "chair"}
FAST = Limits(chat_per_second=100, chat_burst=100, group_per_minute=6000, group_burst=100, backoff_seconds=0.05)


def demo_config(url: str, **telegram: object) -> Config:
    config = configuration.load(None, environ={})
    config = configuration.replace(config, "database", url=url)
    config = configuration.replace(config, "bot", load_demo_when_empty=False)
    return configuration.replace(config, "telegram", **{"token": TOKEN, **telegram})


async def say(tg: FakeTelegram, user: int, text: str) -> Sent:
    """Send ``text`` as ``user`` in their private chat; the bot's next message there."""
    await tg.send_text(user, text)
    return await tg.next_sent(user)


async def press(tg: FakeTelegram, user: int, sent: Sent, data: str) -> Sent:
    """Press the button of ``sent`` whose callback data is ``data`` (or starts with it); the bot's next
    message or edit."""
    found = [d for d in sent.button_data() if d == data] or [d for d in sent.button_data() if d.startswith(data)]
    assert found, f"no button {data!r} among {sent.button_data()}"
    await tg.press(user, sent.message_id, found[0])
    return await tg.next_sent(user)
