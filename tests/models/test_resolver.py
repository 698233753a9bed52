"""Names as people write them (issue 13, point 1), each rule of ``models.resolver`` at the data layer
(SQLite and PostgreSQL): through the invites' look-up (``lineage.units_named``), the commands'
(``queries.units.find_unit``, ``queries.scores.ranked_units``) and the importers' (``UnitLookup``)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from models import Unit, UnitKind
from models.importers.cells import CellError
from models.importers.lookup import UnitLookup
from models.lineage import units_named, year_period
from models.queries.scores import ranked_units
from models.queries.units import find_unit
from models.tree import add_unit

ENDED = date(2025, 6, 30)
REFORM = date(2025, 7, 1)


async def _tree(session: AsyncSession) -> dict[str, Unit]:
    ls = await add_unit(session, code="LS", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE)
    u = {"LS": ls}
    u["SNV"] = await add_unit(session, code="SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=ls)
    u["VP"] = await add_unit(session, code="VP", name="Văn phòng UBND tỉnh", kind=UnitKind.AGENCY, parent=ls)
    u["TPLS"] = await add_unit(
        session, code="TPLS", name="Thành phố Lạng Sơn", kind=UnitKind.CITY, parent=ls, valid_to=ENDED
    )
    u["HL"] = await add_unit(
        session, code="HL", name="Huyện Hữu Lũng", kind=UnitKind.DISTRICT, parent=ls, valid_to=ENDED
    )
    u["CL"] = await add_unit(
        session, code="CL", name="Huyện Chi Lăng", kind=UnitKind.DISTRICT, parent=ls, valid_to=ENDED
    )
    u["HL-MS"] = await add_unit(
        session, code="06457", name="Xã Minh Sơn", kind=UnitKind.COMMUNE, parent=u["HL"], valid_to=ENDED
    )
    u["CL-MS"] = await add_unit(
        session, code="CL-MS", name="Xã Minh Sơn", kind=UnitKind.COMMUNE, parent=u["CL"], valid_to=ENDED
    )
    u["TS"] = await add_unit(
        session, code="06457", name="Xã Tuấn Sơn", kind=UnitKind.COMMUNE, parent=ls, valid_from=REFORM
    )
    u["TT"] = await add_unit(
        session, code="TT-OLD", name="Phường Tam Thanh", kind=UnitKind.WARD, parent=u["TPLS"], valid_to=ENDED
    )
    u["TT.NEW"] = await add_unit(
        session, code="05977", name="Phường Tam Thanh", kind=UnitKind.WARD, parent=ls, valid_from=REFORM
    )
    u["HP"] = await add_unit(session, code="31", name="Thành phố Hải Phòng", kind=UnitKind.CENTRAL_CITY)
    u["HCM"] = await add_unit(session, code="79", name="Thành phố Hồ Chí Minh", kind=UnitKind.CENTRAL_CITY)
    u["HUE"] = await add_unit(session, code="46", name="Thành phố Huế", kind=UnitKind.CENTRAL_CITY)
    u["QN"] = await add_unit(session, code="22", name="Tỉnh Quảng Ninh", kind=UnitKind.PROVINCE)
    u["QN.SNV"] = await add_unit(session, code="QN.SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=u["QN"])
    await session.commit()
    return u


async def _named(session: AsyncSession, text: str, year: int | None = None) -> list[str]:
    period = year_period(year) if year is not None else (None, None)
    return [unit.code for unit in await units_named(session, text, period)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tỉnh Lạng Sơn", "LS"),
        ("tinh lang son", "LS"),
        ("  TỈNH   LẠNG   SƠN ", "LS"),
        ("UBND tỉnh Lạng Sơn", "LS"),
        ("Ủy ban nhân dân tỉnh Lạng Sơn", "LS"),
        ("Lạng Sơn", "LS"),  # a bare name meaning a province and a city in it: the province, as the press writes
        ("20", "LS"),  # the official code of the built-in list
        ("Thành phố Lạng Sơn", "TPLS"),
        ("TP. Lạng Sơn", "TPLS"),
        ("UBND TP Lạng Sơn", "TPLS"),
        ("Hải Phòng", "31"),
        ("hai phong", "31"),
        ("TP. Hồ Chí Minh", "79"),
        ("TP.HCM", "79"),
        ("TPHCM", "79"),
        ("Huế", "46"),
        ("Thừa Thiên Huế", "46"),
        ("Thừa Thiên - Huế", "46"),
        ("Quảng Ninh", "22"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "VP"),
        ("Sở Nội vụ tỉnh Quảng Ninh", "QN.SNV"),
        ("Sở Nội vụ tỉnh Lạng Sơn", "SNV"),
        ("Hữu Lũng", "HL"),
        ("huyện Hữu Lũng", "HL"),
    ],
)
async def test_a_name_as_people_write_it_names_one_unit(session: AsyncSession, text: str, code: str) -> None:
    await _tree(session)

    assert await _named(session, text) == [code]


async def test_a_kind_that_does_not_fit_finds_nothing(session: AsyncSession) -> None:
    await _tree(session)

    assert await _named(session, "Phường Minh Sơn") == []
    assert await _named(session, "Xã Hải Phòng") == []


async def test_a_commune_name_shared_by_two_districts_means_both_and_its_district_tells_them_apart(
    session: AsyncSession,
) -> None:
    await _tree(session)

    assert await _named(session, "Minh Sơn", 2023) == ["06457", "CL-MS"]
    assert await _named(session, "Xã Minh Sơn, huyện Chi Lăng", 2023) == ["CL-MS"]


async def test_a_department_name_is_looked_for_in_the_province_named_after_it(session: AsyncSession) -> None:
    await _tree(session)

    assert await _named(session, "Sở Nội vụ") == ["SNV", "QN.SNV"]
    ls = await find_unit(session, "Sở Nội vụ tỉnh Quảng Ninh")
    assert ls is not None and ls.code == "QN.SNV"


async def test_the_date_chooses_between_an_abolished_ward_and_the_new_one(session: AsyncSession) -> None:
    await _tree(session)

    assert await _named(session, "UBND phường Tam Thanh", 2024) == ["TT-OLD"]
    assert await _named(session, "Tam Thanh", 2026) == ["05977"]


async def test_a_leader_finds_another_province_by_the_name_the_press_prints(session: AsyncSession) -> None:
    u = await _tree(session)

    found = await ranked_units(session, "Quảng Ninh", u["LS"], year_period(2023))
    assert [unit.code for unit in found] == ["22"]
    found = await ranked_units(session, "Lạng Sơn", u["LS"], year_period(2023))
    assert [unit.code for unit in found] == ["LS"]


async def test_an_import_names_units_as_plans_write_them(session: AsyncSession) -> None:
    from models.scope import Scope

    u = await _tree(session)
    lookup = await UnitLookup.load(session, Scope(u["LS"]), year_period(2023))

    assert lookup.find("Sở Nội vụ").code == "SNV"  # the other province's department is outside the scope
    assert lookup.find("UBND phường Tam Thanh").code == "TT-OLD"
    assert lookup.find("TP. Lạng Sơn").code == "TPLS"


async def test_an_unknown_name_gets_the_closest_candidates(session: AsyncSession) -> None:
    from models.scope import Scope

    u = await _tree(session)
    lookup = await UnitLookup.load(session, Scope(u["LS"]), year_period(2023))

    with pytest.raises(CellError) as unknown:
        lookup.find("Sở Nội Vu tinh")
    assert unknown.value.code == "unknown_unit"
    assert "Có phải: Sở Nội vụ (SNV)?" in unknown.value.reason
    with pytest.raises(CellError) as ambiguous:
        lookup.find("Minh Sơn")
    assert ambiguous.value.code == "ambiguous_unit"
    assert "06457, CL-MS" in ambiguous.value.reason


async def _alias(session: AsyncSession, unit: Unit, alias: str, kind: str = "code") -> None:
    from models.text import fold
    from models.units import UnitAlias

    session.add(UnitAlias(unit_id=unit.id, alias=alias, folded=fold(alias), kind=kind, source="don_vi.xlsx"))
    await session.commit()


async def test_an_alias_code_names_its_unit_in_its_own_province_only(session: AsyncSession) -> None:
    from models.queries.in_operation import units_named as operating_named

    u = await _tree(session)
    await _alias(session, u["HL"], "HLG")
    await _alias(session, u["QN.SNV"], "snv-qn")
    await _alias(session, u["SNV"], "SNVLS")

    assert await _named(session, "hlg", 2023) == ["HL"]
    assert await _named(session, "HLG", 2026) == []  # the district ended with the reform
    found = await find_unit(session, "SNVLS", within=u["LS"])
    assert found is not None and found.code == "SNV"
    assert await find_unit(session, "SNV-QN", within=u["LS"]) is None  # Quảng Ninh's own code
    found = await find_unit(session, "SNV-QN", within=u["QN"])
    assert found is not None and found.code == "QN.SNV"
    named = await operating_named(session, "SNVLS", date(2026, 3, 10), u["LS"])  # as invites look units up
    assert [unit.code for unit in named.operating] == ["SNV"]
    ranked = await ranked_units(session, "HLG", u["LS"], year_period(2023))  # as /diem does
    assert [unit.code for unit in ranked] == ["HL"]


async def test_an_import_finds_units_by_their_alias_codes_and_names(session: AsyncSession) -> None:
    from models.scope import Scope

    u = await _tree(session)
    await _alias(session, u["HL-MS"], "HL-MS")
    await _alias(session, u["VP"], "Văn phòng Ủy ban", kind="name")
    await _alias(session, u["QN.SNV"], "QNSNV")
    lookup = await UnitLookup.load(session, Scope(u["LS"]), year_period(2023))

    assert lookup.find("hl-ms").code == "06457"
    assert lookup.find("UBND Văn phòng Ủy ban").code == "VP"
    with pytest.raises(CellError) as outside:
        lookup.find("QNSNV")  # an alias of another province's unit means nothing here
    assert outside.value.code == "unknown_unit"
