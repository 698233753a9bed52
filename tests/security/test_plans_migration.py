"""Revision 0004 on a database that holds a plan made at revision 0003 (SQLite and PostgreSQL): every task
and assignment is kept as it was, with no group, no recurrence, no per-assignment due date and an empty
product and note, so every status stays what it was; the new columns then take a group-led, recurring
task."""

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
    "(2, 'SNV', 'Sở Nội vụ', 'department', 1, '/1/2/', NULL, NULL), "
    "(3, '06457', 'Xã Tuấn Sơn', 'commune', 1, '/1/3/', '2025-07-01', NULL)",
    "INSERT INTO plans (id, code, year, title, issuing_unit_id) VALUES (1, 'KH-2026', 2026, 'Kế hoạch', 1)",
    "INSERT INTO tasks (id, plan_id, number, content, deadline_text, deadline_kind, due_date) VALUES "
    "(1, 1, 1, 'Rà soát thủ tục', 'Quý II/2026', 'period', '2026-06-30'), "
    "(2, 1, 2, 'Tuyên truyền', 'Thường xuyên', 'continuous', '2026-12-31')",
    "INSERT INTO assignments (id, task_id, unit_id, role, progress, completed_on) VALUES "
    "(1, 1, 2, 'lead', 100, '2026-05-02'), (2, 1, 3, 'cooperate', 40, NULL), (3, 2, 3, 'lead', 0, NULL)",
]
CHECKS = {
    "SELECT id, number, deadline_kind, CAST(due_date AS VARCHAR(10)), recurrence, product, note FROM tasks "
    "ORDER BY id": [
        (1, 1, "period", "2026-06-30", None, "", ""),
        (2, 2, "continuous", "2026-12-31", None, "", ""),
    ],
    "SELECT id, task_id, unit_id, role, progress, via_group, due_on FROM assignments ORDER BY id": [
        (1, 1, 2, "lead", 100, None, None),
        (2, 1, 3, "cooperate", 40, None, None),
        (3, 2, 3, "lead", 0, None, None),
    ],
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database migrated to revision 0003 only."""
    async with database_at(request.param, "0003", tmp_path) as url:
        yield url


async def _read(url: str, checks: dict[str, object]) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return {query: [tuple(r) for r in (await conn.execute(text(query))).all()] for query in checks}
    finally:
        await engine.dispose()


async def test_0004_keeps_the_plans_made_at_0003_and_takes_groups_and_recurrences(url_at_0003: str) -> None:
    engine = create_engine(url_at_0003)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0003, "0004")  # this revision's own work (0005 has its own test)
        found = await _read(url_at_0003, CHECKS)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO tasks (id, plan_id, number, content, deadline_text, deadline_kind, due_date, "
                    "recurrence, product, note) VALUES (3, 1, 3, 'Báo cáo định kỳ', 'Hằng quý', 'recurring', "
                    "'2026-12-31', 'quarterly', 'Báo cáo', '')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO assignments (id, task_id, unit_id, role, progress, via_group, due_on) "
                    "VALUES (4, 3, 3, 'lead', 0, 'communes', '2026-03-31')"
                )
            )
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert found == CHECKS
    assert revision == "0004"
