"""Revision 0008 on a database that holds data made at revision 0007 (SQLite and PostgreSQL): the units,
officials and results stay as they were; the new table takes one row per unit, period and item, and
refuses a second one."""

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
    "(1, '20', 'Tỉnh Lạng Sơn', 'province', NULL, '/1/', NULL, NULL), "
    "(2, 'LS.TS', 'UBND xã Tuấn Sơn', 'commune', 1, '/1/2/', NULL, NULL)",
    "INSERT INTO officials (id, full_name, title, role, unit_id, language, active, push_opt_out, push_channel, "
    f"created_at) VALUES (1, 'Hoàng Văn Minh', 'Chủ tịch', 'unit_head', 2, 'vi', true, false, '', '{AT}')",
    "INSERT INTO indices (id, code, name_vi, name_en, publisher, score_kind, max_score, min_score) VALUES "
    "(1, 'PAR', 'PAR INDEX', 'PAR INDEX', 'BNV', 'points', 1000000, NULL)",
    "INSERT INTO index_results (id, index_id, unit_id, year, period, period_number, score, note, source) "
    "VALUES (1, 1, 1, 2025, 'year', 0, 859400, '', '')",
]
CHECKS = {
    "SELECT id, code, kind FROM units ORDER BY id": [(1, "20", "province"), (2, "LS.TS", "commune")],
    "SELECT id, role, unit_id FROM officials": [(1, "unit_head", 2)],
    "SELECT id, year, period, score FROM index_results": [(1, 2025, "year", 859400)],
}
INPUT = (
    "INSERT INTO report_inputs (unit_id, period, item, text, official_id, updated_at) "
    "VALUES (2, '2026-H1', 'highlights', 'Cắt giảm 12 thủ tục', 1, '{at}')"
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0007(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_at(request.param, "0007", tmp_path) as url:
        yield url


async def test_0008_keeps_the_data_and_takes_one_input_per_unit_period_and_item(url_at_0007: str) -> None:
    engine = create_engine(url_at_0007)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0007, "0008")
        async with engine.connect() as conn:
            found = {query: [tuple(r) for r in (await conn.execute(text(query))).all()] for query in CHECKS}
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        async with engine.begin() as conn:
            await conn.execute(text(INPUT.format(at=AT)))
            stored = (await conn.execute(text("SELECT unit_id, period, item, text FROM report_inputs"))).all()
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text(INPUT.format(at=AT)))
    finally:
        await engine.dispose()

    assert found == CHECKS
    assert revision == "0008"
    assert [tuple(r) for r in stored] == [(2, "2026-H1", "highlights", "Cắt giảm 12 thủ tục")]
