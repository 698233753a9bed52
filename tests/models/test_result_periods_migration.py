"""Revision 0007 on a database that holds data made at revision 0006 (SQLite and PostgreSQL): every result
stays, as a yearly one; a unit may then hold the months of a year beside the year's result, and still not
two results of one year."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.db import create_engine, upgrade
from tests.migration_support import database_at

ROWS = [
    "INSERT INTO units (id, code, name, kind, parent_id, path, valid_from, valid_to) VALUES "
    "(1, '20', 'Tỉnh Lạng Sơn', 'province', NULL, '/1/', NULL, NULL), "
    "(2, 'LS.TS', 'UBND xã Tuấn Sơn', 'commune', 1, '/1/2/', NULL, NULL)",
    "INSERT INTO indices (id, code, name_vi, name_en, publisher, score_kind, max_score, min_score) VALUES "
    "(1, 'PAR', 'PAR INDEX', 'PAR INDEX', 'BNV', 'points', 1000000, NULL)",
    "INSERT INTO index_components (id, index_id, number, name_vi, name_en, max_score) VALUES "
    "(1, 1, 1, 'Chỉ đạo, điều hành', 'Direction', NULL)",
    "INSERT INTO index_results (id, index_id, unit_id, year, score, rank, rank_total, note, source, score_places) "
    "VALUES (1, 1, 1, 2023, 859400, 47, 63, '', '', 2), (2, 1, 1, 2024, 871100, 23, 63, '', '', 2)",
    "INSERT INTO component_results (id, result_id, component_id, score, rank, rank_total) "
    "VALUES (1, 1, 1, 52000, 30, 63)",
]
CHECKS = {
    "SELECT id, year, period, period_number, score, rank FROM index_results ORDER BY id": [
        (1, 2023, "year", 0, 859400, 47),
        (2, 2024, "year", 0, 871100, 23),
    ],
    "SELECT result_id, score FROM component_results": [(1, 52000)],
}
MONTH = (
    "INSERT INTO index_results (id, index_id, unit_id, year, period, period_number, score, note, source) "
    "VALUES (3, 1, 1, 2024, 'month', 10, 812300, '', '')"
)
SECOND_YEAR = (
    "INSERT INTO index_results (id, index_id, unit_id, year, score, note, source) VALUES (4, 1, 1, 2024, 1, '', '')"
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0006(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database migrated to revision 0006 only."""
    async with database_at(request.param, "0006", tmp_path) as url:
        yield url


async def test_0007_keeps_every_result_as_yearly_and_takes_months_beside_the_year(url_at_0006: str) -> None:
    engine = create_engine(url_at_0006)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0006, "0007")
        async with engine.connect() as conn:
            found = {query: [tuple(r) for r in (await conn.execute(text(query))).all()] for query in CHECKS}
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        async with engine.begin() as conn:
            await conn.execute(text(MONTH))
            months = await conn.scalar(text("SELECT count(*) FROM index_results WHERE period = 'month'"))
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text(SECOND_YEAR))
    finally:
        await engine.dispose()

    assert found == CHECKS
    assert revision == "0007"
    assert months == 1
