"""``cchc-bot run`` with a Zalo token: the channel answers and queued pushes go out on Zalo; with
Telegram and Zalo both in webhook mode on one port, one server carries both."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
from datetime import datetime

from sqlalchemy import insert, select

from bot import config as configuration
from bot.cli import cmd_run
from models import DEFAULT_TZ, ChatAccount, OutboxMessage
from tests.fakes.telegram_server import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_server import FakeZalo
from tests.zalo.support import ADMIN, zalo_config

T0 = datetime(2024, 1, 1, tzinfo=DEFAULT_TZ)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def queue_push(db_url: str, external_id: str) -> None:
    from models.db import create_engine, session_factory

    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            official = (
                await session.execute(select(ChatAccount.official_id).where(ChatAccount.external_id == external_id))
            ).scalar_one()
            context = {"outbox_id": 1, "kind": "deadline", "official": "", "attempts": 8, "error": "HTTP 502"}
            await session.execute(
                insert(OutboxMessage).values(
                    dedupe_key="zalo-run:1", kind="dead_letter", official_id=official, template="push/dead_letter",
                    context=context, urgent=True, not_before=T0, created_at=T0,
                )
            )  # fmt: skip
            await session.commit()
    finally:
        await engine.dispose()


async def stop(running: asyncio.Task[int]) -> None:
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(running, 15) == 0


async def test_cchc_bot_run_answers_on_zalo_and_sends_pushes_there(zalo: FakeZalo, db_url: str) -> None:
    config = configuration.replace(zalo_config(db_url, zalo.base_url), "schedule", enabled=False)
    config = configuration.replace(config, "telegram", token="")  # Zalo alone
    running = asyncio.create_task(cmd_run(config, argparse.Namespace()))
    try:
        await zalo.send_text(ADMIN, "/help")  # the admin writes from Zalo: their pushes go there
        assert "/moi" in (await zalo.next_sent(ADMIN, timeout=15)).text
        await queue_push(db_url, ADMIN)
        push = await zalo.next_sent(ADMIN, timeout=15)
        assert "Không gửi được một thông báo" in push.text and "HTTP 502" in push.text
    finally:
        await stop(running)


async def test_telegram_and_zalo_webhooks_share_one_port(zalo: FakeZalo, db_url: str) -> None:
    port = free_port()
    async with FakeTelegram() as tg:
        tg.user(4242, lang="vi")
        config = zalo_config(db_url, zalo.base_url)
        hook = {"webhook_listen": "127.0.0.1", "webhook_port": port, "webhook_public_url": f"http://127.0.0.1:{port}"}
        config = configuration.replace(config, "zalo", mode="webhook", webhook_path="/zalo",
                                       webhook_secret="zalo-secret-1", **hook)  # fmt: skip
        config = configuration.replace(config, "telegram", token=TELEGRAM_TOKEN, base_url=tg.base_url, mode="webhook",
                                       webhook_path="/telegram", webhook_secret="tg-secret-1", **hook)  # fmt: skip
        config = configuration.replace(config, "schedule", enabled=False)
        running = asyncio.create_task(cmd_run(config, argparse.Namespace()))
        try:
            for _ in range(150):  # both channels registered their webhook on the one server
                if tg.webhook and zalo.webhook:
                    break
                await asyncio.sleep(0.1)
            assert tg.webhook is not None and tg.webhook["url"] == f"http://127.0.0.1:{port}/telegram"
            assert zalo.webhook is not None and zalo.webhook["url"] == f"http://127.0.0.1:{port}/zalo"
            await zalo.send_text(ADMIN, "/help")
            assert "/moi" in (await zalo.next_sent(ADMIN, timeout=15)).text
            await tg.send_text(4242, "/help")  # a stranger on Telegram: only the registration prompt
            assert "chưa đăng ký" in (await tg.next_sent(4242, timeout=15)).text
        finally:
            await stop(running)
