"""Revision 0005 on a database that holds data made at revision 0004 (SQLite and PostgreSQL): every index
and result is kept as it was, PAPI gets the bottom of its 10-80 scale, results stored before have no
published precision (shown as before), and a new result keeps the decimals it was published with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from models.db import create_engine, upgrade
from tests.migration_support import database_at

ROWS = [
    "INSERT INTO units (id, code, name, kind, parent_id, path, valid_from, valid_to) VALUES "
    "(1, '20', 'Tỉnh Lạng Sơn', 'province', NULL, '/1/', NULL, NULL), "
    "(2, 'SNV', 'Sở Nội vụ', 'department', 1, '/1/2/', NULL, NULL)",
    "INSERT INTO indices (id, code, name_vi, name_en, publisher, score_kind, max_score) VALUES "
    "(1, 'PAR', 'PAR INDEX', 'PAR INDEX', 'BNV', 'points', 1000000), "
    "(2, 'PAPI', 'PAPI', 'PAPI', 'UNDP', 'points', 800000), "
    "(3, 'SIPAS', 'SIPAS', 'SIPAS', 'BNV', 'percent', 1000000)",
    "INSERT INTO index_components (id, index_id, number, name_vi, name_en, max_score) "
    "VALUES (1, 1, 1, 'Chỉ đạo, điều hành', 'Direction', NULL)",
    "INSERT INTO index_results (id, index_id, unit_id, year, score, rank, rank_total, note, source) VALUES "
    "(1, 1, 1, 2023, 859400, 47, 63, '', ''), (2, 2, 1, 2023, NULL, 21, 63, '', '')",
    "INSERT INTO component_results (id, result_id, component_id, score, rank, rank_total) "
    "VALUES (1, 1, 1, 65000, 53, 63)",
]
CHECKS = {
    "SELECT code, max_score, min_score FROM indices ORDER BY id": [
        ("PAR", 1000000, None),
        ("PAPI", 800000, 100000),
        ("SIPAS", 1000000, None),
    ],
    "SELECT id, score, rank, rank_total, score_places, delta_places FROM index_results ORDER BY id": [
        (1, 859400, 47, 63, None, None),
        (2, None, 21, 63, None, None),
    ],
    "SELECT result_id, score, rank, score_places, delta_places FROM component_results": [(1, 65000, 53, None, None)],
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0004(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database migrated to revision 0004 only."""
    async with database_at(request.param, "0004", tmp_path) as url:
        yield url


async def test_0005_keeps_the_results_made_at_0004_and_gives_papi_its_scale(url_at_0004: str) -> None:
    engine = create_engine(url_at_0004)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0004, "0005")
        async with engine.connect() as conn:
            found = {query: [tuple(r) for r in (await conn.execute(text(query))).all()] for query in CHECKS}
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO index_results (id, index_id, unit_id, year, score, score_places, note, source) "
                    "VALUES (3, 2, 1, 2024, 473450, 3, '', '')"
                )
            )
            kept = await conn.scalar(text("SELECT score_places FROM index_results WHERE id = 3"))
    finally:
        await engine.dispose()

    assert found == CHECKS
    assert revision == "0005"
    assert kept == 3
