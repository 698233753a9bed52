"""End-to-end fixtures: the fake Bot API server, the demo database, and the real bot (python-telegram-bot
over real HTTP) talking to each other.

The demo is loaded once per test session into a template SQLite file, with Telegram accounts added for
some demo officials; each test gets its own copy. Flood-limit pacing is relaxed (``FAST``) except in the
tests about flood limits.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot import config as configuration
from bot.app import App, build
from bot.telegram import running
from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import DEMO_KEYS, FAST, STRANGER, demo_config, demo_template


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated SQLite file with the demo and Telegram accounts for ADMIN, OFFICER, LEADER, CHAIR."""
    path = tmp_path_factory.mktemp("telegram") / "demo.db"
    demo_template(path, "telegram", DEMO_KEYS)
    yield path


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        for user_id in (*DEMO_KEYS, STRANGER):
            fake.user(user_id, lang="vi")
        yield fake


@pytest.fixture
def db_url(demo_db: Path, tmp_path: Path) -> str:
    copy = tmp_path / "bot.db"
    shutil.copy(demo_db, copy)
    return f"sqlite+aiosqlite:///{copy}"


@pytest.fixture
def bot_settings() -> dict[str, object]:
    """[bot] settings for this test module (override the fixture to change them)."""
    return {}


@pytest.fixture
async def app(db_url: str, tg: FakeTelegram, bot_settings: dict[str, object]) -> AsyncIterator[App]:
    config = demo_config(db_url, base_url=tg.base_url)
    application = build(configuration.replace(config, "bot", **bot_settings))
    yield application
    await application.close()


@pytest.fixture
async def bot(app: App, tg: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    """The bot, polling the fake server."""
    async with running(app, limits=FAST) as channel:
        yield channel
