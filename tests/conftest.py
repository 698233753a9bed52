"""Shared fixtures. ``db_url`` runs a test once on SQLite and once on PostgreSQL.

PostgreSQL tests use a throw-away database created for the test session on 127.0.0.1:5432 (user
postgres, trust auth). When the server is unreachable they skip with the reason, except under CI=true,
where they fail: CI must prove the PostgreSQL path.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.db import create_engine, session_factory, upgrade

PG_ADMIN_DSN = os.environ.get("CCHC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]
T = TypeVar("T")


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


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database URL, once per backend."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        await upgrade(url)
        yield url
        return
    server = request.getfixturevalue("pg_server")
    if server is None:
        _skip_or_fail_pg("could not connect")
    url = _pg_async_url(server)
    schema_reset = await asyncpg.connect(PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{server}")
    try:
        await schema_reset.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await schema_reset.close()
    await upgrade(url)
    yield url


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
