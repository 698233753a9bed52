"""Importing a plan's tasks: deadlines, fields, lead and cooperating units, and re-imports that keep
the progress already reported."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Assignment, AssignmentRole, DeadlineKind, Plan, ProgressReport, Task, Unit, UnitKind
from models.importers import import_bytes, import_file
from tests import factories as f
from tests.models.test_importers import PLAN, SAMPLES, TASK_HEADER, counts, ok, sample_plan, sample_units, xlsx
from tests.said import change_line


async def tasks(session: AsyncSession) -> dict[int, Task]:
    session.expunge_all()
    return {t.number: t for t in (await session.execute(select(Task))).scalars()}


async def roles(session: AsyncSession, number: int) -> dict[str, AssignmentRole]:
    query = (
        select(Unit.code, Assignment.role)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.number == number)
    )
    return {code: AssignmentRole(role) for code, role in (await session.execute(query)).all()}


async def test_sample_plan_creates_the_plan_its_tasks_and_assignments(session: AsyncSession) -> None:
    await sample_plan(session)

    plan = (await session.execute(select(Plan))).scalar_one()
    stored = await tasks(session)

    assert (plan.code, plan.year, plan.title) == ("KH-CCHC-2023", 2023, "Kế hoạch cải cách hành chính năm 2023")
    assert sorted(stored) == list(range(1, 13))
    assert await roles(session, 1) == {"SNV": "lead", "VPUBND": "cooperate", "STTTT": "cooperate"}
    assert await roles(session, 6) == {"VPUBND": "lead", "HL": "cooperate", "CL": "cooperate", "TPLS": "cooperate"}
    assert await roles(session, 7) == {"HL-MS": "lead", "HL": "cooperate"}


async def test_deadlines_resolve_from_dates_periods_and_continuous_work(session: AsyncSession) -> None:
    await sample_plan(session)

    stored = await tasks(session)

    excel_date, quarter, continuous = stored[3], stored[1], stored[5]
    assert (excel_date.deadline_kind, excel_date.due_date, excel_date.deadline_text) == (
        DeadlineKind.DATE,
        date(2023, 6, 30),
        "30/06/2023",
    )
    assert (quarter.deadline_kind, quarter.due_date, quarter.deadline_text) == (
        DeadlineKind.PERIOD,
        date(2023, 3, 31),
        "Quý I",
    )
    assert (continuous.deadline_kind, continuous.due_date) == (DeadlineKind.CONTINUOUS, date(2023, 12, 31))
    assert stored[8].due_date == date(2023, 6, 30)  # "6 tháng đầu năm"


async def test_fields_come_from_numbers_names_or_the_section_heading(session: AsyncSession) -> None:
    await sample_plan(session)

    stored = await tasks(session)

    assert stored[1].field == 1
    assert stored[4].field == 2  # written "Cải cách thể chế"
    assert stored[7].field == 3  # empty cell below "III | CẢI CÁCH THỦ TỤC HÀNH CHÍNH"


async def test_section_rows_are_skipped_and_reported(session: AsyncSession) -> None:
    await sample_units(session)

    result = ok(await import_file(session, "tasks", SAMPLES / "ke_hoach_2023.xlsx", options=PLAN, dry_run=True))

    assert result.skipped_rows == [5, 8, 11, 15, 17, 19, 21, 23]


async def test_reimporting_the_same_plan_changes_nothing(session: AsyncSession) -> None:
    await sample_plan(session)
    before = await counts(session)

    result = ok(await import_file(session, "tasks", SAMPLES / "ke_hoach_2023.xlsx", options=PLAN))
    await session.commit()

    assert (result.created, result.updated, result.unchanged) == (0, 0, 12)
    after = await counts(session)
    assert after.pop("audit_log") == before.pop("audit_log") + 1
    assert after == before


async def test_a_changed_row_updates_its_task_and_keeps_progress_of_units_that_stay(session: AsyncSession) -> None:
    await sample_plan(session)
    stored = await tasks(session)
    assignments = {(a.task_id, a.unit_id): a for a in (await session.execute(select(Assignment))).scalars()}
    units = {u.code: u for u in (await session.execute(select(Unit))).scalars()}
    lead = assignments[(stored[1].id, units["SNV"].id)]
    staying = assignments[(stored[1].id, units["VPUBND"].id)]
    leaving = assignments[(stored[1].id, units["STTTT"].id)]
    lead.progress, staying.progress, leaving.progress = 60, 30, 50
    session.add(ProgressReport(assignment_id=leaving.id, percent=50, reported_at=f.T0))
    await session.commit()

    data = xlsx(TASK_HEADER, (1, "Ban hành Kế hoạch CCHC năm 2023", 1, "SNV", "VPUBND; STP", "Quý II"))
    result = ok(await import_bytes(session, "tasks", "sua.xlsx", data, options=PLAN))
    await session.commit()

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert "thêm phối hợp STP" in change_line(result.changes[0])
    assert "bỏ phối hợp STTTT (bỏ cả tiến độ 50%)" in change_line(result.changes[0])
    assert await roles(session, 1) == {"SNV": "lead", "VPUBND": "cooperate", "STP": "cooperate"}
    progress = {
        a.unit_id: a.progress
        for a in (await session.execute(select(Assignment).where(Assignment.task_id == stored[1].id))).scalars()
    }
    assert progress == {units["SNV"].id: 60, units["VPUBND"].id: 30, units["STP"].id: 0}
    assert (await session.execute(select(ProgressReport))).scalars().all() == []  # went with STTTT's assignment
    task = (await tasks(session))[1]
    assert (task.content, task.due_date) == ("Ban hành Kế hoạch CCHC năm 2023", date(2023, 6, 30))
    assert (await tasks(session))[2].content.startswith("Kiểm tra")  # rows not in the file stay


async def test_a_new_lead_keeps_its_progress_as_cooperating_unit_turned_lead(session: AsyncSession) -> None:
    await sample_plan(session)
    stored = await tasks(session)
    unit = (await session.execute(select(Unit).where(Unit.code == "VPUBND"))).scalar_one()
    cooperating = (
        await session.execute(
            select(Assignment).where(Assignment.task_id == stored[1].id, Assignment.unit_id == unit.id)
        )
    ).scalar_one()
    cooperating.progress = 40
    await session.commit()

    row = (
        1,
        "Ban hành Kế hoạch cải cách hành chính và Kế hoạch tuyên truyền CCHC năm 2023",
        1,
        "VPUBND",
        "SNV; STTTT",
        "Quý I",
    )
    result = ok(await import_bytes(session, "tasks", "sua.xlsx", xlsx(TASK_HEADER, row), options=PLAN))
    await session.commit()

    assert result.updated == 1
    assert await roles(session, 1) == {"VPUBND": "lead", "SNV": "cooperate", "STTTT": "cooperate"}
    session.expunge_all()
    turned_lead = await session.get(Assignment, cooperating.id)
    assert turned_lead is not None
    assert (turned_lead.role, turned_lead.progress) == (AssignmentRole.LEAD, 40)


async def test_units_are_found_by_name_without_diacritics_or_with_ubnd(session: AsyncSession) -> None:
    await sample_units(session)
    data = xlsx(TASK_HEADER, (1, "Số hóa hồ sơ", 3, "so noi vu", "UBND huyện Hữu Lũng\nubnd huyen chi lang", "tháng 6"))

    ok(await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN))
    await session.commit()

    assert await roles(session, 1) == {"SNV": "lead", "HL": "cooperate", "CL": "cooperate"}


async def test_a_name_shared_by_two_units_asks_for_the_code(session: AsyncSession) -> None:
    await sample_units(session)
    district = (await session.execute(select(Unit).where(Unit.code == "CL"))).scalar_one()
    await f.unit(session, "CL-MS", UnitKind.COMMUNE, district, name="Xã Minh Sơn")
    await session.commit()
    data = xlsx(
        TASK_HEADER,
        (1, "Niêm yết TTHC", 3, "Xã Minh Sơn", "", "Quý II"),
        (2, "Niêm yết TTHC", 3, "Xã Minh Sơn, huyện Chi Lăng", "", "Quý II"),
    )

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN)

    assert [(e.row, e.code) for e in result.errors] == [(2, "ambiguous_unit")]
    assert "HL-MS, CL-MS" in result.errors[0].reason


async def test_duplicate_numbers_and_unknown_fields_are_row_errors(session: AsyncSession) -> None:
    await sample_units(session)
    data = xlsx(
        TASK_HEADER,
        (1, "Rà soát", 2, "STP", "", "Quý II"),
        (1, "Kiểm tra", 2, "STP", "", "Quý III"),
        (2, "Tuyên truyền", "Văn hóa", "SNV", "", "Quý III"),
        ("hai", "Tuyên truyền", 1, "SNV", "", "Quý III"),
    )

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN)

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "STT", "duplicate"),
        (4, "Lĩnh vực", "bad_value"),
        (5, "STT", "bad_number"),
    ]


async def test_a_new_plan_needs_its_code_and_year(session: AsyncSession) -> None:
    await sample_units(session)
    data = xlsx(TASK_HEADER, (1, "Rà soát", 2, "STP", "", "Quý II"))

    no_code = await import_bytes(session, "tasks", "kh.xlsx", data)
    no_year = await import_bytes(session, "tasks", "kh.xlsx", data, options={"plan": "KH-2024"})

    assert [(e.row, e.code) for e in no_code.errors] == [(0, "missing_option")]
    assert [(e.row, e.code) for e in no_year.errors] == [(0, "missing_option")]


async def test_an_existing_plan_takes_its_year_and_a_new_title(session: AsyncSession) -> None:
    await sample_plan(session)
    data = xlsx(TASK_HEADER, (13, "Sơ kết 6 tháng", 1, "SNV", "", "tháng 7"))

    result = ok(
        await import_bytes(
            session, "tasks", "kh.xlsx", data, options={"plan": "KH-CCHC-2023", "title": "Kế hoạch CCHC 2023 (sửa đổi)"}
        )
    )
    await session.commit()

    assert result.created == 1
    plan = (await session.execute(select(Plan))).scalar_one()
    assert plan.title == "Kế hoạch CCHC 2023 (sửa đổi)"
    assert (await tasks(session))[13].due_date == date(2023, 7, 31)
