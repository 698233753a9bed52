"""``cchc-bot run`` with Telegram, the Zalo bot and the Zalo OA configured: all three channels run in one
process, their webhooks on one port, and each answers on its own channel."""

from __future__ import annotations

import argparse
import asyncio

from bot import config as configuration
from bot.app import App
from bot.cli import cmd_run
from tests.fakes.telegram_server import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_oa_server import FakeOa
from tests.fakes.zalo_server import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_server import FakeZalo
from tests.zalo.test_run import free_port, stop
from tests.zalo_oa.conftest import CHAIR


async def test_telegram_the_zalo_bot_and_the_oa_run_in_one_process(app: App, oa: FakeOa) -> None:
    port = free_port()
    hook = {"webhook_listen": "127.0.0.1", "webhook_port": port, "webhook_public_url": f"http://127.0.0.1:{port}"}
    async with FakeTelegram() as tg, FakeZalo() as zalo:
        tg.user(4242, lang="vi")
        zalo_user = zalo.user("Người lạ", "f0" * 10)
        zalo_hook = {"webhook_path": "/zalo", "webhook_secret": "zalo-secret-1", "budget_file": "", **hook}
        config = configuration.replace(app.config, "zalo", token=ZALO_TOKEN, base_url=zalo.base_url, mode="webhook",
                                       **zalo_hook)  # fmt: skip
        config = configuration.replace(config, "telegram", token=TELEGRAM_TOKEN, base_url=tg.base_url, mode="webhook",
                                       webhook_path="/telegram", webhook_secret="tg-secret-1", **hook)  # fmt: skip
        config = configuration.replace(config, "zalo_oa", webhook_listen="127.0.0.1", webhook_port=port)
        config = configuration.replace(config, "schedule", enabled=False)
        running = asyncio.create_task(cmd_run(config, argparse.Namespace()))
        try:
            for _ in range(150):
                if tg.webhook and zalo.webhook:
                    break
                await asyncio.sleep(0.1)
            assert tg.webhook is not None and zalo.webhook is not None
            assert await oa.post_event(f"http://127.0.0.1:{port}/zalo-oa", oa.text_event(CHAIR, "/help")) == 200
            assert "/nhiemvu" in (await oa.next_sent(CHAIR, timeout=15)).text
            await zalo.send_text(zalo_user, "/help")
            assert "đăng ký" in (await zalo.next_sent(zalo_user, timeout=15)).text
            await tg.send_text(4242, "/help")
            assert "chưa đăng ký" in (await tg.next_sent(4242, timeout=15)).text
        finally:
            await stop(running)
