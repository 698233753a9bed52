"""``cchc-bot backup``: a consistent copy of the SQLite database taken while the bot keeps writing."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from models import DEFAULT_TZ, FrozenClock
from models.backup import BackupError, backup_sqlite
from models.db import create_engine, session_factory, upgrade
from models.demo import load_demo
from models.system import AuditEntry

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)
DEMO_DAY = datetime(2026, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)  # the demo is the province since the 1/7/2025 reform


async def test_a_backup_taken_during_writes_is_whole_and_consistent(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    await upgrade(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        await load_demo(session, FrozenClock(at=DEMO_DAY))
        await session.commit()
    stop = asyncio.Event()
    written = 0

    async def keep_writing() -> None:  # the bot, reporting progress all the while
        nonlocal written
        while not stop.is_set():
            async with sessions() as session:
                session.add_all(AuditEntry(at=NOW, action="test.write", subject=str(written + i)) for i in range(50))
                await session.commit()
            written += 50
            await asyncio.sleep(0)

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.05)
    made = await backup_sqlite(url, tmp_path / "copy.db", NOW)
    stop.set()
    await writer
    await engine.dispose()

    assert made.path == tmp_path / "copy.db" and made.size > 0 and made.tables >= 20
    assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file
    copy = sqlite3.connect(made.path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        in_copy = copy.execute("SELECT count(*) FROM audit_log WHERE action = 'test.write'").fetchone()[0]
        assert in_copy % 50 == 0 and in_copy <= written  # whole transactions only, as of one moment
        assert copy.execute("SELECT count(*) FROM units").fetchone()[0] > 50
    finally:
        copy.close()
    assert written > 0


async def test_refusals_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="pg_dump"):
        await backup_sqlite("postgresql+asyncpg://postgres@127.0.0.1/test", None, NOW)
    with pytest.raises(BackupError, match="no database at"):
        await backup_sqlite(f"sqlite+aiosqlite:///{tmp_path / 'none.db'}", None, NOW)
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    await upgrade(url)
    first = await backup_sqlite(url, None, NOW)
    assert first.path == tmp_path / "backups" / "live-20240601-090000.db"
    with pytest.raises(BackupError, match="exists already"):
        await backup_sqlite(url, None, NOW)
