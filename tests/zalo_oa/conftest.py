"""End-to-end fixtures for the Zalo OA channel: the fake OA + ZNS server, the demo database with OA
accounts for four demo officials, and the real channel (httpx over real HTTP, its own webhook server)
with a fixed clock (ZNS has sending hours)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot import config as configuration
from bot.app import App, build
from bot.zalo_oa import OaRunning, running
from models import FrozenClock
from models.clock import DEFAULT_TZ
from models.settings_oa import ZnsConfig, ZnsTemplate
from tests.fakes.zalo_oa_server import APP_ID, APP_SECRET, FIRST_REFRESH, OA_ID, OA_SECRET_KEY, FakeOa
from tests.telegram.support import demo_config, demo_template

ADMIN, OFFICER, LEADER, CHAIR = (f"{n}" * 18 for n in (1, 2, 3, 4))
DEMO_KEYS = {ADMIN: "admin", OFFICER: "officer", LEADER: "leader", CHAIR: "chair"}
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=DEFAULT_TZ)  # a Wednesday morning: ZNS hours, no quiet hours
DEADLINE_TEMPLATE = "250001"


@pytest.fixture(scope="session")
def oa_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("zalo_oa") / "demo.db"
    demo_template(path, "zalo_oa", DEMO_KEYS)
    yield path


@pytest.fixture
async def oa() -> AsyncIterator[FakeOa]:
    async with FakeOa() as fake:
        fake.template(DEADLINE_TEMPLATE, "task_no", "due_date")
        yield fake


@pytest.fixture
def zns_settings() -> dict[str, object]:
    return {}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(at=NOW)


@pytest.fixture
async def app(
    oa_demo_db: Path, tmp_path: Path, oa: FakeOa, clock: FrozenClock, zns_settings: dict[str, object]
) -> AsyncIterator[App]:
    copy = tmp_path / "bot.db"
    shutil.copy(oa_demo_db, copy)
    config = demo_config(f"sqlite+aiosqlite:///{copy}")
    config = configuration.replace(config, "telegram", token="")
    templates = {
        "deadline": ZnsTemplate(
            template_id=DEADLINE_TEMPLATE, params={"task_no": "task.number", "due_date": "task.due"}
        )
    }
    zns = ZnsConfig(base_url=oa.base_url, unit_price_vnd=300, monthly_cap_vnd=3000, templates=templates).model_copy(
        update=zns_settings
    )
    config = configuration.replace(
        config, "zalo_oa", app_id=APP_ID, oa_id=OA_ID, app_secret=APP_SECRET, oa_secret_key=OA_SECRET_KEY,
        refresh_token=FIRST_REFRESH, api_url=oa.base_url, oauth_url=oa.base_url, webhook_port=0, zns=zns,
    )  # fmt: skip
    application = build(config, clock)
    yield application
    await application.close()


@pytest.fixture
async def bot(app: App) -> AsyncIterator[OaRunning]:
    async with running(app) as running_oa:
        yield running_oa


def hook(bot: OaRunning) -> str:
    return f"http://127.0.0.1:{bot.server.port}{bot.channel.config.webhook_path}"
