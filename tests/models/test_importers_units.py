"""Importing the unit tree: paths, parents anywhere, re-imports that update and move units."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Unit, UnitKind
from models.importers import import_bytes
from tests.models.test_importers import counts, ok, sample_units, xlsx
from tests.said import change_line

HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến")


async def units(session: AsyncSession) -> dict[str, Unit]:
    session.expunge_all()
    return {u.code: u for u in (await session.execute(select(Unit))).scalars()}


async def test_sample_units_form_a_tree_with_materialised_paths(session: AsyncSession) -> None:
    await sample_units(session)

    stored = await units(session)

    province, district, commune = stored["LS"], stored["HL"], stored["HL-MS"]
    assert province.path == f"/{province.id}/"
    assert commune.path == f"/{province.id}/{district.id}/{commune.id}/"
    assert (commune.kind, district.kind, stored["VPUBND"].kind) == (
        UnitKind.COMMUNE,
        UnitKind.DISTRICT,
        UnitKind.AGENCY,
    )
    assert district.valid_to == commune.valid_to == date(2025, 6, 30)  # both ended at the 1/7/2025 reform
    assert stored["VPUBND"].valid_to is None  # an empty "Hiệu lực đến": no end


async def test_a_parent_may_come_after_its_children_in_the_file(session: AsyncSession) -> None:
    data = xlsx(
        HEADER[:4],
        ("HL-MS", "Xã Minh Sơn", "Xã", "HL"),
        ("HL", "Huyện Hữu Lũng", "Huyện", "LS"),
        ("LS", "Tỉnh Lạng Sơn", "Tỉnh", ""),
    )

    ok(await import_bytes(session, "units", "don_vi.xlsx", data))
    await session.commit()

    stored = await units(session)
    assert stored["HL-MS"].path == f"/{stored['LS'].id}/{stored['HL'].id}/{stored['HL-MS'].id}/"


async def test_a_parent_already_stored_is_found_by_its_code(session: AsyncSession) -> None:
    await sample_units(session)

    data = xlsx(HEADER[:4], ("HL-YT", "Xã Yên Thịnh", "xa", "hl"))
    result = ok(await import_bytes(session, "units", "them.xlsx", data))
    await session.commit()

    stored = await units(session)
    assert result.created == 1
    assert stored["HL-YT"].parent_id == stored["HL"].id
    assert stored["HL-YT"].path.startswith(stored["HL"].path)


async def test_reimport_updates_name_kind_and_validity_of_known_codes(session: AsyncSession) -> None:
    await sample_units(session)

    data = xlsx(
        HEADER,
        ("HL-TTHL", "Xã Hữu Lũng", "Xã", "HL", "", "01/07/2025"),
        ("CL", "Huyện Chi Lăng", "Huyện", "LS", "", "30/06/2025"),
    )
    result = ok(await import_bytes(session, "units", "sua.xlsx", data))
    await session.commit()

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    line = change_line(result.changes[0])
    assert line.startswith("Sửa Thị trấn Hữu Lũng (mã HL-TTHL): tên “Thị trấn Hữu Lũng” → “Xã Hữu Lũng”"), line
    assert "loại thị trấn → xã; hiệu lực đến 30/06/2025 → 01/07/2025" in line
    english = change_line(result.changes[0], "en")
    assert "name “Thị trấn Hữu Lũng” → “Xã Hữu Lũng”; kind township → commune" in english, english
    changed = (await units(session))["HL-TTHL"]
    assert (changed.name, changed.kind, changed.valid_to) == ("Xã Hữu Lũng", UnitKind.COMMUNE, date(2025, 7, 1))


async def test_a_new_parent_moves_the_unit_with_its_whole_subtree(session: AsyncSession) -> None:
    await sample_units(session)
    before = await units(session)

    data = xlsx(HEADER[:4], ("TPLS", "Thành phố Lạng Sơn", "Thành phố", "HL"))
    result = ok(await import_bytes(session, "units", "chuyen.xlsx", data))
    await session.commit()

    after = await units(session)
    assert result.updated == 1
    assert "cấp trên Tỉnh Lạng Sơn → Huyện Hữu Lũng" in change_line(result.changes[0])  # by name, not code
    city, ward = after["TPLS"], after["TPLS-VT"]
    assert city.parent_id == before["HL"].id
    assert city.path == f"{after['HL'].path}{city.id}/"
    assert ward.path == f"{city.path}{ward.id}/"
    assert after["HL-MS"].path == before["HL-MS"].path


async def test_unknown_parent_duplicate_code_and_bad_kind_are_row_errors(session: AsyncSession) -> None:
    data = xlsx(
        HEADER[:4],
        ("LS", "Tỉnh Lạng Sơn", "Tỉnh", ""),
        ("HL", "Huyện Hữu Lũng", "Huyện", "XX"),
        ("LS", "Tỉnh Lạng Sơn", "Tỉnh", ""),
        ("CL", "Huyện Chi Lăng", "Quận", "LS"),
        ("", "Không mã", "Xã", "LS"),
    )

    result = await import_bytes(session, "units", "don_vi.xlsx", data)

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "Đơn vị cấp trên", "unknown_unit"),
        (4, "Mã đơn vị", "duplicate"),
        (5, "Loại", "bad_value"),
        (6, "Mã đơn vị", "empty"),
    ]
    assert set((await counts(session)).values()) == {0}


async def test_a_unit_cannot_end_up_below_itself(session: AsyncSession) -> None:
    await sample_units(session)

    data = xlsx(HEADER[:4], ("HL", "Huyện Hữu Lũng", "Huyện", "HL-MS"))
    result = await import_bytes(session, "units", "vong.xlsx", data)

    assert [(e.row, e.code) for e in result.errors] == [(2, "cycle")]


async def test_an_empty_kind_is_read_from_the_name(session: AsyncSession) -> None:
    data = xlsx(HEADER[:4], ("LS", "Tỉnh Lạng Sơn", "", ""), ("LS-P1", "Phường Đông Kinh", None, "LS"))

    ok(await import_bytes(session, "units", "don_vi.xlsx", data))
    await session.commit()

    stored = await units(session)
    assert (stored["LS"].kind, stored["LS-P1"].kind) == (UnitKind.PROVINCE, UnitKind.WARD)
