"""Unit names as officials write them, before and after the 1/7/2025 reform (models/naming.py and the
templates' macros/units.j2, which follow one rule)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.render import TEMPLATES, _environment
from models import UnitKind
from models.naming import display_name
from models.queries.units import UnitName

BEFORE, AFTER = date(2024, 5, 1), date(2026, 1, 15)


def test_a_commune_in_a_district_is_named_with_it_before_the_reform() -> None:
    assert display_name("Xã Minh Sơn", "commune", "Huyện Hữu Lũng", "district", BEFORE) == (
        "UBND xã Minh Sơn, huyện Hữu Lũng"
    )
    assert display_name("Thị trấn Đồng Đăng", UnitKind.TOWNSHIP, "Huyện Cao Lộc", UnitKind.DISTRICT) == (
        "UBND thị trấn Đồng Đăng, huyện Cao Lộc"
    )


def test_no_district_after_the_reform() -> None:
    assert display_name("Xã Tuấn Sơn", "commune", "Tỉnh Lạng Sơn", "province", AFTER) == "UBND xã Tuấn Sơn"
    # a commune still stored under a district is named as documents of its date name it
    assert display_name("Xã Minh Sơn", "commune", "Huyện Hữu Lũng", "district", AFTER) == "UBND xã Minh Sơn"
    assert display_name("Đặc khu Vân Đồn", "special_zone", "Tỉnh Quảng Ninh", "province", AFTER) == (
        "UBND đặc khu Vân Đồn"
    )
    assert display_name("Thành phố Hải Phòng", "central_city") == "UBND thành phố Hải Phòng"


def test_a_department_names_its_province_only_outside_it() -> None:
    assert display_name("Sở Nội vụ", "department", "Tỉnh Lạng Sơn", "province") == "Sở Nội vụ"
    assert display_name("Sở Nội vụ", "department", "Tỉnh Lạng Sơn", "province", outside=True) == (
        "Sở Nội vụ tỉnh Lạng Sơn"
    )
    assert display_name("Trung tâm Phục vụ hành chính công tỉnh", "center", "Tỉnh Lạng Sơn", "province") == (
        "Trung tâm Phục vụ hành chính công tỉnh"
    )


@pytest.mark.parametrize(
    ("lang", "parent", "expected"),
    [
        ("vi", ("Huyện Hữu Lũng", UnitKind.DISTRICT), "UBND xã Minh Sơn, huyện Hữu Lũng"),
        ("vi", ("Tỉnh Lạng Sơn", UnitKind.PROVINCE), "UBND xã Minh Sơn"),
        ("en", ("Huyện Hữu Lũng", UnitKind.DISTRICT), "Minh Sơn Commune People's Committee, Hữu Lũng District"),
        ("en", ("Tỉnh Lạng Sơn", UnitKind.PROVINCE), "Minh Sơn Commune People's Committee"),
    ],
)
def test_the_templates_name_a_commune_under_the_province_without_a_suffix(
    lang: str, parent: tuple[str, UnitKind], expected: str
) -> None:
    macros = _environment(TEMPLATES, lang, "text").get_template("macros/units.j2")
    unit = UnitName(1, "06457", "Xã Minh Sơn", UnitKind.COMMUNE, *parent)
    assert str(macros.module.full(unit)).strip() == expected


@pytest.mark.parametrize(
    ("name", "kind", "full", "short"),
    [
        ("Tỉnh Bắc Kạn", UnitKind.PROVINCE, "Bắc Kạn Provincial People's Committee", "Bắc Kạn Province"),
        ("Thành phố Hải Phòng", UnitKind.CENTRAL_CITY, "Hải Phòng City People's Committee", "Hải Phòng City"),
        ("Xã Tuấn Sơn", UnitKind.COMMUNE, "Tuấn Sơn Commune People's Committee", "Tuấn Sơn Commune"),
        ("Phường Kỳ Lừa", UnitKind.WARD, "Kỳ Lừa Ward People's Committee", "Kỳ Lừa Ward"),
        ("Huyện Hữu Lũng", UnitKind.DISTRICT, "Hữu Lũng District People's Committee", "Hữu Lũng District"),
        ("TP. Lạng Sơn", UnitKind.CITY, "Lạng Sơn City People's Committee", "Lạng Sơn City"),
        (
            "Đặc khu Vân Đồn",
            UnitKind.SPECIAL_ZONE,
            "Vân Đồn Special Zone People's Committee",
            "Vân Đồn Special Zone",
        ),
        ("Sở Nội vụ", UnitKind.DEPARTMENT, "Sở Nội vụ", "Sở Nội vụ"),
        # a department's name is data: kept as stored, English-like or not
        ("Department of Home Affairs", UnitKind.DEPARTMENT, "Department of Home Affairs", "Department of Home Affairs"),
    ],
)
def test_english_names_a_unit_by_its_kind_in_english(name: str, kind: UnitKind, full: str, short: str) -> None:
    macros = _environment(TEMPLATES, "en", "text").get_template("macros/units.j2")
    unit = UnitName(1, "X", name, kind, None, None)
    assert (str(macros.module.full(unit)).strip(), str(macros.module.short(unit)).strip()) == (full, short)
