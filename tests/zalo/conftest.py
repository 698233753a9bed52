"""End-to-end fixtures for the Zalo channel: the fake Zalo Bot API server, the demo database with Zalo
accounts for four demo officials, and the real channel (httpx over real HTTP) polling the fake.

The demo is loaded once per test session into a template SQLite file; each test gets its own copy.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot import config as configuration
from bot.app import App, build
from bot.zalo import running
from bot.zalo.channel import ZaloChannel
from tests.fakes.zalo_server import FakeZalo
from tests.telegram.support import demo_template
from tests.zalo.support import DEMO_KEYS, NAMES, STRANGER, zalo_config

FAST_BACKOFF = (0.05, 0.2)


@pytest.fixture(scope="session")
def zalo_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated SQLite file with the demo and Zalo accounts for ADMIN, OFFICER, LEADER, CHAIR."""
    path = tmp_path_factory.mktemp("zalo") / "demo.db"
    demo_template(path, "zalo", DEMO_KEYS)
    yield path


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as fake:
        for user_id in (*DEMO_KEYS, STRANGER):
            fake.user(NAMES[user_id], user_id)
        yield fake


@pytest.fixture
def db_url(zalo_demo_db: Path, tmp_path: Path) -> str:
    copy = tmp_path / "bot.db"
    shutil.copy(zalo_demo_db, copy)
    return f"sqlite+aiosqlite:///{copy}"


@pytest.fixture
def zalo_settings() -> dict[str, object]:
    """[zalo] settings for this test module (override the fixture to change them)."""
    return {}


@pytest.fixture
def bot_settings() -> dict[str, object]:
    return {}


@pytest.fixture
async def app(
    db_url: str, zalo: FakeZalo, zalo_settings: dict[str, object], bot_settings: dict[str, object]
) -> AsyncIterator[App]:
    config = zalo_config(db_url, zalo.base_url, **zalo_settings)
    application = build(configuration.replace(config, "bot", **bot_settings))
    yield application
    await application.close()


@pytest.fixture
async def bot(app: App, zalo: FakeZalo) -> AsyncIterator[ZaloChannel]:
    """The Zalo channel, polling the fake server."""
    async with running(app, backoff=FAST_BACKOFF) as channel:
        yield channel
