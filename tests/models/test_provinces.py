"""The built-in list of provinces: the 34 since 12/06/2025 with their official codes, the 63 before, and
what an operator types to name one."""

from __future__ import annotations

import pytest

from models.provinces import catalogue, find_province


def test_the_list_has_the_34_current_units_and_the_63_before_each_placed_in_one_of_them() -> None:
    found = catalogue()
    assert len(found.current) == 34 and len({e.code for e in found.current}) == 34
    assert len(found.before) == 63 and len({e.code for e in found.before}) == 63
    assert sum(e.central_city for e in found.current) == 6  # 28 provinces and 6 centrally-run cities
    assert {e.became for e in found.before} == {e.code for e in found.current}
    unchanged = [e for e in found.current if len(found.predecessors(e)) == 1]
    assert len(unchanged) == 11  # 11 provinces were not merged


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("01", "Thành phố Hà Nội"),
        ("04", "Tỉnh Cao Bằng"),
        ("20", "Tỉnh Lạng Sơn"),
        ("31", "Thành phố Hải Phòng"),
        ("46", "Thành phố Huế"),
        ("79", "Thành phố Hồ Chí Minh"),
    ],
)
def test_official_codes_of_current_units(code: str, name: str) -> None:
    entry = find_province(code)
    assert entry is not None and entry.current and entry.name == name


def test_merged_provinces_name_what_they_became() -> None:
    found = catalogue()
    ha_giang = find_province("Hà Giang")
    assert ha_giang is not None and not ha_giang.current and ha_giang.code == "02"
    assert found.successor(ha_giang).name == "Tỉnh Tuyên Quang"
    assert {e.name for e in found.predecessors(found.successor(ha_giang))} == {"Tỉnh Hà Giang", "Tỉnh Tuyên Quang"}
    hai_duong = find_province("30")
    assert hai_duong is not None and found.successor(hai_duong).code == "31"


@pytest.mark.parametrize("text", ["Lạng Sơn", "20", "Lang Son", "lang son", "Tỉnh Lạng Sơn", "  tinh LANG SON "])
def test_a_province_is_found_by_code_or_name_with_or_without_diacritics(text: str) -> None:
    entry = find_province(text)
    assert entry is not None and entry.code == "20" and entry.current


def test_a_name_that_is_no_province_finds_nothing() -> None:
    assert find_province("Lạng Giang") is None
    assert find_province("") is None
    assert find_province("99") is None
