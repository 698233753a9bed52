"""Revision 0006 on a database that holds data made at revision 0005 (SQLite and PostgreSQL): units,
indices and results are kept as they were, PAPI's dimensions get the bottom of their 1-10 scale, other
components keep none, and a unit can then be given the codes and names the province's files use."""

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
    "(2, 'LS.SNV', 'Sở Nội vụ', 'department', 1, '/1/2/', NULL, NULL)",
    "INSERT INTO indices (id, code, name_vi, name_en, publisher, score_kind, max_score, min_score) VALUES "
    "(1, 'PAR', 'PAR INDEX', 'PAR INDEX', 'BNV', 'points', 1000000, NULL), "
    "(2, 'PAPI', 'PAPI', 'PAPI', 'UNDP', 'points', 800000, 100000)",
    "INSERT INTO index_components (id, index_id, number, name_vi, name_en, max_score) VALUES "
    "(1, 1, 1, 'Chỉ đạo, điều hành', 'Direction', NULL), (2, 2, 1, 'Tham gia', 'Participation', 100000)",
    "INSERT INTO index_results (id, index_id, unit_id, year, score, rank, rank_total, note, source, score_places) "
    "VALUES (1, 2, 1, 2024, 473450, 21, 63, '', '', 3)",
    "INSERT INTO component_results (id, result_id, component_id, score, rank, rank_total) "
    "VALUES (1, 1, 2, 52000, 30, 63)",
]
CHECKS = {
    "SELECT id, code, name FROM units ORDER BY id": [(1, "20", "Tỉnh Lạng Sơn"), (2, "LS.SNV", "Sở Nội vụ")],
    "SELECT id, max_score, min_score FROM index_components ORDER BY id": [(1, None, None), (2, 100000, 10000)],
    "SELECT score, score_places FROM index_results": [(473450, 3)],
    "SELECT score, rank FROM component_results": [(52000, 30)],
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0005(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database migrated to revision 0005 only."""
    async with database_at(request.param, "0005", tmp_path) as url:
        yield url


async def test_0006_keeps_the_data_made_at_0005_and_gives_papi_dimensions_their_scale(url_at_0005: str) -> None:
    engine = create_engine(url_at_0005)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0005, "0006")
        async with engine.connect() as conn:
            found = {query: [tuple(r) for r in (await conn.execute(text(query))).all()] for query in CHECKS}
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO unit_aliases (unit_id, alias, folded, kind, source) "
                    "VALUES (2, 'SNV', 'snv', 'code', 'don_vi.xlsx')"
                )
            )
            alias = await conn.scalar(text("SELECT u.code FROM unit_aliases a JOIN units u ON u.id = a.unit_id"))
    finally:
        await engine.dispose()

    assert found == CHECKS
    assert revision == "0006"
    assert alias == "LS.SNV"
