"""Revision 0011 on a database that holds data made at revision 0008 (SQLite and PostgreSQL): every
official is kept, without a phone; the OA's tables start empty and take tokens, users and a month's
ZNS spend."""

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
]


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_at(request.param, "0008", tmp_path) as url:
        yield url


async def test_0011_keeps_officials_and_adds_the_oa_tables(url_at_0008: str) -> None:
    engine = create_engine(url_at_0008)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0008, "0011")
        async with engine.begin() as conn:
            officials = (await conn.execute(text("SELECT id, full_name, phone FROM officials"))).all()
            assert [tuple(r) for r in officials] == [(1, "Nguyễn Văn An", None)]
            await conn.execute(text("UPDATE officials SET phone = '84912345678' WHERE id = 1"))
            await conn.execute(text(
                "INSERT INTO zns_spend (month, messages, vnd, warned) VALUES ('2026-12', 1, 300, false)"
            ))  # fmt: skip
            await conn.execute(text(
                "INSERT INTO zalo_oa_users (user_id, followed, last_interaction_at, updated_at) "
                "VALUES ('u1', true, NULL, '2026-12-02 03:00:00+00:00')"
            ))  # fmt: skip
            spend = (await conn.execute(text("SELECT month, messages, vnd FROM zns_spend"))).all()
            assert [tuple(r) for r in spend] == [("2026-12", 1, 300)]
            assert (await conn.execute(text("SELECT count(*) FROM zalo_oa_tokens"))).scalar() == 0
    finally:
        await engine.dispose()
