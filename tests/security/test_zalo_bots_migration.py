"""Revision 0012 on a database that holds data made at revision 0011 (SQLite and PostgreSQL): every
chat account is kept; the Zalo ones are bound to the "default" bot (the one bot there was), the others to
none; a new account takes the bot it is given."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from models.db import create_engine, upgrade
from tests.migration_support import database_at

ROWS = [
    "INSERT INTO units (id, code, name, kind, parent_id, path, valid_from, valid_to) VALUES "
    "(1, '20', 'Tỉnh Lạng Sơn', 'province', NULL, '/1/', NULL, NULL)",
    "INSERT INTO officials (id, full_name, title, role, unit_id, language, active, push_opt_out, push_channel, "
    "created_at) VALUES (1, 'Nguyễn Văn An', 'Chánh Văn phòng', 'admin', 1, 'vi', true, false, '', "
    "'2026-01-01 00:00:00+00:00')",
    "INSERT INTO chat_accounts (id, official_id, channel, external_id, chat_id, display_name, blocked, created_at) "
    "VALUES (1, 1, 'zalo', 'aaaa', 'aaaa', 'An', false, '2026-01-01 00:00:00+00:00')",
    "INSERT INTO chat_accounts (id, official_id, channel, external_id, chat_id, display_name, blocked, created_at) "
    "VALUES (2, 1, 'telegram', '42', '42', 'An', false, '2026-01-01 00:00:00+00:00')",
]


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_at(request.param, "0011", tmp_path) as url:
        yield url


async def test_0012_binds_existing_zalo_accounts_to_the_default_bot(url_at_0011: str) -> None:
    engine = create_engine(url_at_0011)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0011, "0012")
        async with engine.begin() as conn:
            rows = (
                await conn.execute(text("SELECT id, channel, external_id, bot FROM chat_accounts ORDER BY id"))
            ).all()
            assert [tuple(r) for r in rows] == [(1, "zalo", "aaaa", "default"), (2, "telegram", "42", "")]
            await conn.execute(text(
                "INSERT INTO chat_accounts (id, official_id, channel, external_id, chat_id, display_name, blocked, "
                "created_at) VALUES (3, 1, 'console', 'chair', 'chair', '', false, '2026-01-01 00:00:00+00:00')"
            ))  # fmt: skip
            await conn.execute(text("UPDATE chat_accounts SET bot = 'huyen-a' WHERE id = 1"))
            rows = (await conn.execute(text("SELECT id, bot FROM chat_accounts ORDER BY id"))).all()
            assert [tuple(r) for r in rows] == [(1, "huyen-a"), (2, ""), (3, "")]
    finally:
        await engine.dispose()
