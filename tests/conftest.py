"""Shared fixtures. ``db_url`` runs a test once on SQLite and once on PostgreSQL.

PostgreSQL tests use a throw-away database created for the test session on 127.0.0.1:5432 (user
postgres, trust auth). When the server is unreachable they skip with the reason, except under CI=true,
where they fail: CI must prove the PostgreSQL path.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import models  # noqa: F401  (every table on Base.metadata)
from models.base import Base
from models.db import create_engine, session_factory, upgrade

PG_ADMIN_DSN = os.environ.get("CCHC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]
T = TypeVar("T")


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """A test that runs ``bot.cli.main`` sets the process's logging up (``bot.logs.setup``: its own root
    handler, httpx at WARNING); undo that, so a later test's ``caplog`` sees what it expects (pytest adds
    its own handlers afresh for each phase of a test)."""
    from bot.logs import RedactSecrets

    root = logging.getLogger()
    names = ("httpx", "httpcore", "apscheduler", "alembic")
    level, levels = root.level, {name: logging.getLogger(name).level for name in names}
    yield
    for handler in root.handlers[:]:
        if any(isinstance(f, RedactSecrets) for f in handler.filters):
            root.removeHandler(handler)
    root.setLevel(level)
    for name, was in levels.items():
        logging.getLogger(name).setLevel(was)


def pytest_configure(config: pytest.Config) -> None:
    """``GOLDEN_RECORD=<dir>`` records the golden corpus while the suite runs (``make golden``, tests/golden)."""
    if target := os.environ.get("GOLDEN_RECORD"):
        from tests.golden.record import Recorder

        config.pluginmanager.register(Recorder(Path(target), bool(os.environ.get("GOLDEN_ADD"))), "golden-recorder")


def _pg_async_url(database: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    """Name of a fresh PostgreSQL database for this test session, or None when unreachable."""
    name = f"cchc_test_{os.getpid()}_{secrets.token_hex(3)}"

    async def create() -> str | None:
        try:
            conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        except (OSError, asyncpg.PostgresError) as exc:
            return f"unreachable: {exc}"
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return None

    async def drop() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    problem = _run_in_thread(create())
    if problem:
        yield None
        return
    yield name
    _run_in_thread(drop())


def _run_in_thread(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop; fixtures may be asked for inside a running loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _skip_or_fail_pg(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_DSN}: {reason}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once per test session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    _run_in_thread(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_migrated(pg_server: str | None) -> str | None:
    """The session's PostgreSQL database, migrated once; None when PostgreSQL is unreachable."""
    if pg_server is None:
        return None
    _run_in_thread(upgrade(_pg_async_url(pg_server)))
    return pg_server


TABLES = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database URL, once per backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    server = request.getfixturevalue("pg_migrated")
    if server is None:
        _skip_or_fail_pg("could not connect")
    conn = await asyncpg.connect(PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{server}")
    try:
        await conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()
    yield _pg_async_url(server)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session
