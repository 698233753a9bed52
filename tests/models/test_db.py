"""The engine's SQLite adapter: a message's reads on the event loop's thread, writes on aiosqlite's;
what a session remembers it has read is forgotten once it writes."""

from __future__ import annotations

import shutil
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models import AuditEntry, UnitKind
from models.db import create_engine, reads_inline, session_factory
from models.queries.units import unit_names
from tests import factories as f


@pytest.fixture
async def sqlite_sessions(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """SQLite only (``reads_inline`` concerns aiosqlite's thread), where ``thread_id()`` in SQL is the id of
    the thread that runs the statement."""
    path = tmp_path / "inline.db"
    shutil.copyfile(sqlite_template, path)
    engine = _with_thread_id(create_engine(f"sqlite+aiosqlite:///{path}"))
    yield session_factory(engine)
    await engine.dispose()


def _with_thread_id(engine: AsyncEngine) -> AsyncEngine:
    @event.listens_for(engine.sync_engine, "connect")
    def add_function(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.driver_connection._conn.create_function("thread_id", 0, threading.get_ident)

    return engine


async def _thread(session: AsyncSession) -> int:
    return int((await session.execute(select(func.thread_id()))).scalar_one())


async def test_a_message_reads_on_the_loop_thread_and_writes_on_aiosqlites(
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    loop_thread = threading.get_ident()
    async with sqlite_sessions() as session:
        assert await _thread(session) != loop_thread  # outside a message: aiosqlite's thread
        with reads_inline():
            assert await _thread(session) == loop_thread
            await session.execute(
                text("insert into audit_log (at, action, subject, detail) values (:at, thread_id(), '', '{}')"),
                {"at": "2026-01-01 00:00:00.000000"},
            )
            assert await _thread(session) != loop_thread  # inside a write transaction: aiosqlite's thread
        await session.commit()
        written = (await session.execute(select(AuditEntry.action))).scalar_one()
    assert int(written) != loop_thread


async def test_a_session_reads_a_name_again_after_it_writes(session: AsyncSession) -> None:
    province = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    commune = await f.unit(session, "MS", UnitKind.COMMUNE, province, name="Xã Minh Sơn")
    await session.commit()
    assert (await unit_names(session, [commune.id]))[commune.id].name == "Xã Minh Sơn"
    commune.name = "Phường Minh Sơn"
    await session.flush()
    named = (await unit_names(session, [commune.id]))[commune.id]
    assert (named.name, named.parent_name) == ("Phường Minh Sơn", "Tỉnh Lạng Sơn")


async def test_without_wal_a_message_reads_on_aiosqlites_thread() -> None:
    """A database that is not in WAL mode (here one in memory) could make a reader wait for a writer: its
    reads stay off the event loop."""
    engine = _with_thread_id(create_engine("sqlite+aiosqlite:///:memory:"))
    try:
        async with session_factory(engine)() as session:
            with reads_inline():
                assert await _thread(session) != threading.get_ident()
    finally:
        await engine.dispose()
