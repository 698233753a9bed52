"""Revision 0002 on a database that holds data made at revision 0001 (SQLite and PostgreSQL): plans and
drives with no issuing unit get the province of the units they assign when those all lie in one
province, and stay NULL (nobody's) otherwise; the audit log gains ``province_id``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from models.db import create_engine, upgrade
from tests.migration_support import database_at

AT = "2024-06-01 02:00:00"
ROWS = [
    # two provinces: P (1) with a commune (2), Q (3) with a commune (4)
    "INSERT INTO units (id, code, name, kind, parent_id, path) VALUES (1, 'P', 'Tỉnh P', 'province', NULL, '/1/')",
    "INSERT INTO units (id, code, name, kind, parent_id, path) VALUES (2, 'PA', 'Xã PA', 'commune', 1, '/1/2/')",
    "INSERT INTO units (id, code, name, kind, parent_id, path) VALUES (3, 'Q', 'Tỉnh Q', 'province', NULL, '/3/')",
    "INSERT INTO units (id, code, name, kind, parent_id, path) VALUES (4, 'QA', 'Xã QA', 'commune', 3, '/3/4/')",
    # plan 1: tasks of P only; plan 2: tasks of P and Q; plan 3: no task; plan 4: issued by Q already
    "INSERT INTO plans (id, code, year, title, issuing_unit_id) VALUES (1, 'KH-P', 2024, 'P', NULL)",
    "INSERT INTO plans (id, code, year, title, issuing_unit_id) VALUES (2, 'KH-PQ', 2024, 'PQ', NULL)",
    "INSERT INTO plans (id, code, year, title, issuing_unit_id) VALUES (3, 'KH-EMPTY', 2025, 'E', NULL)",
    "INSERT INTO plans (id, code, year, title, issuing_unit_id) VALUES (4, 'KH-Q', 2024, 'Q', 3)",
    "INSERT INTO tasks (id, plan_id, number, content, deadline_text, deadline_kind, due_date) "
    "VALUES (1, 1, 1, 'a', '', 'date', '2024-09-30'), (2, 2, 1, 'b', '', 'date', '2024-09-30'), "
    "(3, 4, 1, 'c', '', 'date', '2024-09-30')",
    "INSERT INTO assignments (id, task_id, unit_id, role, progress) VALUES (1, 1, 2, 'lead', 100), "
    "(2, 2, 2, 'lead', 0), (3, 2, 4, 'cooperate', 0), (4, 3, 4, 'lead', 0)",
    # a drive with no organiser whose participants are all of Q
    "INSERT INTO drives (id, code, title, organiser_unit_id, starts_on, ends_on) "
    "VALUES (1, 'TD-Q', 'Q', NULL, '2024-05-01', '2024-09-30')",
    "INSERT INTO drive_participants (id, drive_id, unit_id) VALUES (1, 1, 4)",
    "INSERT INTO audit_log (id, at, actor_id, action, subject, detail) "
    f"VALUES (1, '{AT}', NULL, 'import.units', 'x', '{{}}')",
]


@pytest.fixture(params=["sqlite", "postgresql"])
async def url_at_0001(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database migrated to revision 0001 only."""
    async with database_at(request.param, "0001", tmp_path) as url:
        yield url


async def test_0002_backfills_issuing_provinces_from_data_made_at_0001(url_at_0001: str) -> None:
    engine = create_engine(url_at_0001)
    try:
        async with engine.begin() as conn:
            for row in ROWS:
                await conn.execute(text(row))
        await upgrade(url_at_0001, "0002")  # this revision's own work (0003 has its own test)
        async with engine.connect() as conn:
            plans = dict((await conn.execute(text("SELECT code, issuing_unit_id FROM plans"))).all())
            drives = dict((await conn.execute(text("SELECT code, organiser_unit_id FROM drives"))).all())
            audit = (await conn.execute(text("SELECT action, province_id FROM audit_log"))).all()
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert plans == {"KH-P": 1, "KH-PQ": None, "KH-EMPTY": None, "KH-Q": 3}
    assert drives == {"TD-Q": 3}
    assert audit == [("import.units", None)]
    assert revision == "0002"
