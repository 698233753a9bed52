"""Start-up and CLI failures a user can cause – PostgreSQL unreachable, a file that is not a database, a
write lock held by another process, a full disk, Telegram refusing the webhook, an unexpected error –
are each ONE line on stderr with a non-zero exit status, never a traceback, never a secret.

The CLI runs in its own process (what an operator sees) except where a failure is injected into it
(the full disk, the unexpected error) or the fake Bot API runs in the test's own loop (the webhook).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot import cli
from bot import config as configuration
from bot.cli import CliError, cmd_run, main
from tests.fakes.telegram_server import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "samples" / "don_vi.xlsx"
COMMANDS = {
    "db upgrade": ["db", "upgrade"],
    "demo load": ["demo", "load"],
    "import": ["import", "units", str(UNITS)],
    "invite": ["invite", "LS.SNV", "quantri", "--name", "Nguyễn Thị A"],
    "jobs run": ["jobs", "run", "reminders"],
    "indices list": ["indices", "list"],
    "indices add": ["indices", "add", "CCDV", "Chỉ số phục vụ người dân", "--max", "100"],
    "backup": ["backup"],
    "run": ["run"],  # no token: the console chat, reading stdin
}


def run_cli(tmp_path: Path, config: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(path), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        input="/help\n/nhiemvu\n",
        timeout=120,
        env={**os.environ, "CCHC_TELEGRAM_TOKEN": "", "CCHC_ZALO_TOKEN": ""},
    )


def scalar(database: Path, sql: str) -> object:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return connection.execute(sql).fetchone()[0]


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0, done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nobody listens there once the probe is closed


@pytest.mark.parametrize("command", [name for name in COMMANDS if name != "backup"])
def test_unreachable_postgresql_is_one_line(tmp_path: Path, command: str) -> None:
    port = closed_port()
    url = f"postgresql+asyncpg://cchc:hunter2-secret@127.0.0.1:{port}/cchc"
    line = one_line(run_cli(tmp_path, f'[database]\nurl = "{url}"\n', COMMANDS[command]))
    assert f"không kết nối được máy chủ cơ sở dữ liệu 127.0.0.1:{port}/cchc" in line
    assert "hunter2-secret" not in line


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path, command: str) -> None:
    (tmp_path / "x.db").write_bytes(os.urandom(5000))
    line = one_line(run_cli(tmp_path, '[database]\nurl = "sqlite+aiosqlite:///x.db"\n', COMMANDS[command]))
    assert line == (
        "cchc-bot: x.db không phải cơ sở dữ liệu SQLite, hoặc đã hỏng: kiểm tra [database].url,"
        " hoặc khôi phục từ bản sao lưu"
    )


def test_english_when_the_configuration_says_so(tmp_path: Path) -> None:
    (tmp_path / "x.db").write_bytes(os.urandom(5000))
    config = '[database]\nurl = "sqlite+aiosqlite:///x.db"\n[bot]\ndefault_language = "en"\n'
    line = one_line(run_cli(tmp_path, config, COMMANDS["db upgrade"]))
    assert line == (
        "cchc-bot: x.db is not an SQLite database, or it is damaged: check [database].url, or restore a backup"
    )


@pytest.mark.parametrize("command", ["import", "demo load"])
def test_a_write_lock_held_too_long_is_one_line(tmp_path: Path, sqlite_template: Path, command: str) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "c.db")
    holder = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing, and not letting go
        config = '[database]\nurl = "sqlite+aiosqlite:///c.db"\nlock_timeout_seconds = 1\n'
        line = one_line(run_cli(tmp_path, config, COMMANDS[command]))
    finally:
        holder.close()
    assert line == (
        "cchc-bot: cơ sở dữ liệu c.db bị một tiến trình khác khóa quá 1 giây ([database].lock_timeout_seconds):"
        " chưa ghi gì; cần thử lại"
    )
    assert scalar(tmp_path / "c.db", "SELECT count(*) FROM units") == 0


def in_process(capsys: pytest.CaptureFixture[str], tmp_path: Path, config: str, args: list[str]) -> tuple[int, str]:
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    status = main(["--config", str(path), *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and len(captured.err.splitlines()) == 1, captured.err
    return status, captured.err.strip()


DISK_FULL = "ổ đĩa đã đầy"


def test_a_full_disk_inside_sqlite_is_one_line_and_writes_nothing(
    tmp_path: Path, sqlite_template: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite itself reports the disk full (SQLITE_FULL): the database may not grow by a single page."""
    import models.db

    original = models.db._sqlite_pragmas

    def no_room(dbapi_connection: Any, record: Any) -> None:
        original(dbapi_connection, record)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    monkeypatch.setattr(models.db, "_sqlite_pragmas", no_room)
    shutil.copyfile(sqlite_template, tmp_path / "c.db")
    config = f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "c.db"}"\n'
    status, line = in_process(capsys, tmp_path, config, COMMANDS["demo load"])
    assert status == 1 and DISK_FULL in line and "chưa ghi gì" in line
    assert scalar(tmp_path / "c.db", "SELECT count(*) FROM units") == 0


