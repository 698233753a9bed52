"""Revision 0003 on a database that holds data made at revision 0002 (SQLite and PostgreSQL): every unit,
plan, task, assignment, result and official is kept as it was, every reference still holds, the lineage
table exists, and a unit code may then be reused by a successor (the global unique constraint is gone)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.db import create_engine, upgrade
from tests.migration_support import database_at

AT = "2024-06-01 02:00:00"
ROWS = [
    "INSERT INTO units (id, code, name, kind, parent_id, path, valid_from, valid_to) VALUES "
    "(1, '20', 'Tỉnh Lạng Sơn', 'province', NULL, '/1/', NULL, NULL), "
    "(2, 'HL', 'Huyện Hữu Lũng', 'district', 1, '/1/2/', NULL, '2025-06-30'), "
    "(3, '06457', 'Xã Minh Sơn', 'commune', 2, '/1/2/3/', NULL, '2025-06-30'), "
    "(4, 'SNV', 'Sở Nội vụ', 'department', 1, '/1/4/', NULL, NULL)",
    "INSERT INTO plans (id, code, year, title, issuing_unit_id) VALUES (1, 'KH-2024', 2024, 'Kế hoạch', 1)",
    "INSERT INTO tasks (id, plan_id, number, content, deadline_text, deadline_kind, due_date) "
    "VALUES (1, 1, 1, 'Rà soát thủ tục', 'Quý II', 'period', '2024-06-30')",
    "INSERT INTO assignments (id, task_id, unit_id, role, progress) VALUES (1, 1, 3, 'lead', 80), "
    "(2, 1, 4, 'cooperate', 100)",
    "INSERT INTO indices (id, code, name_vi, name_en, publisher, score_kind, max_score) "
    "VALUES (1, 'CCHC', 'Chỉ số CCHC', 'PAR index', 'UBND tỉnh', 'points', 1000000)",
    "INSERT INTO index_results (id, index_id, unit_id, year, score, rank, rank_total, note, source) "
    "VALUES (1, 1, 3, 2024, 859400, 12, 200, '', 'QĐ 123')",
    "INSERT INTO officials (id, full_name, title, role, unit_id, language, active, push_opt_out, push_channel, "
    f"created_at) VALUES (1, 'Nguyễn Văn An', 'Chủ tịch', 'unit_head', 3, 'vi', true, false, '', '{AT}')",
    "INSERT INTO audit_log (id, at, actor_id, action, subject, detail, province_id) "
    f"VALUES (1, '{AT}', 1, 'import.units', 'x', '{{}}', 1)",
]
CHECKS = {
    "SELECT id, code, name, kind, parent_id, path FROM units ORDER BY id": [
        (1, "20", "Tỉnh Lạng Sơn", "province", None, "/1/"),
        (2, "HL", "Huyện Hữu Lũng", "district", 1, "/1/2/"),
        (3, "06457", "Xã Minh Sơn", "commune", 2, "/1/2/3/"),
        (4, "SNV", "Sở Nội vụ", "department", 1, "/1/4/"),
    ],
    "SELECT code, CAST(valid_to AS VARCHAR(10)) FROM units WHERE valid_to IS NOT NULL ORDER BY id": [
        ("HL", "2025-06-30"),
        ("06457", "2025-06-30"),
    ],
    "SELECT code, year, issuing_unit_id FROM plans": [("KH-2024", 2024, 1)],
    "SELECT task_id, unit_id, role, progress FROM assignments ORDER BY id": [
        (1, 3, "lead", 80),
        (1, 4, "cooperate", 100),
    ],
    "SELECT unit_id, year, score, rank, rank_total FROM index_results": [(3, 2024, 859400, 12, 200)],
    "SELECT full_name, role, unit_id FROM officials": [("Nguyễn Văn An", "unit_head", 3)],
    "SELECT action, province_id FROM audit_log": [("import.units", 1)],
    "SELECT count(*) FROM unit_lineage": [(0,)],
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0002(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database migrated to revision 0002 only."""
    async with database_at(request.param, "0002", tmp_path) as url:
        yield url


async def test_0003_keeps_the_data_made_at_0002_and_lets_a_successor_reuse_a_code(url_at_0002: str) -> None:
    engine = create_engine(url_at_0002)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0002, "0003")  # this revision's own work (later ones have their own tests)
        async with engine.connect() as conn:
            found = {query: [tuple(r) for r in (await conn.execute(text(query))).all()] for query in CHECKS}
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        # the reform's new commune takes its predecessor's official code from 1/7/2025
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO units (id, code, name, kind, parent_id, path, valid_from) "
                    "VALUES (5, '06457', 'Xã Hữu Lũng', 'commune', 1, '/1/5/', '2025-07-01')"
                )
            )
            await conn.execute(
                text(
                    'INSERT INTO unit_lineage (predecessor_id, successor_id, "on", how) '
                    "VALUES (3, 5, '2025-07-01', 'formed_from')"
                )
            )
        # references are still enforced after the table was rebuilt
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO officials (id, full_name, title, role, unit_id, language, "
                        f"active, push_opt_out, push_channel, created_at) VALUES (2, 'x', '', "
                        f"'officer', 99, 'vi', true, false, '', '{AT}')"
                    )
                )
    finally:
        await engine.dispose()
    assert found == CHECKS
    assert revision == "0003"
