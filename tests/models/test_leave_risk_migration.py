"""Revision 0009 on a database that holds data made at revision 0008 (SQLite and PostgreSQL): the officials
and progress reports stay as they were, an old report has no self-assessment (nobody was asked), a new
one stores it, and a leave with or without a stand-in can be recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from models.db import create_engine, upgrade
from tests.migration_support import database_at

AT = "2026-06-01 09:00:00+00"
ROWS = [
    "INSERT INTO units (id, code, name, kind, parent_id, path, valid_from, valid_to) VALUES "
    "(1, '20', 'Tỉnh Lạng Sơn', 'province', NULL, '/1/', NULL, NULL), "
    "(2, 'LS.TS', 'UBND xã Tuấn Sơn', 'commune', 1, '/1/2/', NULL, NULL)",
    "INSERT INTO officials (id, full_name, title, role, unit_id, language, active, push_opt_out, push_channel, "
    f"created_at) VALUES (1, 'Hoàng Văn Minh', 'Chủ tịch', 'unit_head', 2, 'vi', true, false, '', '{AT}'), "
    f"(2, 'Lý Thị Hoa', 'Công chức', 'officer', 2, 'vi', true, false, '', '{AT}')",
    "INSERT INTO plans (id, code, year, title, issuing_unit_id, issued_on) VALUES "
    "(1, 'KH-2026', 2026, 'Kế hoạch CCHC năm 2026', 1, NULL)",
    "INSERT INTO tasks (id, plan_id, number, content, field, deadline_text, deadline_kind, due_date, recurrence, "
    "product, note) VALUES (1, 1, 1, 'Rà soát thủ tục', 3, '30/6', 'date', '2026-06-30', NULL, '', '')",
    "INSERT INTO assignments (id, task_id, unit_id, role, progress, completed_on, updated_at, via_group, due_on) "
    f"VALUES (1, 1, 2, 'lead', 40, NULL, '{AT}', NULL, NULL)",
    "INSERT INTO progress_reports (id, assignment_id, percent, note, evidence, evidence_kind, evidence_channel, "
    f"reported_by_id, reported_at) VALUES (1, 1, 40, 'đang rà soát', '', '', '', 1, '{AT}')",
]
CHECKS = {
    "SELECT id, role, unit_id FROM officials ORDER BY id": [(1, "unit_head", 2), (2, "officer", 2)],
    "SELECT id, progress FROM assignments": [(1, 40)],
    "SELECT id, percent, note, self_assessment FROM progress_reports": [(1, 40, "đang rà soát", None)],
}
NEW = [
    "INSERT INTO progress_reports (id, assignment_id, percent, note, evidence, evidence_kind, evidence_channel, "
    f"reported_by_id, reported_at, self_assessment) VALUES (2, 1, 50, '', '', '', '', 1, '{AT}', 'at_risk')",
    "INSERT INTO leaves (official_id, starts_on, ends_on, stand_in_id, created_by_id, created_at) VALUES "
    f"(1, '2026-12-05', '2026-12-10', 2, 1, '{AT}'), (2, '2026-12-20', '2026-12-21', NULL, 2, '{AT}')",
]


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_at(request.param, "0008", tmp_path) as url:
        yield url


async def test_0009_keeps_reports_and_officials_and_stores_leave_and_self_assessment(url_at_0008: str) -> None:
    engine = create_engine(url_at_0008)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0008, "0009")
        async with engine.connect() as conn:
            found = {query: [tuple(r) for r in (await conn.execute(text(query))).all()] for query in CHECKS}
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        async with engine.begin() as conn:
            for row in NEW:
                await conn.execute(text(row))
            assessed = (await conn.execute(text("SELECT id, self_assessment FROM progress_reports ORDER BY id"))).all()
            leaves = (
                await conn.execute(text("SELECT official_id, stand_in_id FROM leaves ORDER BY official_id"))
            ).all()
    finally:
        await engine.dispose()

    assert found == CHECKS
    assert revision == "0009"
    assert [tuple(r) for r in assessed] == [(1, None), (2, "at_risk")]
    assert [tuple(r) for r in leaves] == [(1, 2), (2, None)]
