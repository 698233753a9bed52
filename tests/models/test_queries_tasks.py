"""Plan, task and assignment queries on SQLite and PostgreSQL: which plan, the unit's tasks with their
status, per-unit counts computed by the database, a task's detail, progress reports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, Assignment, AuditEntry, Plan, ProgressReport, TaskStatus, Unit, UnitKind
from models.queries.tasks import (
    counts_by_unit,
    evidence_in,
    latest_reports,
    plan_for,
    record_progress,
    task_detail,
    task_numbers,
    unit_tasks,
)
from models.rules import StatusCounts, task_status
from tests import factories as f

TODAY = date(2024, 6, 1)
NOW = datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)


async def _tree(session: AsyncSession) -> tuple[Unit, Unit, Unit, Unit]:
    province = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    district = await f.unit(session, "HL", UnitKind.DISTRICT, province, name="Huyện Hữu Lũng")
    commune = await f.unit(session, "MS", UnitKind.COMMUNE, district, name="Xã Minh Sơn")
    other = await f.unit(session, "YT", UnitKind.COMMUNE, district, name="Xã Yên Thịnh")
    return province, district, commune, other


@contextmanager
def statements(session: AsyncSession) -> Iterator[list[str]]:
    """The SQL statements a block sends."""
    seen: list[str] = []
    engine = session.bind.sync_engine  # type: ignore[union-attr]

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_plan_for_picks_the_latest_year_or_the_asked_one(session: AsyncSession) -> None:
    province, _, commune, _ = await _tree(session)
    older, latest = await f.plan(session, 2023), await f.plan(session, 2024)
    older.issuing_unit_id = latest.issuing_unit_id = province.id
    await session.flush()
    assert (await plan_for(session, commune)) is latest
    assert (await plan_for(session, commune, 2023)) is older
    assert await plan_for(session, commune, 2019) is None


async def test_a_plan_issued_by_no_unit_is_shown_to_nobody(session: AsyncSession) -> None:
    """A plan made before revision 0002 that the migration could not place is nobody's: it neither
    shows nor hides a province's own plan."""
    province, _, commune, _ = await _tree(session)
    ours = await f.plan(session, 2023)
    ours.issuing_unit_id = province.id
    await f.plan(session, 2025, code="KH-NOBODY")
    await session.flush()
    assert (await plan_for(session, commune)) is ours
    assert await plan_for(session, commune, 2025) is None


async def test_plan_of_another_province_is_not_ours(session: AsyncSession) -> None:
    province, _, commune, _ = await _tree(session)
    ours = await f.plan(session, 2024, code="KH-LS-2024")
    ours.issuing_unit_id = province.id
    elsewhere = await f.unit(session, "TN", UnitKind.PROVINCE, name="Tỉnh Thái Nguyên")
    theirs = await f.plan(session, 2025, code="KH-TN-2025")
    theirs.issuing_unit_id = elsewhere.id
    await session.flush()
    assert (await plan_for(session, commune)) is ours


async def test_unit_tasks_are_the_units_own_in_number_order_with_status(session: AsyncSession) -> None:
    _, district, commune, other = await _tree(session)
    plan = await f.plan(session, 2024)
    await f.task(session, plan, 3, date(2024, 12, 31), district, cooperating=[commune])
    await f.task(session, plan, 1, date(2024, 3, 31), commune, progress=40)
    await f.task(session, plan, 2, date(2024, 4, 30), other)
    old = await f.plan(session, 2023)
    await f.task(session, old, 1, date(2023, 3, 31), commune)
    lines = await unit_tasks(session, plan.id, commune.id, TODAY, 30)
    assert [(ln.number, ln.role, ln.status, ln.days_left) for ln in lines] == [
        (1, "lead", TaskStatus.OVERDUE, -62),
        (3, "cooperate", TaskStatus.NOT_YET_DUE, 213),
    ]
    assert lines[0].days_late == 62 and not lines[0].done


async def test_counts_by_unit_in_sql_agree_with_the_rule(session: AsyncSession) -> None:
    _, _, commune, other = await _tree(session)
    plan = await f.plan(session, 2024)
    cases = [  # (due, progress, completed_on) around every boundary of the rule
        (TODAY, 0, None),
        (TODAY - timedelta(days=1), 99, None),
        (TODAY + timedelta(days=30), 10, None),
        (TODAY + timedelta(days=31), 10, None),
        (TODAY, 100, TODAY),
        (TODAY - timedelta(days=1), 100, TODAY),
        (TODAY - timedelta(days=1), 100, None),
        (TODAY + timedelta(days=5), 100, None),
        (TODAY - timedelta(days=10), 100, TODAY - timedelta(days=20)),
    ]
    for n, (due, progress, completed_on) in enumerate(cases, start=1):
        await f.task(session, plan, n, due, commune, cooperating=[other], progress=progress, completed_on=completed_on)
    counts = await counts_by_unit(session, plan.id, TODAY, 30)
    expected = StatusCounts.of(task_status(due, p, c, TODAY, 30) for due, p, c in cases)
    assert counts[commune.id] == expected
    assert counts[other.id] == StatusCounts(in_time=4, overdue=4, not_yet_due=1)  # cooperating, 0 %


