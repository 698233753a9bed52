"""A province's own units file, naming units by its own short codes ("SNV", "HL") while the database holds
them under others ("LS.SNV", "LS.HL"): the rows find the stored units by name, the file's codes are
recorded as aliases, and the province's other files then name units by them (issue 13, point 7)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, FrozenClock, Unit, UnitKind
from models.demo import load_demo
from models.importers import import_bytes, import_file
from models.scope import Scope
from models.tree import add_unit
from models.units import UnitAlias
from tests.models.test_importers import PLAN, SAMPLES, ok, xlsx
from tests.said import change_line, reason

HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến")
ENDED = date(2025, 6, 30)


async def _count(session: AsyncSession, model: type[Unit] | type[UnitAlias]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def _aliases(session: AsyncSession) -> dict[str, tuple[str, str, str]]:
    """alias -> (the unit's stored code, kind, source)."""
    rows = await session.execute(select(UnitAlias, Unit.code).join(Unit, Unit.id == UnitAlias.unit_id))
    return {alias.alias: (code, alias.kind, alias.source) for alias, code in rows}


async def _province(session: AsyncSession) -> dict[str, Unit]:
    """Lạng Sơn as a database holds it under codes of its own, and Quảng Ninh with a department of the
    same name."""
    ls = await add_unit(session, code="LS", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE)
    u = {"LS": ls}
    u["LS.SNV"] = await add_unit(session, code="LS.SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=ls)
    u["LS.HL"] = await add_unit(
        session, code="LS.HL", name="Huyện Hữu Lũng", kind=UnitKind.DISTRICT, parent=ls, valid_to=ENDED
    )
    u["LS.HL.MS"] = await add_unit(
        session, code="LS.HL.MS", name="Xã Minh Sơn", kind=UnitKind.COMMUNE, parent=u["LS.HL"], valid_to=ENDED
    )
    u["LS.CL"] = await add_unit(
        session, code="LS.CL", name="Huyện Chi Lăng", kind=UnitKind.DISTRICT, parent=ls, valid_to=ENDED
    )
    u["LS.CL.MS"] = await add_unit(
        session, code="LS.CL.MS", name="Xã Minh Sơn", kind=UnitKind.COMMUNE, parent=u["LS.CL"], valid_to=ENDED
    )
    u["QN"] = await add_unit(session, code="QN", name="Tỉnh Quảng Ninh", kind=UnitKind.PROVINCE)
    u["QN.SNV"] = await add_unit(session, code="QN.SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=u["QN"])
    await session.commit()
    return u


async def test_the_sample_units_file_finds_the_demo_units_and_records_its_codes(session: AsyncSession) -> None:
    await load_demo(session, FrozenClock(at=datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)))
    await session.commit()
    ls = (await session.execute(select(Unit).where(Unit.code == "LS"))).scalar_one()
    units_before = await _count(session, Unit)

    preview = ok(await import_file(session, "units", SAMPLES / "don_vi.xlsx", dry_run=True, scope=Scope(ls)))
    assert (preview.created, preview.updated, preview.unchanged) == (0, 14, 1)
    lines = [change_line(c) for c in preview.changes]
    assert "Mã SNV trong tệp: là Sở Nội vụ (LS.SNV) — ghi nhận mã này" in lines
    assert "Mã HL-MS trong tệp: là Xã Minh Sơn (LS.HL.MINHSON) — ghi nhận mã này" in lines
    english = [change_line(c, "en") for c in preview.changes]
    assert "Code TPLS in the file: is Thành phố Lạng Sơn (LS.TP) — this code is recorded for it" in english
    assert await _count(session, UnitAlias) == 0  # a preview writes nothing

    ok(await import_file(session, "units", SAMPLES / "don_vi.xlsx", scope=Scope(ls)))
    await session.commit()

    assert await _count(session, Unit) == units_before  # no second Sở Nội vụ, no second huyện Hữu Lũng
    aliases = await _aliases(session)
    assert aliases["SNV"] == ("LS.SNV", "code", "don_vi.xlsx")
    assert aliases["CL"][0] == "LS.CHL" and aliases["TPLS-CL"][0] == "LS.TP.CHILANG"
    assert len(aliases) == 14
    hl = (await session.execute(select(Unit).where(Unit.code == "LS.HL"))).scalar_one()
    assert (hl.name, hl.valid_to) == ("Huyện Hữu Lũng", ENDED)

    again = ok(await import_file(session, "units", SAMPLES / "don_vi.xlsx", scope=Scope(ls)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)

    plan = ok(await import_file(session, "tasks", SAMPLES / "ke_hoach_2023.xlsx", options=PLAN, dry_run=True))
    assert plan.created + plan.updated == 12  # the demo's plan of that code, changed in place


async def test_an_empty_last_day_keeps_the_stored_one_of_a_unit_found_by_name(session: AsyncSession) -> None:
    u = await _province(session)

    data = xlsx(
        HEADER,
        ("LS", "Tỉnh Lạng Sơn", "Tỉnh", "", "", ""),
        ("HL", "UBND huyện Hữu Lũng", "Huyện", "LS", "", ""),  # a file of 2023: no end yet
        ("HL-MS", "Xã Minh Sơn", "Xã", "HL", "", ""),
    )
    result = ok(await import_bytes(session, "units", "don_vi_2023.xlsx", data, scope=Scope(u["LS"])))
    await session.commit()

    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    session.expunge_all()
    hl = await session.get(Unit, u["LS.HL"].id)
    assert hl is not None and (hl.name, hl.valid_to) == ("Huyện Hữu Lũng", ENDED)
    aliases = await _aliases(session)
    assert aliases == {"HL": ("LS.HL", "code", "don_vi_2023.xlsx"), "HL-MS": ("LS.HL.MS", "code", "don_vi_2023.xlsx")}


async def test_a_row_of_a_recorded_code_updates_its_unit_as_a_known_code_does(session: AsyncSession) -> None:
    u = await _province(session)
    first = xlsx(HEADER[:4], ("LS", "Tỉnh Lạng Sơn", "Tỉnh", ""), ("SNV", "Sở Nội vụ", "Sở", "LS"))
    ok(await import_bytes(session, "units", "a.xlsx", first, scope=Scope(u["LS"])))
    await session.commit()

    renamed = xlsx(HEADER[:4], ("SNV", "Sở Nội vụ và Lao động", "Sở", "LS"))
    result = ok(await import_bytes(session, "units", "b.xlsx", renamed, scope=Scope(u["LS"])))
    await session.commit()

    assert (result.created, result.updated) == (0, 1)
    assert change_line(result.changes[0]).startswith("Sửa Sở Nội vụ (mã LS.SNV): tên “Sở Nội vụ” → “Sở Nội vụ và")
    session.expunge_all()
    assert (await session.get(Unit, u["LS.SNV"].id)).name == "Sở Nội vụ và Lao động"  # type: ignore[union-attr]


async def test_a_name_of_two_stored_units_and_a_code_recorded_for_another_unit_are_row_errors(
    session: AsyncSession,
) -> None:
    u = await _province(session)
    ok(await import_bytes(session, "units", "a.xlsx", xlsx(HEADER[:4], ("SNV", "Sở Nội vụ", "Sở", "LS"))))
    await session.commit()

    data = xlsx(
        HEADER[:4],
        ("MS", "Xã Minh Sơn", "Xã", ""),  # no parent given: both Xã Minh Sơn
        ("SNV", "Huyện Chi Lăng", "Huyện", "LS"),  # SNV is Sở Nội vụ's
    )
    result = await import_bytes(session, "units", "b.xlsx", data, scope=Scope(u["LS"]))

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "Tên đơn vị", "ambiguous_unit"),
        (3, "Mã đơn vị", "duplicate"),
    ]
    said = reason(result.errors[0])
    assert "LS.HL.MS" in said and "LS.CL.MS" in said, said
    assert reason(result.errors[1]) == (
        "mã “SNV” đã được ghi nhận là mã của Sở Nội vụ (LS.SNV), còn tên của dòng này là UBND huyện Chi Lăng (LS.CL)."
        " Đồng chí kiểm tra lại mã hoặc tên của dòng."
    )
    assert reason(result.errors[1], "en").startswith("the code “SNV” is already recorded as the code of Sở Nội vụ")
    assert await _count(session, UnitAlias) == 1


async def test_a_name_is_looked_for_in_the_importing_province_only(session: AsyncSession) -> None:
    u = await _province(session)

    data = xlsx(HEADER[:4], ("SNV", "Sở Nội vụ", "Sở", "QN"))
    result = ok(await import_bytes(session, "units", "qn.xlsx", data, scope=Scope(u["QN"])))
    await session.commit()

    assert (result.created, result.updated) == (0, 1)
    assert (await _aliases(session)) == {"SNV": ("QN.SNV", "code", "qn.xlsx")}  # not Lạng Sơn's Sở Nội vụ
