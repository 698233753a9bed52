"""The built-in demo loads into an empty database with the real Lạng Sơn figures and a live current year."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    DEFAULT_TZ,
    Assignment,
    AssignmentRole,
    ChatAccount,
    ComponentResult,
    Drive,
    DriveCriterion,
    DriveMeasurement,
    DriveParticipant,
    FrozenClock,
    IndexComponent,
    IndexResult,
    Official,
    Plan,
    Role,
    ScoreIndex,
    Target,
    TargetMeasurement,
    Task,
    TaskStatus,
    Unit,
    UnitKind,
)
from models.demo import DEMO_ACCOUNTS, DemoSummary, is_empty, load_demo
from models.rules import change, criterion_points, fell_most, leaderboard, task_status

TODAY = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)


async def _load(session: AsyncSession, at: datetime = TODAY) -> DemoSummary:
    summary = await load_demo(session, FrozenClock(at=at))
    await session.commit()
    return summary


async def _result(session: AsyncSession, index: str, year: int, unit: str = "LS") -> IndexResult:
    return (
        await session.execute(
            select(IndexResult)
            .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
            .join(Unit, Unit.id == IndexResult.unit_id)
            .where(ScoreIndex.code == index, IndexResult.year == year, Unit.code == unit)
        )
    ).scalar_one()


async def _lead_statuses(
    session: AsyncSession, plan_code: str, today: date, unit: str | None = None
) -> Counter[TaskStatus]:
    query = (
        select(Task.due_date, Assignment.progress, Assignment.completed_on)
        .join(Assignment, Assignment.task_id == Task.id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Plan.code == plan_code, Assignment.role == AssignmentRole.LEAD)
    )
    if unit is not None:
        query = query.where(Unit.code == unit)
    rows = await session.execute(query)
    return Counter(task_status(due, progress, done, today) for due, progress, done in rows)


async def test_demo_loads_into_an_empty_database(session: AsyncSession) -> None:
    assert await is_empty(session)
    summary = await _load(session)  # its time is measured by python -m bench.demo, not here
    assert not await is_empty(session)
    assert summary.units == 156  # 21 provincial bodies, 11 districts and 58 communes before 1/7/2025, 65 after
    assert summary.tasks == 48 + 26
    assert summary.officials == summary.chat_accounts == len(DEMO_ACCOUNTS) == 6
    assert summary.targets == 18
    assert summary.drives == 2
    assert "156 units" in str(summary)


async def test_demo_refuses_a_database_that_has_units(session: AsyncSession) -> None:
    await _load(session)
    with pytest.raises(ValueError, match="empty database"):
        await load_demo(session, FrozenClock(at=TODAY))


async def test_unit_tree_has_eleven_districts_ending_before_the_two_level_reform(session: AsyncSession) -> None:
    await _load(session)
    units = {u.code: u for u in (await session.execute(select(Unit))).scalars()}
    districts = [u for u in units.values() if UnitKind(u.kind) in {UnitKind.DISTRICT, UnitKind.CITY}]
    assert len(districts) == 11
    assert {u.valid_to for u in districts} == {date(2025, 6, 30)}
    old_communes = [u for u in units.values() if any(u.parent_id == d.id for d in districts)]
    assert len(old_communes) == 58
    assert {u.valid_to for u in old_communes} == {date(2025, 6, 30), date(2024, 11, 30)}  # Tràng Các: 2024
    assert not any(u.valid_on(date(2025, 7, 1)) for u in [*districts, *old_communes])
    minh_son = units["LS.HL.MINHSON"]
    assert (minh_son.name, UnitKind(minh_son.kind)) == ("Xã Minh Sơn", UnitKind.COMMUNE)
    assert minh_son.is_within(units["LS.HL"]) and minh_son.is_within(units["LS"])
    assert units["LS.SNV"].name == "Sở Nội vụ"
    for district in districts:
        assert 3 <= sum(1 for u in units.values() if u.parent_id == district.id) <= 6


async def test_par_index_2023_is_85_94_rank_47_up_seven_places(session: AsyncSession) -> None:
    await _load(session)
    now, before = await _result(session, "PAR", 2023), await _result(session, "PAR", 2022)
    assert (now.score, now.rank, now.rank_total) == (Decimal("85.94"), 47, 63)
    assert (before.score, before.rank) == (None, 54)
    moved = change(now.score, now.rank, before.score, before.rank)
    assert moved.places == 7
    assert moved.points is None
    year_2021, year_2020 = await _result(session, "PAR", 2021), await _result(session, "PAR", 2020)
    assert change(year_2021.score, year_2021.rank, year_2020.score, year_2020.rank).points == Decimal("3.31")


async def test_sipas_2023_score_is_unknown_but_rank_and_note_are_published(session: AsyncSession) -> None:
    await _load(session)
    sipas = await _result(session, "SIPAS", 2023)
    assert (sipas.score, sipas.rank, sipas.note) == (None, 55, "trên 79%")
    assert (await _result(session, "SIPAS", 2021)).score == Decimal("87.07")
    papi = await _result(session, "PAPI", 2023)
    assert (papi.score, papi.rank, papi.group_label, papi.score_delta) == (None, 21, "trung bình cao", Decimal("-0.37"))


async def test_par_2023_fields_that_fell_most_have_no_invented_scores(session: AsyncSession) -> None:
    await _load(session)
    result = await _result(session, "PAR", 2023)
    rows = await session.execute(
        select(IndexComponent.number, ComponentResult)
        .join(IndexComponent, IndexComponent.id == ComponentResult.component_id)
        .where(ComponentResult.result_id == result.id)
    )
    changes = [(number, change(None, None, None, None, c.score_delta, c.rank_delta)) for number, c in rows]
    assert [(n, c.places) for n, c in fell_most(changes)] == [(1, -33), (2, -20), (6, -18)]
    scores = (await session.execute(select(ComponentResult.score).where(ComponentResult.result_id == result.id))).all()
    assert len(scores) == 8
    assert all(score is None for (score,) in scores)


async def test_internal_index_ranks_departments_and_districts_separately(session: AsyncSession) -> None:
    await _load(session)
    rows = await session.scalars(
        select(IndexResult)
        .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
        .where(ScoreIndex.code == "CCHC", IndexResult.year == 2023)
    )
    groups: dict[str, list[IndexResult]] = {}
    for r in rows:
        groups.setdefault(r.group_label or "", []).append(r)
    assert set(groups) == {"Sở, ban, ngành", "Huyện, thành phố"}
    for results in groups.values():
        assert sorted(r.rank for r in results if r.rank is not None) == list(range(1, len(results) + 1))
        assert {r.rank_total for r in results} == {len(results)}
        scores_best_first = [r.score for r in sorted(results, key=lambda r: r.rank or 0) if r.score is not None]
        assert scores_best_first == sorted(scores_best_first, reverse=True)
        assert len(scores_best_first) == len(results)


async def test_plan_2023_has_48_tasks_over_all_eight_fields_mostly_done_on_time(session: AsyncSession) -> None:
    await _load(session)
    plan = (await session.execute(select(Plan).where(Plan.code == "KH-CCHC-2023"))).scalar_one()
    assert plan.title == "Kế hoạch cải cách hành chính năm 2023 của UBND tỉnh Lạng Sơn"
    tasks = (await session.execute(select(Task).where(Task.plan_id == plan.id))).scalars().all()
    assert sorted(t.number for t in tasks) == list(range(1, 49))
    assert {t.field for t in tasks} == set(range(1, 9))
    assert {t.deadline_text for t in tasks} >= {"Quý II", "Tháng 6", "6 tháng đầu năm", "Thường xuyên"}
    for later in (date(2024, 1, 2), date(2026, 11, 23)):
        statuses = await _lead_statuses(session, "KH-CCHC-2023", later)
        assert statuses == Counter({TaskStatus.DONE_ON_TIME: 33, TaskStatus.DONE_LATE: 8, TaskStatus.OVERDUE: 7})


@pytest.mark.parametrize("at", [TODAY, datetime(2026, 1, 4, 9, 0, tzinfo=DEFAULT_TZ)], ids=["march", "new-year"])
async def test_current_demo_plan_has_every_status_for_the_demo_commune_and_department(
    session: AsyncSession, at: datetime
) -> None:
    await _load(session, at)
    plan = (await session.execute(select(Plan).where(Plan.code == "KH-CCHC-DEMO"))).scalar_one()
    assert plan.year == at.year
    assert "(demo)" in plan.title
    today = at.date()
    assert set(await _lead_statuses(session, "KH-CCHC-DEMO", today)) == set(TaskStatus)
    for unit in ("06457", "LS.STP"):
        assert set(await _lead_statuses(session, "KH-CCHC-DEMO", today, unit)) == set(TaskStatus)


async def test_ten_of_eighteen_targets_met_at_the_end_of_march_2024(session: AsyncSession) -> None:
    await _load(session)
    targets = (await session.execute(select(Target))).scalars().all()
    assert len(targets) == 18
    assert {t.programme for t in targets} == {"Nghị quyết 60-NQ/TU"}
    review = (
        await session.scalars(select(TargetMeasurement).where(TargetMeasurement.measured_on == date(2024, 3, 31)))
    ).all()
    assert len(review) == 18
    assert sum(1 for m in review if m.met) == 10
    by_title = {t.title: t.id for t in targets}
    job_positions = by_title["Tỷ lệ đề án vị trí việc làm được phê duyệt"]
    on_30_march = await session.scalar(
        select(TargetMeasurement.value).where(
            TargetMeasurement.target_id == job_positions, TargetMeasurement.measured_on == date(2024, 3, 30)
        )
    )
    assert on_30_march == Decimal("100")
    digitised = next(i for title, i in by_title.items() if title.startswith("Tỷ lệ số hoá hồ sơ"))
    in_2023 = await session.scalars(
        select(TargetMeasurement.value)
        .where(TargetMeasurement.target_id == digitised)
        .where(TargetMeasurement.measured_on.between(date(2023, 1, 1), date(2023, 12, 31)))
        .order_by(TargetMeasurement.measured_on)
    )
    assert in_2023.all() == [Decimal("5.6"), Decimal("86")]


async def _standings(session: AsyncSession, code: str, today: date) -> list[tuple[int, Decimal]]:
    drive = (await session.scalars(select(Drive).where(Drive.code == code))).one()
    criteria = {
        c.id: c for c in await session.scalars(select(DriveCriterion).where(DriveCriterion.drive_id == drive.id))
    }
    rows = await session.execute(
        select(DriveParticipant.unit_id, DriveMeasurement.criterion_id, DriveMeasurement.value)
        .join(DriveMeasurement, DriveMeasurement.participant_id == DriveParticipant.id)
        .where(DriveParticipant.drive_id == drive.id, DriveMeasurement.measured_on <= today)
        .order_by(DriveMeasurement.measured_on)
    )
    latest: dict[tuple[int, int], Decimal] = {}
    for unit_id, criterion_id, value in rows:
        latest[(unit_id, criterion_id)] = value
    points: dict[int, Decimal] = {}
    for (unit_id, criterion_id), value in latest.items():
        c = criteria[criterion_id]
        points[unit_id] = points.get(unit_id, Decimal(0)) + criterion_points(value, c.target_value, c.weight)
    return [(s.unit_id, s.points) for s in leaderboard(points)]


async def test_drives_have_a_clear_leader_and_one_is_running_today(session: AsyncSession) -> None:
    await _load(session)
    local = (
        select(func.count()).select_from(Unit).where(Unit.kind.not_in(["province", "department", "agency", "center"]))
    )
    units = await session.scalar(local.where(Unit.valid_to >= date(2024, 5, 1), Unit.valid_to <= date(2025, 6, 30)))
    past = await _standings(session, "TD-MOTCUA-2024", date(2024, 9, 30))
    assert len(past) == units == 11 + 58
    assert past[0][1] - past[1][1] >= 1
    assert len({p for _, p in past}) == len(past)
    running = (await session.execute(select(Drive).where(Drive.code == "TD-DEMO"))).scalar_one()
    assert running.starts_on <= TODAY.date() <= running.ends_on
    assert (running.ends_on - running.starts_on).days + 1 == 90
    now = await _standings(session, "TD-DEMO", TODAY.date())
    assert now[0][1] - now[1][1] >= 1
    weights = (
        await session.execute(
            select(DriveCriterion.drive_id, func.sum(DriveCriterion.weight)).group_by(DriveCriterion.drive_id)
        )
    ).all()
    assert {total for _, total in weights} == {Decimal(100)}


async def test_every_demo_account_is_an_active_official_with_a_console_account(session: AsyncSession) -> None:
    await _load(session)
    expected = {
        "chair": (Role.UNIT_HEAD, "06457"),
        "officer": (Role.OFFICER, "06457"),
        "ward": (Role.UNIT_HEAD, "06187"),
        "head": (Role.UNIT_HEAD, "LS.STP"),
        "leader": (Role.LEADER, "LS"),
        "admin": (Role.ADMIN, "LS.SNV"),
    }
    assert set(DEMO_ACCOUNTS) == set(expected)
    for key, (role, unit_code) in expected.items():
        row = (
            await session.execute(
                select(ChatAccount, Official, Unit)
                .join(Official, Official.id == ChatAccount.official_id)
                .join(Unit, Unit.id == Official.unit_id)
                .where(ChatAccount.channel == "console", ChatAccount.external_id == key)
            )
        ).one()
        account, official, unit = row
        assert account.chat_id == key and not account.blocked
        assert official.active and Role(official.role) == role and unit.code == unit_code
        assert official.full_name.endswith("(demo)")
