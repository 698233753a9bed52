"""Revision 0010 on a database that holds data made at revision 0008 (SQLite and PostgreSQL): the units
and officials stay as they were; the new tables (links, sessions, feed tokens) keep one row per token
hash and refuse a second."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.db import create_engine, upgrade
from tests.migration_support import database_at

AT = "2026-06-01 09:00:00+00"
ROWS = [
    "INSERT INTO units (id, code, name, kind, parent_id, path, valid_from, valid_to) VALUES "
    "(1, '20', 'Tỉnh Lạng Sơn', 'province', NULL, '/1/', NULL, NULL)",
    "INSERT INTO officials (id, full_name, title, role, unit_id, language, active, push_opt_out, push_channel, "
    f"created_at) VALUES (1, 'Hoàng Văn Minh', 'Chủ tịch', 'leader', 1, 'vi', true, false, '', '{AT}')",
    "INSERT INTO report_inputs (unit_id, period, item, text, official_id, updated_at) "
    f"VALUES (1, '2026-H1', 'highlights', 'Cắt giảm 12 thủ tục', 1, '{AT}')",
]
CHECKS = {
    "SELECT id, code, kind FROM units ORDER BY id": [(1, "20", "province")],
    "SELECT id, role, active FROM officials": [(1, "leader", True)],
    "SELECT unit_id, item, text FROM report_inputs": [(1, "highlights", "Cắt giảm 12 thủ tục")],
}
LINK = (
    "INSERT INTO dashboard_links (token_hash, official_id, created_at, expires_at, used_at) "
    f"VALUES ('{'a' * 64}', 1, '{AT}', '{AT}', NULL)"
)
FEED = (
    "INSERT INTO feed_tokens (name, token_hash, province_id, created_at, revoked_at) "
    f"VALUES ('IOC', '{'c' * 64}', 1, '{AT}', NULL)"
)
SESSION = (
    "INSERT INTO dashboard_sessions (token_hash, official_id, via, created_at, expires_at) "
    f"VALUES ('{'b' * 64}', 1, 'link', '{AT}', '{AT}')"
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_at(request.param, "0008", tmp_path) as url:
        yield url


async def test_0010_keeps_the_data_and_stores_links_and_sessions_once_per_token(url_at_0008: str) -> None:
    engine = create_engine(url_at_0008)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0008, "0010")
        async with engine.connect() as conn:
            found = {query: [tuple(r) for r in (await conn.execute(text(query))).all()] for query in CHECKS}
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        async with engine.begin() as conn:
            await conn.execute(text(LINK))
            await conn.execute(text(SESSION))
            await conn.execute(text(FEED))
        for again in (LINK, SESSION, FEED):
            with pytest.raises(IntegrityError):
                async with engine.begin() as conn:
                    await conn.execute(text(again))
    finally:
        await engine.dispose()
    assert found == CHECKS
    assert revision == "0010"
