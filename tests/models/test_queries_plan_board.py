"""The province page's plan numbers in one round trip (``models.queries.plan_board``) on SQLite and
PostgreSQL: the heat map's assignments per unit, the table by field and the reporting sentence, against
figures worked out by hand for a plan with lead and cooperating units, a task two units lead, a recurring
task whose units each have their own due day, a task with no field, and a second province in the same
database (its units and its plan never counted); and the same figures as the queries /tomtat and the
page asked apart before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Assignment, AssignmentRole, DeadlineKind, Plan, Unit, UnitKind
from models.progress import Progress
from models.queries.plan_board import plan_board
from models.queries.summary import plan_by_field, plan_numbers, plan_progress
from models.queries.tasks import counts_by_unit
from models.rules import StatusCounts
from tests import factories as f

TODAY = date(2026, 6, 1)  # "due soon" runs to 01/07/2026 (30 days)
SOON = 30


@dataclass
class World:
    p: Unit
    a: Unit  # a commune: leads tasks 1, 2 (with D) and the recurring 3
    b: Unit  # a ward: cooperates on 1 and 3, leads 4 and 5
    d: Unit  # a department: cooperates on 1, leads 2 with A
    qa: Unit  # a commune of province Q: cooperating on P's task 5 (a data error), leading Q's own plan
    plan: Plan
    q_plan: Plan


async def build(session: AsyncSession) -> World:
    """Province P's plan of 2026 and province Q's, in one database (the figures in the tests below)."""
    p = await f.unit(session, "P", UnitKind.PROVINCE, name="Tỉnh P")
    a = await f.unit(session, "A", UnitKind.COMMUNE, p, name="Xã A")
    b = await f.unit(session, "B", UnitKind.WARD, p, name="Phường B")
    d = await f.unit(session, "D", UnitKind.DEPARTMENT, p, name="Sở D")
    q = await f.unit(session, "Q", UnitKind.PROVINCE, name="Tỉnh Q")
    qa = await f.unit(session, "QA", UnitKind.COMMUNE, q, name="Xã QA")
    plan = await f.plan(session, 2026, code="KH-P-2026")
    # 1, due 1/5: A done on time (20/4); B cooperating, not done: overdue; D cooperating, done late (10/5)
    t1 = await f.task(session, plan, 1, date(2026, 5, 1), a, cooperating=[b, d], progress=100,
                 completed_on=date(2026, 4, 20), field=1)  # fmt: skip
    # 2, due 20/6: led by A (done 30/5: on time) and D (50 %): the task is not done, so in time
    t2 = await f.task(session, plan, 2, date(2026, 6, 20), a, progress=100, completed_on=date(2026, 5, 30), field=1)
    session.add(Assignment(task_id=t2.id, unit_id=d.id, role=AssignmentRole.LEAD, progress=50))
    # 3, recurring, the last period 31/12: A's open period ended 31/3 (overdue), B's ends 30/6 (in time)
    t3 = await f.task(session, plan, 3, date(2026, 12, 31), a, cooperating=[b], field=3)
    t3.deadline_kind, t3.recurrence = DeadlineKind.RECURRING, "quarterly@31"
    # 4, no field, due 30/9: not yet due. 5, due 1/4: B done late (15/4); QA of province Q overdue
    t4 = await f.task(session, plan, 4, date(2026, 9, 30), b)
    t4.field = None
    await f.task(session, plan, 5, date(2026, 4, 1), b, cooperating=[qa], progress=100,
                 completed_on=date(2026, 4, 15), field=8)  # fmt: skip
    await session.flush()
    for row in (await session.execute(select(Assignment).where(Assignment.task_id.in_([t1.id, t3.id])))).scalars():
        if row.task_id == t3.id:
            row.due_on = date(2026, 3, 31) if row.unit_id == a.id else date(2026, 6, 30)
        elif row.unit_id == d.id:
            row.progress, row.completed_on = 100, date(2026, 5, 10)
    q_plan = await f.plan(session, 2026, code="KH-Q-2026")
    await f.task(session, q_plan, 1, date(2026, 5, 1), qa, cooperating=[a], field=1)  # Q's: overdue, never P's
    await session.flush()
    return World(p, a, b, d, qa, plan, q_plan)


BY_UNIT = {  # assignments ("lượt") by unit code
    "A": StatusCounts(done_on_time=2, overdue=1),  # 1 and 2 done in time, the recurring 3's period missed
    "B": StatusCounts(done_late=1, in_time=1, overdue=1, not_yet_due=1),
    "D": StatusCounts(done_late=1, in_time=1),
}
BY_FIELD = {  # tasks, each once by its lead units
    0: StatusCounts(not_yet_due=1),
    1: StatusCounts(done_on_time=1, in_time=1),
    3: StatusCounts(overdue=1),
    8: StatusCounts(done_late=1),
}


async def test_the_heat_map_counts_each_units_assignments_lead_and_cooperating_in_its_province(
    session: AsyncSession,
) -> None:
    w = await build(session)
    board = await plan_board(session, w.plan, w.p, TODAY, SOON)
    codes = {w.a.id: "A", w.b.id: "B", w.d.id: "D"}
    assert {codes[unit_id]: counts for unit_id, counts in board.by_unit.items()} == BY_UNIT
    assert w.qa.id not in board.by_unit  # another province's unit, even named in this plan
    assert Progress.from_counts(board.by_unit[w.a.id]).rate == Decimal(
        "66.66"
    )  # 2 done of 3 come due, cut, not rounded


async def test_the_sentence_counts_each_task_once_and_is_the_sum_of_the_fields(session: AsyncSession) -> None:
    w = await build(session)
    board = await plan_board(session, w.plan, w.p, TODAY, SOON)
    assert board.by_field == BY_FIELD and list(board.by_field) == [0, 1, 3, 8]
    report = board.report
    assert (report.plan_id, report.year, report.tasks) == (w.plan.id, 2026, 5)
    assert report.progress == Progress(done_on_time=1, done_late=1, in_time=1, overdue=1, not_yet_due=1)
    assert report.progress.rate == Decimal("66.66")


async def test_the_one_pass_gives_what_the_separate_queries_gave(session: AsyncSession) -> None:
    """The page's figures before this change: ``counts_by_unit`` for the heat map, ``plan_by_field`` for the
    table, ``plan_numbers`` (/tomtat's sentence) and ``plan_progress`` (/nhiemvu tatca's)."""
    w = await build(session)
    for plan, province in ((w.plan, w.p), (w.q_plan, await session.get(Unit, w.qa.parent_id))):
        assert province is not None
        board = await plan_board(session, plan, province, TODAY, SOON)
        assert board.by_unit == await counts_by_unit(session, plan.id, TODAY, SOON, within=province)
        assert board.by_field == await plan_by_field(session, plan.id, TODAY, SOON)
        assert board.report == (await plan_numbers(session, plan, TODAY, SOON))[0]
        assert board.report == await plan_progress(session, plan, TODAY, SOON)


async def test_a_plan_with_no_tasks_has_an_empty_board(session: AsyncSession) -> None:
    w = await build(session)
    empty = await f.plan(session, 2027, code="KH-P-2027")
    empty.issuing_unit_id = w.p.id
    await session.flush()
    board = await plan_board(session, empty, w.p, TODAY, SOON)
    assert (board.by_unit, board.by_field, board.report.tasks) == ({}, {}, 0)
    assert board.report.progress.rate is None
