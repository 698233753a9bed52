"""Several Zalo bots (issue 21 point 3), end to end on the fake Zalo server with two tokens: each bot answers
on its own token (polling, or its own webhook path and secret); an official is bound to the bot they
registered on and their pushes go through it; a bot that has ``max_users`` officials refuses /start and names
a bot with room, the invite code kept; each bot counts its own messages (held when its budget is spent, the
other bot's pushes going on); admins see each bot's officials and messages in /nhacnho."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import config as configuration
from bot.app import App
from bot.push_path import dispatcher
from bot.serve import zalo_sender
from bot.zalo import running_bots
from bot.zalo.channel import ZaloChannel
from jobs.outbox import Push, enqueue
from jobs.sender import Item, Outgoing
from models import ChatAccount
from models.settings import ZaloBotConfig
from tests.fakes.zalo_server import FakeZalo
from tests.zalo.support import ADMIN, NAMES, OFFICER, STRANGER, say

SECOND_TOKEN = "4061358907:SecondZaloBotTokenForTests_xyz"
LINK = "https://zalo.me/4061358907"
FAST = (0.05, 0.2)


@pytest.fixture
def zalo_settings(tmp_path: Path) -> dict[str, object]:
    """The demo's four Zalo officials fill the default bot (max_users 4); "huyen-b" has room."""
    second = ZaloBotConfig(name="huyen-b", token=SECOND_TOKEN, max_users=3, link=LINK, monthly_budget=2)
    return {"max_users": 4, "bots": [second], "budget_file": str(tmp_path / "zalo-budget.json")}


@pytest.fixture
async def second(zalo: FakeZalo) -> FakeZalo:
    other = zalo.another_bot(SECOND_TOKEN, "4061358907", "Bot CCHC Huyện B")
    for user in (ADMIN, STRANGER):
        other.user(NAMES[user], user)
    return other


@pytest.fixture
async def bots(app: App, zalo: FakeZalo, second: FakeZalo) -> AsyncIterator[list[ZaloChannel]]:
    async with running_bots(app, backoff=FAST) as channels:
        yield channels


async def invite(zalo: FakeZalo) -> str:
    answer = await say(zalo, ADMIN, "/moi 06457 canbo Nguyễn Văn Bình")
    code = re.search(r"/start ([A-Z0-9]{6,})", answer)
    assert code is not None, answer
    return code.group(1)


async def account_of(app: App, user: str) -> ChatAccount:
    async with app.sessions() as session:
        query = select(ChatAccount).where(ChatAccount.channel == "zalo", ChatAccount.external_id == user)
        return (await session.execute(query)).scalar_one()


async def push_to(app: App, user: str, key: str) -> None:
    official = (await account_of(app, user)).official_id
    context = {"outbox_id": 1, "kind": "deadline", "official": "", "attempts": 8, "error": "x"}
    async with app.sessions() as session, session.begin():
        await enqueue(session, [Push("dead_letter", key, official, context, app.clock.now(), urgent=True)])


async def test_a_full_bot_refuses_registration_and_names_the_bot_with_room(
    zalo: FakeZalo, second: FakeZalo, bots: list[ZaloChannel], app: App
) -> None:
    code = await invite(zalo)
    refused = await say(zalo, STRANGER, f"/start {code}")
    assert "“default” đã có đủ 4 cán bộ" in refused and "vẫn còn nguyên" in refused
    assert f"huyen-b: {LINK}" in refused and f"/start {code}" in refused

    welcome = await say(second, STRANGER, f"/start {code}")  # the same code, on the bot with room
    assert "Tuấn Sơn" in welcome
    assert (await account_of(app, STRANGER)).bot == "huyen-b"
    assert [sent.chat_id for sent in second.sent if sent.kind == "message"] == [STRANGER]


async def test_a_wrong_code_on_a_full_bot_is_said_as_wrong(zalo: FakeZalo, bots: list[ZaloChannel]) -> None:
    assert "Mã mời không đúng" in await say(zalo, STRANGER, "/start ABCDEFGH")


async def test_no_bot_with_room_says_to_ask_for_one(
    zalo: FakeZalo, second: FakeZalo, bots: list[ZaloChannel], app: App
) -> None:
    for user in ("a1", "a2", "a3"):  # fill "huyen-b" (max_users 3)
        second.user(user, user)
        assert "Tuấn Sơn" in await say(second, user, f"/start {await invite(zalo)}")
    fourth = second.user("Người thứ tư")
    refused = await say(second, fourth, f"/start {await invite(zalo)}")
    assert "“huyen-b” đã có đủ 3 cán bộ" in refused and "Hiện không bot nào còn chỗ" in refused


