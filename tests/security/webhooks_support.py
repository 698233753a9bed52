"""The bot in a process of its own (``cchc-bot run``, Telegram in webhook mode, default webhook limits)
against a fake Telegram server in the test's process, and stalled clients: what the webhook flood tests
share. Everything listens on 127.0.0.1; every wait is bounded."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.telegram_server import TOKEN, FakeTelegram

SECRET = "flood-Secret_0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STRANGER = 1999  # an unregistered Telegram user: /help gets the registration prompt
START_SECONDS = 120.0  # a loaded 2-core machine takes a while to import and migrate
# Sets the open-file limit (0: unchanged), then runs the command line as `cchc-bot` would.
LAUNCH = (
    "import resource, sys\n"
    "limit = int(sys.argv[1])\n"
    "if limit: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))\n"
    "from bot.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class BotProcess:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def rss_mb(self) -> float:
        """The resident memory of the bot's process, in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS line: is the process gone?")

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()


def write_config(path: Path, database: Path, tg: FakeTelegram, port: int) -> None:
    path.write_text(
        f"""[database]
url = "sqlite+aiosqlite:///{database}"
[bot]
load_demo_when_empty = false
[schedule]
enabled = false
[dispatch]
enabled = false
[telegram]
token = "{TOKEN}"
base_url = "{tg.base_url}"
mode = "webhook"
webhook_listen = "127.0.0.1"
webhook_port = {port}
webhook_public_url = "https://127.0.0.1:{port}"  # registered only; the tests post to the port itself
webhook_path = "/telegram"
webhook_secret = "{SECRET}"
""",
        encoding="utf-8",
    )


@contextlib.asynccontextmanager
async def bot_process(
    tg: FakeTelegram, tmp_path: Path, migrated: Path, *, open_files: int = 0
) -> AsyncIterator[BotProcess]:
    """``cchc-bot run`` on a copy of the migrated, empty database ``migrated``, until the block ends;
    yields once its webhook is registered with ``tg``."""
    database = tmp_path / "bot.db"
    shutil.copyfile(migrated, database)
    port = free_port()
    config = tmp_path / "config.toml"
    write_config(config, database, tg, port)
    log_path = tmp_path / "bot.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(open_files), "--config", str(config), "run"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    bot = BotProcess(process, port, log_path)
    try:
        started = time.monotonic()
        while not (tg.webhook and tg.webhook["url"].endswith(f":{port}/telegram")):
            assert process.poll() is None, "the bot stopped:\n" + "\n".join(bot.log_lines()[-20:])
            assert time.monotonic() - started < START_SECONDS, "the bot did not register its webhook"
            await asyncio.sleep(0.1)
        yield bot
    finally:
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 30)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait, 30)


async def answered(tg: FakeTelegram, text: str = "/help", timeout: float = 30.0) -> str:
    """Send ``text`` as the unregistered user, through the webhook; the bot's answer."""
    await tg.send_text(STRANGER, text)
    return (await tg.next_sent(STRANGER, timeout=timeout)).text


@dataclass
class Stalled:
    """A client connection that stopped sending."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


async def stall(port: int, head: bytes, body: bytes = b"") -> Stalled:
    """Open a connection, send ``head`` (and ``body``) and nothing more."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head + body)
    return Stalled(reader, writer)


def post_head(*, secret: str | None, length: int) -> bytes:
    head = f"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n"
    if secret is not None:
        head += f"{SECRET_HEADER}: {secret}\r\n"
    return (head + "\r\n").encode()


async def closed_by_server(stalled: Stalled, within: float) -> bool:
    """Whether the server closes the connection within ``within`` seconds (what it says first is read
    and dropped)."""
    try:
        async with asyncio.timeout(within):
            while await stalled.reader.read(64 * 1024):
                pass
    except TimeoutError:
        return False
    except ConnectionError:
        pass  # closed with a reset: closed all the same
    return True


def close_all(clients: list[Stalled]) -> None:
    for client in clients:
        client.writer.transport.abort()
