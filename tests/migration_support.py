"""A database migrated to an older revision only, on SQLite or PostgreSQL, for the tests that fill it
with data made by a released version and then upgrade it (migrations are append-only: a province's
database made by revision N must upgrade to N+1 with its data)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from models.db import upgrade
from tests.conftest import PG_ADMIN_DSN, _pg_async_url, _skip_or_fail_pg


@contextlib.asynccontextmanager
async def database_at(backend: str, revision: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database of ``backend`` ("sqlite" or "postgresql") migrated to ``revision``;
    a PostgreSQL one is dropped afterwards (skipped, or failed under CI=true, when unreachable)."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / f'at_{revision}.db'}"
        await upgrade(url, revision)
        yield url
        return
    name = f"cchc_at_{revision}_{secrets.token_hex(4)}"
    try:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        _skip_or_fail_pg(str(exc))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = _pg_async_url(name)
    try:
        await upgrade(url, revision)
        yield url
    finally:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