async def test_pushes_go_through_the_bot_the_official_registered_on(
    zalo: FakeZalo, second: FakeZalo, bots: list[ZaloChannel], app: App
) -> None:
    await say(second, STRANGER, f"/start {await invite(zalo)}")
    await push_to(app, STRANGER, "test:on huyen-b")
    await push_to(app, OFFICER, "test:on default")
    second_before = bots[1].budget.state().used if bots[1].budget else 0
    drained = await dispatcher(app, zalo_sender(bots, app)).drain_all()
    assert "8" in (await second.next_sent(STRANGER)).text
    assert "8" in (await zalo.next_sent(OFFICER)).text
    assert not [s for s in zalo.sent if s.chat_id == STRANGER and "8" in s.text]
    assert bots[1].budget is not None and bots[1].budget.state().used == second_before + 1
    # "huyen-b" allows 2 messages a month: the welcome and the push spent it, and the admin (on the
    # default bot) is told which bot runs low, once
    assert drained.sent == 3
    warning = await zalo.next_sent(ADMIN)
    assert "Bot Zalo “huyen-b”" in warning.text and "2/2" in warning.text


async def test_each_bot_counts_its_own_budget_and_a_spent_one_holds_only_its_pushes(
    zalo: FakeZalo, second: FakeZalo, bots: list[ZaloChannel], app: App, tmp_path: Path
) -> None:
    default, other = bots
    assert default.budget is not None and other.budget is not None
    await say(second, STRANGER, "/help")  # the registration prompt, through "huyen-b"
    await other.budget.spend(1)  # "huyen-b" allows 2 a month: now spent
    assert other.budget.state().spent and not default.budget.state().low
    assert (tmp_path / "zalo-budget-huyen-b.json").exists()  # a file for each bot
    sender = zalo_sender(bots, app)
    items = (Item("push/batch", {"count": 2}),)
    assert sender.hold_seconds(Outgoing("zalo", STRANGER, None, "vi", items, "huyen-b")) > 0  # held to next month
    assert sender.hold_seconds(Outgoing("zalo", OFFICER, None, "vi", items, "default")) == 0
    assert sender.hold_seconds(Outgoing("zalo", OFFICER, None, "vi", items)) == 0  # "": the first bot


async def test_admins_see_each_bots_officials_and_messages(
    zalo: FakeZalo, second: FakeZalo, bots: list[ZaloChannel], app: App
) -> None:
    await say(second, STRANGER, f"/start {await invite(zalo)}")
    used = bots[0].budget.state().used if bots[0].budget else 0  # the invite's answer; not yet this one
    answer = await say(zalo, ADMIN, "/nhacnho")
    assert f"default: 4/4 cán bộ, {used}/3.000 tin – đã đủ người" in answer
    assert "huyen-b: 1/3 cán bộ, 1/2 tin" in answer  # the welcome
    assert "Bot Zalo" not in await say(zalo, OFFICER, "/nhacnho")  # admins only


async def test_each_bot_has_its_own_webhook_path_and_secret(
    zalo: FakeZalo, second: FakeZalo, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.fakes.zalo_server import TOKEN
    from tests.zalo.test_webhook import SECRET, free_port, hooked_config

    caplog.set_level(logging.DEBUG)  # httpx logs every URL, the token in its path: masked for every bot
    port = free_port()
    hooked_config(app, port)
    bot = ZaloBotConfig(name="huyen-b", token=SECOND_TOKEN, webhook_secret="second-Secret_123")
    app.config = configuration.replace(app.config, "zalo", bots=[bot])
    async with running_bots(app) as channels:
        assert [channel.me.bot for channel in channels] == ["default", "huyen-b"]
        assert zalo.webhook is not None and second.webhook is not None
        assert zalo.webhook["url"] == f"http://127.0.0.1:{port}/zalo" and zalo.webhook["secret_token"] == SECRET
        assert second.webhook["url"] == f"http://127.0.0.1:{port}/zalo/huyen-b"
        assert second.webhook["secret_token"] == "second-Secret_123"
        assert "/start" in await say(second, STRANGER, "/help")  # in on "huyen-b", out through it
        assert not [s for s in zalo.sent if s.chat_id == STRANGER]
        wrong = {"event_name": "message.text.received", "message": {}}
        assert await second.post_webhook(wrong, secret=SECRET) == 403  # the other bot's secret is refused
    assert "/bot***/" in caplog.text
    assert TOKEN not in caplog.text and SECOND_TOKEN not in caplog.text


async def test_the_cli_lists_each_bot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``cchc-bot zalo bots`` (its command function: ``main`` would set the process's logging up)."""
    import argparse

    from bot.zalo_cli import run_zalo
    from models import Clock

    budget = tmp_path / "zalo-budget.json"
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "cchc.db"}"\n'
        f'[zalo]\ntoken = "1:a"\nbudget_file = "{budget}"\n'
        '[[zalo.bots]]\nname = "huyen-b"\ntoken = "2:b"\nmax_users = 40\nmonthly_budget = 1500\n',
        encoding="utf-8",
    )
    budget.write_text(f'{{"month": "{Clock().now():%Y-%m}", "used": 2412, "warned": ""}}', encoding="utf-8")
    assert await run_zalo(configuration.load(path, environ={}), argparse.Namespace(zalo_command="bots")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == ["• default: 0/50 cán bộ, 2.412/3.000 tin", "• huyen-b: 0/40 cán bộ, 0/1.500 tin"]