@pytest.mark.parametrize("command", ["db upgrade", "backup"])
def test_a_full_disk_outside_sqlite_is_one_line(
    tmp_path: Path,
    sqlite_template: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """The operating system says ENOSPC when the bot makes the database's or the backup's folder."""

    def full(self: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    (tmp_path / "var").mkdir()
    shutil.copyfile(sqlite_template, tmp_path / "var" / "c.db")
    where = tmp_path / ("new" if command == "db upgrade" else "var") / "c.db"
    monkeypatch.setattr(Path, "mkdir", full)
    status, line = in_process(capsys, tmp_path, f'[database]\nurl = "sqlite+aiosqlite:///{where}"\n', COMMANDS[command])
    assert status == 1 and DISK_FULL in line


def test_a_really_full_disk_is_one_line_and_leaves_no_half_schema(tmp_path: Path) -> None:
    """A 300 kB tmpfs (root only): the first migration runs out of room, and leaves nothing behind, so
    the next attempt says the same and not "table already exists"."""
    full = tmp_path / "full"
    full.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(full)]).returncode:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        config = f'[database]\nurl = "sqlite+aiosqlite:///{full / "c.db"}"\n'
        for _ in range(2):
            assert DISK_FULL in one_line(run_cli(tmp_path, config, COMMANDS["db upgrade"]))
        assert scalar(full / "c.db", "SELECT count(*) FROM sqlite_master") == 0
    finally:
        subprocess.run(["umount", str(full)], check=True)


def test_an_unexpected_error_is_one_line_without_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(config: configuration.Config, args: argparse.Namespace) -> int:
        raise RuntimeError(f"something odd at https://api.telegram.org/bot{TOKEN}/getMe")

    monkeypatch.setitem(cli.COMMANDS, "db", broken)
    status, line = in_process(capsys, tmp_path, f'[telegram]\ntoken = "{TOKEN}"\n', COMMANDS["db upgrade"])
    assert status == 1 and "lỗi ngoài dự kiến (RuntimeError: something odd" in line
    assert TOKEN not in line and TOKEN.split(":")[1] not in line


async def test_telegram_refusing_the_webhook_is_one_line(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "c.db")
    async with FakeTelegram() as tg:
        tg.faults.add("error", methods=["setWebhook"], status=400)  # Telegram: "Bad Request: bad webhook: …"
        config = configuration.load(None, environ={})
        config = configuration.replace(config, "database", url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
        config = configuration.replace(config, "bot", load_demo_when_empty=False)
        config = configuration.replace(config, "schedule", enabled=False)
        config = configuration.replace(
            config,
            "telegram",
            token=TOKEN,
            base_url=tg.base_url,
            mode="webhook",
            webhook_port=closed_port(),
            webhook_public_url="https://bot.langson.gov.vn",
            webhook_secret="webhook-secret-1",
        )
        with pytest.raises(CliError) as refused:
            await cmd_run(config, argparse.Namespace())
    line = refused.value.line("vi")
    assert line.startswith("Telegram từ chối webhook https://bot.langson.gov.vn/telegram (setWebhook:")
    assert "\n" not in line and TOKEN not in line and "webhook-secret-1" not in line
    assert "refused the webhook" in str(refused.value)


async def test_cchc_bot_run_says_in_one_line_that_telegram_refused_the_webhook(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """The whole command in its own process, against the fake Bot API refusing setWebhook."""
    import asyncio

    shutil.copyfile(sqlite_template, tmp_path / "c.db")
    async with FakeTelegram() as tg:
        refusal = tg.faults.add("error", methods=["setWebhook"], status=400)
        (tmp_path / "config.toml").write_text(
            '[database]\nurl = "sqlite+aiosqlite:///c.db"\n[bot]\nload_demo_when_empty = false\n'
            "[schedule]\nenabled = false\n"
            f'[telegram]\ntoken = "{TOKEN}"\nbase_url = "{tg.base_url}"\nmode = "webhook"\n'
            f'webhook_port = {closed_port()}\nwebhook_public_url = "https://bot.langson.gov.vn"\n'
            'webhook_secret = "webhook-secret-1"\n',
            encoding="utf-8",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--config", "config.toml", "run",
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "CCHC_TELEGRAM_TOKEN": "", "CCHC_ZALO_TOKEN": ""},
        )  # fmt: skip
        _, err = await asyncio.wait_for(process.communicate(), 120)
    stderr = err.decode()
    assert process.returncode == 1 and "Traceback" not in stderr, stderr
    failures = [line for line in stderr.splitlines() if line.startswith("cchc-bot: ")]
    assert len(failures) == 1 and failures[0] == stderr.splitlines()[-1], stderr
    assert failures[0].startswith("cchc-bot: Telegram từ chối webhook https://bot.langson.gov.vn/telegram")
    assert TOKEN not in stderr and "webhook-secret-1" not in stderr
    assert refusal.hits == 1  # the bot did ask
