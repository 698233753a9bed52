"""``cchc-bot init`` and ``cchc-bot demo remove`` refuse in ONE line on stderr, exit 1, never a traceback:
a province that no longer exists names its successor; a demo that real people or real data use is not
removed, and nothing of it is deleted (a real official's account is never silently dropped)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from models import DEFAULT_TZ, Role, Unit
from models.db import create_engine, session_factory
from models.queries.accounts import ChatIdentity, create_invite, redeem_invite

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=DEFAULT_TZ)


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "cchc.db"}"\n', encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(path), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "CCHC_TELEGRAM_TOKEN": "", "CCHC_ZALO_TOKEN": ""},
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def count(database: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_init_of_a_merged_province_is_refused_naming_its_successor(tmp_path: Path) -> None:
    line = one_line(run_cli(tmp_path, "init", "--province", "Hà Giang"))
    assert "Tỉnh Hà Giang (mã 02)" in line and "Tỉnh Tuyên Quang (mã 08)" in line and "12/06/2025" in line
    assert not (tmp_path / "cchc.db").exists()  # refused before anything was made


def test_init_of_an_unknown_province_is_one_line(tmp_path: Path) -> None:
    assert "“Lạng Giang”" in one_line(run_cli(tmp_path, "init", "--province", "Lạng Giang"))


def test_init_with_a_code_another_unit_holds_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "cchc.db"}"\n', encoding="utf-8")
    assert main(["--config", str(config), "init", "--province", "Cao Bằng"]) == 0
    assert main(["--config", str(config), "init", "--province", "Lạng Sơn", "--code", "04"]) == 1
    assert "mã đơn vị 04 đã là của đơn vị “Tỉnh Cao Bằng”" in capsys.readouterr().err
    assert count(tmp_path / "cchc.db", "units") == 1


async def _register_real_official(database: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with session_factory(engine)() as session:
            from sqlalchemy import select

            commune = (await session.execute(select(Unit).where(Unit.code == "06457"))).scalar_one()
            invite = await create_invite(session, commune, Role.UNIT_HEAD, "Nguyễn Văn An", None, NOW, timedelta(1))
            await redeem_invite(session, invite.code, ChatIdentity("telegram", "5550001", "5550001"), NOW)
            await session.commit()
    finally:
        await engine.dispose()


async def test_demo_remove_is_refused_while_a_real_official_uses_a_demo_unit(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "demo", "load").returncode == 0
    database = tmp_path / "cchc.db"
    await _register_real_official(database)
    before = {table: count(database, table) for table in ("units", "officials", "chat_accounts", "plans", "outbox")}
    line = one_line(run_cli(tmp_path, "demo", "remove"))
    assert "Nguyễn Văn An (06457)" in line and "chưa xóa gì" in line
    assert {table: count(database, table) for table in before} == before


def test_indices_refusals_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "init", "--province", "Lạng Sơn").returncode == 0

    taken = one_line(run_cli(tmp_path, "indices", "add", "papi", "Chỉ số trùng mã"))
    unknown = one_line(run_cli(tmp_path, "indices", "component", "XYZ", "1", "Lĩnh vực"))

    assert taken == "cchc-bot: đã có chỉ số mã PAPI: xem bằng cchc-bot indices list"
    assert unknown.startswith("cchc-bot: không có chỉ số mã “XYZ”")
    assert count(tmp_path / "cchc.db", "indices") == 7  # the six standard indices and the 766 service index