async def test_task_detail_lists_lead_first_then_cooperating(session: AsyncSession) -> None:
    _, district, commune, other = await _tree(session)
    plan = await f.plan(session, 2024)
    await f.task(session, plan, 7, date(2024, 9, 30), district, cooperating=[other, commune])
    detail = await task_detail(session, plan, 7, TODAY, 30)
    assert detail is not None and detail.task.number == 7
    assert [(line.role, line.unit_id, path) for line, path in detail.lines] == [
        ("lead", district.id, district.path),
        ("cooperate", commune.id, commune.path),
        ("cooperate", other.id, other.path),
    ]
    assert await task_detail(session, plan, 8, TODAY, 30) is None


async def test_task_numbers_give_the_range(session: AsyncSession) -> None:
    _, _, commune, _ = await _tree(session)
    plan = await f.plan(session, 2024)
    assert await task_numbers(session, plan.id) == (0, 0, 0)
    for n in (2, 5, 48):
        await f.task(session, plan, n, TODAY, commune)
    assert await task_numbers(session, plan.id) == (2, 48, 3)


async def test_record_progress_completes_and_reopens(session: AsyncSession) -> None:
    _, _, commune, _ = await _tree(session)
    plan = await f.plan(session, 2024)
    task = await f.task(session, plan, 1, date(2024, 6, 30), commune, progress=20)
    assignment = (await session.execute(select(Assignment).where(Assignment.task_id == task.id))).scalar_one()
    reporter = await f.official(session, commune, name="Nguyễn Văn An")
    await record_progress(session, assignment, percent=100, note="xong", by_id=reporter.id, now=NOW, today=TODAY)
    assert (assignment.progress, assignment.completed_on) == (100, TODAY)
    later = NOW + timedelta(days=3)
    await record_progress(session, assignment, percent=100, note="bổ sung", by_id=None, now=later, today=TODAY)
    assert assignment.completed_on == TODAY  # a second 100 keeps the first completion date
    await record_progress(
        session, assignment, percent=70, note="trả lại https://x.vn/a.", by_id=reporter.id, now=later, today=TODAY
    )
    assert (assignment.progress, assignment.completed_on) == (70, None)
    reports = await latest_reports(session, [assignment.id], limit=2)
    assert [(r.percent, r.evidence, r.evidence_kind) for r in reports] == [
        (70, "https://x.vn/a", "link"),
        (100, "", ""),
    ]
    assert reports[0].reported_by == "Nguyễn Văn An" and reports[1].reported_by == ""
    audit = (await session.execute(select(AuditEntry).where(AuditEntry.action == "progress.report"))).scalars().all()
    assert [a.detail["to"] for a in audit] == [100, 100, 70]
    with pytest.raises(ValueError):
        await record_progress(session, assignment, percent=101, note="", by_id=None, now=NOW, today=TODAY)
    assert len((await session.execute(select(ProgressReport))).all()) == 3


def test_evidence_is_the_first_link() -> None:
    assert evidence_in("đã trình, xem https://vb.gov.vn/qd/12, và http://b.vn") == "https://vb.gov.vn/qd/12"
    assert evidence_in("không có") == ""


async def test_list_and_detail_take_one_or_two_statements(session: AsyncSession) -> None:
    _, district, commune, other = await _tree(session)
    plan = await f.plan(session, 2024)
    for n in range(1, 30):
        await f.task(session, plan, n, TODAY + timedelta(days=n), district, cooperating=[commune, other])
    await session.commit()
    with statements(session) as seen:
        lines = await unit_tasks(session, plan.id, commune.id, TODAY, 30)
    assert len(lines) == 29 and len(seen) == 1
    with statements(session) as seen:
        await task_detail(session, plan, 12, TODAY, 30)
    assert len(seen) == 2
    with statements(session) as seen:
        counts = await counts_by_unit(session, plan.id, TODAY, 30)
    assert len(seen) == 1 and counts[district.id].total == 29


async def test_plans_resolve_through_the_tree_not_a_plan_table_scan(session: AsyncSession) -> None:
    province, _, commune, _ = await _tree(session)
    for year in range(2015, 2025):
        (await f.plan(session, year)).issuing_unit_id = province.id
    await session.flush()
    with statements(session) as seen:
        plan = await plan_for(session, commune)
    assert isinstance(plan, Plan) and plan.year == 2024 and len(seen) == 1
