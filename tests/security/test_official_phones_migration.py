"""Revision 0013 (through 0012) on a database that holds data made at revision 0011 (SQLite and
PostgreSQL): every official and invite is kept, existing invites bound to no listed official; two
officials typed with one number keep it on the first only; from then on one number is one official's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.db import create_engine, upgrade
from tests.migration_support import database_at

OFFICIAL = (
    "INSERT INTO officials (id, full_name, title, role, unit_id, language, active, push_opt_out, push_channel, "
    "created_at, phone) VALUES ({id}, '{name}', '', 'officer', 1, 'vi', true, false, '', "
    "'2026-01-01 00:00:00+00:00', {phone})"
)
ROWS = [
    "INSERT INTO units (id, code, name, kind, parent_id, path, valid_from, valid_to) VALUES "
    "(1, '20', 'Tỉnh Lạng Sơn', 'province', NULL, '/1/', NULL, NULL)",
    OFFICIAL.format(id=1, name="Nguyễn Văn An", phone="'84912345678'"),
    OFFICIAL.format(id=2, name="Trần Thị Bình", phone="'84912345678'"),
    OFFICIAL.format(id=3, name="Lê Văn Cường", phone="NULL"),
    OFFICIAL.format(id=4, name="Phạm Thị Dung", phone="NULL"),
    "INSERT INTO invites (id, code, unit_id, role, full_name, title, created_by_id, created_at, expires_at) "
    "VALUES (1, 'ABCDEFGH', 1, 'officer', 'Mời', '', 1, '2026-01-01 00:00:00+00:00', '2026-01-04 00:00:00+00:00')",
]


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_at(request.param, "0011", tmp_path) as url:
        yield url


async def test_0013_keeps_officials_and_invites_and_makes_a_number_one_officials(url_at_0011: str) -> None:
    engine = create_engine(url_at_0011)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0011, "0013")
        async with engine.begin() as conn:
            officials = (await conn.execute(text("SELECT id, full_name, phone FROM officials ORDER BY id"))).all()
            assert [tuple(r) for r in officials] == [
                (1, "Nguyễn Văn An", "84912345678"),
                (2, "Trần Thị Bình", None),
                (3, "Lê Văn Cường", None),
                (4, "Phạm Thị Dung", None),
            ]
            invites = (await conn.execute(text("SELECT code, official_id FROM invites"))).all()
            assert [tuple(r) for r in invites] == [("ABCDEFGH", None)]
            await conn.execute(text("UPDATE invites SET official_id = 3"))
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE officials SET phone = '84912345678' WHERE id = 4"))
    finally:
        await engine.dispose()
