"""``cchc-bot run`` starts the Telegram channel when a token is configured, stops cleanly on SIGTERM,
and fails with one line when the token is refused or only a Zalo token is set."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal

import pytest

from bot import config as configuration
from bot.cli import CliError, cmd_invite, cmd_run
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import ADMIN, demo_config, say


async def test_run_answers_on_telegram_until_sigterm(tg: FakeTelegram, db_url: str) -> None:
    config = demo_config(db_url, base_url=tg.base_url)
    running = asyncio.create_task(cmd_run(config, argparse.Namespace()))
    reply = await say(tg, ADMIN, "/help")
    assert "/moi" in reply.text
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(running, 15) == 0


async def test_a_refused_token_is_one_clear_line(tg: FakeTelegram, db_url: str) -> None:
    config = demo_config(db_url, base_url=tg.base_url)
    config = configuration.replace(config, "telegram", token="999999999:AAWrongTokenWrongTokenWrongToken")
    with pytest.raises(CliError, match=r"refused the bot token.*\[telegram\]\.token"):
        await cmd_run(config, argparse.Namespace())


async def test_an_unreachable_zalo_api_is_a_clear_error_without_the_token(db_url: str) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    config = configuration.replace(demo_config(db_url, token=""), "zalo", token="123456:zalo-secret", base_url=closed)
    with pytest.raises(CliError, match="cannot reach the Zalo Bot API") as refused:
        await cmd_run(config, argparse.Namespace())
    assert "zalo-secret" not in str(refused.value)


async def test_cli_invite_prints_a_deep_link_with_the_username_from_get_me(
    tg: FakeTelegram, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = demo_config(db_url, base_url=tg.base_url)  # bot_username left empty
    assert await cmd_invite(config, argparse.Namespace(unit="06457", role="canbo", name="Trần Văn C")) == 0
    assert re.search(r"https://t\.me/cchc_test_bot\?start=[A-Z0-9]{8}", capsys.readouterr().out)
    assert tg.called("getMe")
