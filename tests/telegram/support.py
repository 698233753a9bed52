"""Who is who in the end-to-end tests, and the few moves of a chat user."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from bot import config as configuration
from bot.app import build, prepare
from bot.config import Config
from bot.telegram import Limits
from models import ChatAccount
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.fakes.telegram_world import Sent

ADMIN, OFFICER, LEADER, CHAIR, STRANGER = 1001, 1002, 1003, 1004, 1999
DEMO_KEYS = {ADMIN: "admin", OFFICER: "officer", LEADER: "leader", CHAIR: "chair"}
FAST = Limits(chat_per_second=100, chat_burst=100, group_per_minute=6000, group_burst=100, backoff_seconds=0.05)


def demo_template(path: Path, channel: str, keys: Mapping[object, str]) -> None:
    """A migrated SQLite file at ``path`` with the demo, and for each (chat user id, demo key) of ``keys``
    an account on ``channel`` bound to that demo official (built once per test session, then copied)."""

    async def build_it() -> None:
        app = build(demo_config(f"sqlite+aiosqlite:///{path}"))
        try:
            await prepare(app, load_demo=True)
            async with app.sessions() as session:
                for user_id, key in keys.items():
                    console = (
                        await session.execute(
                            select(ChatAccount).where(ChatAccount.channel == "console", ChatAccount.external_id == key)
                        )
                    ).scalar_one()
                    session.add(
                        ChatAccount(
                            official_id=console.official_id,
                            channel=channel,
                            external_id=str(user_id),
                            chat_id=str(user_id),
                            created_at=console.created_at,
                        )
                    )
                await session.commit()
        finally:
            await app.close()

    with ThreadPoolExecutor(1) as pool:  # fixtures may be asked for inside a running loop
        pool.submit(asyncio.run, build_it()).result()


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
