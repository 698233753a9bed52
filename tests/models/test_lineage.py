"""The 1/7/2025 reform at the data layer (SQLite and PostgreSQL): dated units, lineage, codes reused by a
successor, and the importers picking the unit valid on the date a file is about."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Assignment, IndexResult, Task, Unit, UnitKind, UnitLineage
from models.importers import ensure_indices, import_bytes
from models.lineage import CodeClash, predecessors, successors, successors_on, unit_on
from models.tree import add_unit
from tests.models.test_importers import TASK_HEADER, counts, ok, xlsx
from tests.said import changes

HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến", "Hình thành từ")
# the province before and after 1/7/2025: the new Xã Hữu Lũng keeps Xã Minh Sơn's official code
REFORM = xlsx(
    HEADER,
    ("20", "Tỉnh Lạng Sơn", "Tỉnh", "", "", "", ""),
    ("HL", "Huyện Hữu Lũng", "Huyện", "20", "", "30/06/2025", ""),
    ("06457", "Xã Minh Sơn", "Xã", "HL", "", "30/06/2025", ""),
    ("06460", "Xã Hòa Thắng", "Xã", "HL", "", "30/06/2025", ""),
    ("06457", "Xã Hữu Lũng", "Xã", "20", "01/07/2025", "", "06457; Xã Hòa Thắng; Huyện Hữu Lũng"),
    ("SNV", "Sở Nội vụ", "Sở", "20", "", "", ""),
)


async def reform(session: AsyncSession) -> dict[str, Unit]:
    ok(await import_bytes(session, "units", "don_vi.xlsx", REFORM))
    await session.commit()
    session.expunge_all()
    return {u.name: u for u in (await session.execute(select(Unit))).scalars()}


async def test_a_question_about_2024_finds_the_old_commune_and_about_2026_the_new_one(session: AsyncSession) -> None:
    units = await reform(session)
    old, new = units["Xã Minh Sơn"], units["Xã Hữu Lũng"]

    assert [u.id for u in await unit_on(session, "06457", date(2024, 5, 1))] == [old.id]
    assert [u.id for u in await unit_on(session, "06457", date(2026, 1, 15))] == [new.id]
    assert [u.id for u in await unit_on(session, "UBND xã Minh Sơn", date(2025, 6, 30))] == [old.id]
    assert await unit_on(session, "xa minh son", date(2025, 7, 1)) == []
    assert (old.valid_to, new.valid_from, new.parent_id) == (
        date(2025, 6, 30),
        date(2025, 7, 1),
        units["Tỉnh Lạng Sơn"].id,
    )


async def test_a_successor_carries_its_predecessors_history(session: AsyncSession) -> None:
    units = await reform(session)
    new = units["Xã Hữu Lũng"]

    assert {u.name for u in await predecessors(session, new)} == {"Xã Minh Sơn", "Xã Hòa Thắng", "Huyện Hữu Lũng"}
    assert [u.id for u in await successors_on(session, units["Xã Minh Sơn"], date(2026, 1, 1))] == [new.id]
    assert await successors(session, units["Sở Nội vụ"]) == []
    links = (await session.execute(select(UnitLineage.on, UnitLineage.how).distinct())).all()
    assert [tuple(link) for link in links] == [(date(2025, 7, 1), "formed_from")]


async def test_importing_the_reform_twice_changes_nothing(session: AsyncSession) -> None:
    await reform(session)
    before = await counts(session)

    result = ok(await import_bytes(session, "units", "don_vi.xlsx", REFORM))
    await session.commit()

    assert (result.created, result.updated, result.unchanged, result.changes) == (0, 0, 6, [])
    after = await counts(session)
    assert after.pop("audit_log") == before.pop("audit_log") + 1  # the import itself is logged
    assert after == before


async def test_a_reused_code_is_refused_on_a_day_both_units_are_valid(session: AsyncSession) -> None:
    data = xlsx(
        HEADER,
        ("20", "Tỉnh Lạng Sơn", "Tỉnh", "", "", "", ""),
        ("06457", "Xã Minh Sơn", "Xã", "20", "", "30/06/2025", ""),
        ("06457", "Xã Hữu Lũng", "Xã", "20", "30/06/2025", "", ""),
    )

    result = await import_bytes(session, "units", "don_vi.xlsx", data)

    assert [(e.row, e.column, e.code) for e in result.errors] == [(4, "Mã đơn vị", "duplicate")]
    assert "30/06/2025" in result.errors[0].reason
    assert set((await counts(session)).values()) == {0}


async def test_a_unit_formed_from_a_stored_one_ends_it_the_day_before(session: AsyncSession) -> None:
    ok(
        await import_bytes(
            session,
            "units",
            "cu.xlsx",
            xlsx(HEADER[:4], ("20", "Tỉnh Lạng Sơn", "Tỉnh", ""), ("06457", "Xã Minh Sơn", "Xã", "20")),
        )
    )
    await session.commit()

    data = xlsx(HEADER, ("06457", "Xã Hữu Lũng", "Xã", "20", "01/07/2025", "", "Xã Minh Sơn"))
    result = ok(await import_bytes(session, "units", "moi.xlsx", data))
    await session.commit()

    assert (result.created, result.updated) == (1, 1)
    assert "Kết thúc hiệu lực Xã Minh Sơn (mã 06457) từ 01/07/2025 để hình thành Xã Hữu Lũng (mã 06457)" in changes(
        result.changes
    )
    assert "Record that Xã Hữu Lũng (code 06457) was formed from Xã Minh Sơn (code 06457)" in changes(
        result.changes, "en"
    )
    session.expunge_all()
    stored = {u.name: u for u in (await session.execute(select(Unit).where(Unit.code == "06457"))).scalars()}
    assert (stored["Xã Minh Sơn"].valid_to, stored["Xã Hữu Lũng"].valid_from) == (date(2025, 6, 30), date(2025, 7, 1))
    assert [u.name for u in await predecessors(session, stored["Xã Hữu Lũng"])] == ["Xã Minh Sơn"]


async def test_a_predecessor_that_cannot_be_found_is_a_row_error(session: AsyncSession) -> None:
    data = xlsx(
        HEADER,
        ("20", "Tỉnh Lạng Sơn", "Tỉnh", "", "", "", ""),
        ("06457", "Xã Hữu Lũng", "Xã", "20", "01/07/2025", "", "Xã Không Có"),
        ("06458", "Xã Vân Nham", "Xã", "20", "", "", "06457"),
    )

    result = await import_bytes(session, "units", "don_vi.xlsx", data)

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "Hình thành từ", "unknown_unit"),
        (4, "Hiệu lực từ", "unknown_unit"),
    ]
    assert set((await counts(session)).values()) == {0}


async def test_add_unit_refuses_a_code_another_unit_holds_on_the_same_day(session: AsyncSession) -> None:
    province = await add_unit(session, code="20", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE)
    await add_unit(
        session, code="06457", name="Xã Minh Sơn", kind=UnitKind.COMMUNE, parent=province, valid_to=date(2025, 6, 30)
    )

    with pytest.raises(CodeClash):
        await add_unit(
            session, code="06457", name="Xã X", kind=UnitKind.COMMUNE, parent=province, valid_from=date(2025, 6, 1)
        )
    await add_unit(
        session, code="06457", name="Xã Hữu Lũng", kind=UnitKind.COMMUNE, parent=province, valid_from=date(2025, 7, 1)
    )


def _plan(year: int, lead: str) -> tuple[bytes, dict[str, object]]:
    return xlsx(TASK_HEADER, (1, "Rà soát thủ tục hành chính", 1, lead, "", "Quý III")), {
        "plan": f"KH-{year}",
        "year": year,
    }


async def test_a_plan_row_for_an_abolished_unit_is_refused_with_its_successor_named(session: AsyncSession) -> None:
    await reform(session)
    before = await counts(session)
    data, options = _plan(2026, "Huyện Hữu Lũng")

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=options)

    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "Cơ quan chủ trì", "abolished_unit")]
    assert result.errors[0].reason == (
        "Huyện Hữu Lũng đã kết thúc hoạt động từ 01/07/2025; đơn vị kế thừa: UBND xã Hữu Lũng"
    )
    assert await counts(session) == before


async def test_a_plan_takes_the_unit_its_code_names_in_the_plans_year(session: AsyncSession) -> None:
    units = await reform(session)
    for year in (2024, 2026):
        data, options = _plan(year, "06457")
        ok(await import_bytes(session, "tasks", "kh.xlsx", data, options=options))
    await session.commit()

    lead = (
        select(Task.due_date, Assignment.unit_id)
        .join(Assignment, Assignment.task_id == Task.id)
        .order_by(Task.due_date)
    )
    assert [tuple(r) for r in (await session.execute(lead)).all()] == [
        (date(2024, 9, 30), units["Xã Minh Sơn"].id),
        (date(2026, 9, 30), units["Xã Hữu Lũng"].id),
    ]


async def test_a_unit_formed_after_the_plans_year_is_refused(session: AsyncSession) -> None:
    await reform(session)
    data, options = _plan(2024, "Xã Hữu Lũng")

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=options)

    assert [e.code for e in result.errors] == ["abolished_unit"]
    assert "bắt đầu hoạt động từ 01/07/2025" in result.errors[0].reason


async def test_a_result_row_takes_the_unit_valid_in_its_year(session: AsyncSession) -> None:
    units = await reform(session)
    await ensure_indices(session)
    data = xlsx(("Chỉ số", "Năm", "Đơn vị", "Điểm"), ("CCHC", 2024, "06457", "81,5"), ("CCHC", 2026, "06457", "84"))

    ok(await import_bytes(session, "results", "kq.xlsx", data))
    await session.commit()
    rows = (await session.execute(select(IndexResult.year, IndexResult.unit_id).order_by(IndexResult.year))).all()
    assert [tuple(r) for r in rows] == [(2024, units["Xã Minh Sơn"].id), (2026, units["Xã Hữu Lũng"].id)]
    assert await session.scalar(select(func.count()).select_from(UnitLineage)) == 3


async def test_a_reused_code_names_the_unit_of_the_date_asked_and_otherwise_the_one_in_existence(
    session: AsyncSession,
) -> None:
    from models.queries.units import find_unit

    units = await reform(session)
    old, new, province = units["Xã Minh Sơn"], units["Xã Hữu Lũng"], units["Tỉnh Lạng Sơn"]

    assert (await find_unit(session, "06457")) == new
    assert (await find_unit(session, "06457", province, on=date(2024, 3, 1))) == old
    assert (await find_unit(session, "06457", on=date(2026, 3, 1))) == new
    assert await find_unit(session, "Xã Minh Sơn", on=date(2026, 3, 1)) is None
    assert (await find_unit(session, "Xã Minh Sơn")) == old  # no date: the only unit of that name


async def test_in_the_reform_year_a_reused_code_names_the_unit_of_the_tasks_deadline(session: AsyncSession) -> None:
    units = await reform(session)
    data = xlsx(
        TASK_HEADER,
        (1, "Rà soát thủ tục hành chính", 1, "06457", "", "Quý I"),
        (2, "Số hóa hồ sơ", 1, "06457", "", "Quý IV"),
    )

    ok(await import_bytes(session, "tasks", "kh.xlsx", data, options={"plan": "KH-2025", "year": 2025}))
    await session.commit()

    lead = select(Task.number, Assignment.unit_id).join(Assignment, Assignment.task_id == Task.id).order_by(Task.number)
    assert [tuple(r) for r in (await session.execute(lead)).all()] == [
        (1, units["Xã Minh Sơn"].id),
        (2, units["Xã Hữu Lũng"].id),
    ]
