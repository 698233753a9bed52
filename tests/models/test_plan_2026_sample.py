"""samples/ke_hoach_2026.xlsx, a 48-task plan written as plans are (groups, line-broken headers, every
deadline form), imports with zero errors into the demo database and into one made by ``init`` with
samples/don_vi_lang_son_2025.csv (SQLite and PostgreSQL), its groups expanded to today's units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, Assignment, AssignmentRole, DeadlineKind, FrozenClock, Task, Unit
from models.demo import load_demo
from models.importers import import_file
from models.provinces import find_province
from models.scope import Scope
from models.setup import init_province
from tests.models.test_importers import SAMPLES, ok
from tests.said import changes as said

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)
PLAN_2026 = {"plan": "KH-CCHC-2026", "year": 2026, "title": "Kế hoạch cải cách hành chính năm 2026 (demo)"}


async def _import_plan(session: AsyncSession, scope: Scope) -> list[str]:
    path = SAMPLES / "ke_hoach_2026.xlsx"
    preview = ok(await import_file(session, "tasks", path, options=PLAN_2026, scope=scope, dry_run=True))
    result = ok(await import_file(session, "tasks", path, options=PLAN_2026, scope=scope))
    await session.commit()
    assert (result.created, len(result.skipped_rows)) == (48, 8)
    return said(preview.changes)


async def _communes(session: AsyncSession) -> int:
    kinds = ("commune", "ward")
    return int(
        await session.scalar(
            select(func.count()).select_from(Unit).where(Unit.kind.in_(kinds), Unit.valid_to.is_(None))
        )
        or 0
    )


async def _task(session: AsyncSession, number: int) -> tuple[Task, dict[str, int]]:
    task = (await session.execute(select(Task).where(Task.number == number, Task.deadline_text != ""))).scalars().all()
    mine = next(t for t in task if t.plan_id == max(t.plan_id for t in task))
    rows = await session.execute(
        select(Assignment.role, Assignment.via_group, func.count())
        .where(Assignment.task_id == mine.id)
        .group_by(Assignment.role, Assignment.via_group)
    )
    return mine, {f"{role}:{via or '-'}": n for role, via, n in rows}


async def _check(session: AsyncSession, changes: list[str]) -> None:
    communes = await _communes(session)
    assert communes == 65
    assert any("chủ trì Các sở, ban, ngành → " in c and "UBND các xã, phường → 65 đơn vị" in c for c in changes)
    _, roles = await _task(session, 1)  # "Các sở, ban, ngành;\nUBND các xã, phường" lead, SNV cooperates
    assert roles["lead:communes"] == 65 and roles["lead:departments"] >= 12
    assert roles.get("cooperate:-", 0) == 0  # Sở Nội vụ is a department: lead through the group, not both
    recurring, _ = await _task(session, 3)
    assert (recurring.deadline_kind, recurring.recurrence) == (DeadlineKind.RECURRING, "quarterly@15")
    due_on = set((await session.execute(select(Assignment.due_on).where(Assignment.task_id == recurring.id))).scalars())
    assert {str(d) for d in due_on} == {"2026-03-15"}
    _, roles = await _task(session, 9)  # "Các cơ quan, đơn vị liên quan": no unit, no error
    assert roles == {"lead:-": 1}
    leads = await session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.role == AssignmentRole.LEAD)
    )
    assert leads and leads > 48


async def test_the_2026_plan_imports_into_the_demo_database(session: AsyncSession) -> None:
    await load_demo(session, FrozenClock(at=NOW))
    await session.commit()
    province = (await session.execute(select(Unit).where(Unit.code == "LS"))).scalar_one()

    changes = await _import_plan(session, Scope(province))

    await _check(session, changes)


async def test_the_2026_plan_imports_into_a_database_made_by_init(session: AsyncSession) -> None:
    entry = find_province("Lạng Sơn")
    assert entry is not None
    made = await init_province(session, entry, FrozenClock(at=NOW))
    await session.commit()
    scope = Scope(made.province)
    ok(await import_file(session, "units", SAMPLES / "don_vi_lang_son_2025.csv", scope=scope))
    await session.commit()

    changes = await _import_plan(session, scope)

    await _check(session, changes)
