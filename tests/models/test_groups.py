"""Group assignees as plans write them (models/groups.py): every form and variant is one group, a unit's
own name is none, and a cell mixing groups and units splits without breaking a group at its commas."""

from __future__ import annotations

import pytest

from models.enums import UnitKind
from models.groups import COMMUNES, DEPARTMENTS, DISTRICTS, PROVINCIAL_BODIES, group_of, members, split, vague
from models.units import Unit


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Các sở, ban, ngành", DEPARTMENTS),
        ("các sở ban ngành tỉnh", DEPARTMENTS),
        ("CÁC SỞ, BAN, NGÀNH", DEPARTMENTS),
        ("Cac so, ban, nganh", DEPARTMENTS),
        ("Sở, ban, ngành", DEPARTMENTS),
        ("Các Sở, ngành", DEPARTMENTS),
        ("Các sở, ban, ngành, đoàn thể tỉnh", DEPARTMENTS),
        ("UBND các xã, phường", COMMUNES),
        ("Ủy ban nhân dân các xã, phường", COMMUNES),
        ("UBND các xã,\nphường", COMMUNES),
        ("Các xã, phường", COMMUNES),
        ("UBND xã, phường", COMMUNES),
        ("UBND các xã, phường, thị trấn", COMMUNES),
        ("UBND cấp xã", COMMUNES),
        ("Các cơ quan, đơn vị thuộc UBND tỉnh", PROVINCIAL_BODIES),
        ("Cơ quan chuyên môn thuộc UBND tỉnh", PROVINCIAL_BODIES),
        ("các cơ quan, đơn vị trực thuộc Ủy ban nhân dân tỉnh", PROVINCIAL_BODIES),
        ("UBND các huyện, thành phố", DISTRICTS),
        ("UBND các huyện, thị xã, thành phố", DISTRICTS),
        ("UBND cấp huyện", DISTRICTS),
    ],
)
def test_group_forms_and_variants_name_one_group(written: str, key: str) -> None:
    assert group_of(written) == key


@pytest.mark.parametrize(
    "written", ["UBND xã Tuấn Sơn", "Sở Nội vụ", "UBND thành phố", "Thành phố Lạng Sơn", "UBND xã", "Thị trấn"]
)
def test_a_unit_name_is_not_a_group(written: str) -> None:
    assert group_of(written) is None


def test_a_cell_mixing_groups_and_units_splits_at_semicolons_lines_and_commas() -> None:
    assert split("Các sở, ban, ngành; UBND các xã, phường").groups == [DEPARTMENTS, COMMUNES]
    mixed = split("Sở Nội vụ, Các sở, ban, ngành, UBND các xã, phường\nXã Minh Sơn, huyện Hữu Lũng")
    assert mixed.groups == [DEPARTMENTS, COMMUNES]
    assert mixed.names == "Sở Nội vụ; Xã Minh Sơn, huyện Hữu Lũng"
    assert split("Sở Nội vụ; Sở Tư pháp").groups == []


def test_related_bodies_name_no_unit() -> None:
    assert vague("Các cơ quan, đơn vị liên quan")
    assert vague("các cơ quan, đơn vị có liên quan")
    cell = split("Sở Nội vụ; các cơ quan, đơn vị liên quan")
    assert (cell.groups, cell.names, cell.vague) == ([], "Sở Nội vụ", True)


def _unit(id_: int, kind: UnitKind, parent: Unit | None, code: str) -> Unit:
    path = f"{parent.path if parent else '/'}{id_}/"
    return Unit(id=id_, code=code, name=code, kind=kind, parent_id=parent.id if parent else None, path=path)


def test_members_are_the_province_units_of_the_group_kinds() -> None:
    province = _unit(1, UnitKind.PROVINCE, None, "20")
    snv = _unit(2, UnitKind.DEPARTMENT, province, "SNV")
    office = _unit(3, UnitKind.AGENCY, province, "VP")
    centre = _unit(4, UnitKind.CENTER, office, "TTHCC")
    ward = _unit(5, UnitKind.WARD, province, "06100")
    commune = _unit(6, UnitKind.COMMUNE, province, "06001")
    other = _unit(7, UnitKind.PROVINCE, None, "22")
    elsewhere = _unit(8, UnitKind.COMMUNE, other, "07001")
    everyone = [province, snv, office, centre, ward, commune, other, elsewhere]

    assert [u.code for u in members(DEPARTMENTS, province, everyone)] == ["SNV", "VP"]
    assert [u.code for u in members(COMMUNES, province, everyone)] == ["06001", "06100"]
    assert members(DISTRICTS, province, everyone) == []
