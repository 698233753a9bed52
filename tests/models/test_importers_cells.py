"""Reading single cells and headers as Vietnamese spreadsheets write them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from models.enums import UnitKind
from models.importers.cells import CellError, change_in_places, change_in_points, day, decimal, rank, show, whole
from models.importers.indices import field_number, index_code
from models.importers.sheet import header_key
from models.importers.units import kind_from_name, unit_kind


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("85,94", "85.94"),
        ("85.94", "85.94"),
        ("87,07%", "87.07"),
        (" 1.234,5 ", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.800.000", "1800000"),
        ("−0,37", "-0.37"),
        (85.94, "85.94"),
        (85.93999999999999, "85.94"),
        (100, "100"),
    ],
)
def test_decimal_comma_and_point_both_read_exactly(written: object, expected: str) -> None:
    value = decimal(written)
    assert value == Decimal(expected)
    assert isinstance(value, Decimal)


@pytest.mark.parametrize("written", ["abc", "trên 79%", "85,94,1.2.3", "1,23456"])
def test_a_cell_that_is_not_an_exact_number_is_bad_number(written: str) -> None:
    with pytest.raises(CellError) as caught:
        decimal(written)
    assert caught.value.code == "bad_number"


@pytest.mark.parametrize(
    "written",
    ["30/6/2023", "30/06/2023", "30-06-2023", "30.6.2023", "2023-06-30", "2023-06-30 00:00:00", "30/6/23"],
)
def test_dates_in_every_usual_form(written: str) -> None:
    assert day(written) == date(2023, 6, 30)


def test_excel_date_cells_are_dates() -> None:
    assert day(datetime(2023, 6, 30, 0, 0)) == date(2023, 6, 30)
    assert day(date(2023, 6, 30)) == date(2023, 6, 30)


@pytest.mark.parametrize("written", ["31/13/2023", "30/02/2023", "quý II", "2023"])
def test_an_impossible_date_is_bad_date(written: str) -> None:
    with pytest.raises(CellError) as caught:
        day(written)
    assert caught.value.code == "bad_date"


def test_rank_reads_its_total_from_x_of_n() -> None:
    assert rank("47/63") == (47, 63)
    assert rank("21 / 34") == (21, 34)
    assert rank(47) == (47, None)
    assert rank("12") == (12, None)
    with pytest.raises(CellError):
        rank("64/63")


@pytest.mark.parametrize(
    ("written", "places"),
    [("+7", 7), ("tăng 7 bậc", 7), ("giảm 8 bậc", -8), ("−33", -33), (-20, -20), ("không đổi", 0)],
)
def test_published_change_of_places_keeps_its_direction(written: object, places: int) -> None:
    assert change_in_places(written) == places


def test_published_change_of_points_keeps_its_direction() -> None:
    assert change_in_points("+3,31") == Decimal("3.31")
    assert change_in_points("giảm 0,37 điểm") == Decimal("-0.37")
    assert change_in_points("−0,37") == Decimal("-0.37")


def test_whole_numbers_accept_excel_floats_but_not_fractions() -> None:
    assert whole(12.0) == 12
    assert whole("12.") == 12
    with pytest.raises(CellError):
        whole("12,5")


def test_show_writes_decimals_the_vietnamese_way() -> None:
    assert show(Decimal("85.9400")) == "85,94"
    assert show(Decimal("100")) == "100"
    assert show(None) == "(trống)"


def test_headers_match_ignoring_case_diacritics_spacing_and_remarks() -> None:
    assert header_key("  Mã  đơn vị (*) ") == header_key("MA DON VI") == "ma don vi"
    assert header_key("Điểm [thang 100]") == "diem"


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Tỉnh", UnitKind.PROVINCE),
        ("thi xa", UnitKind.TOWN),
        ("Phuong", UnitKind.WARD),
        ("district", UnitKind.DISTRICT),
    ],
)
def test_unit_kinds_with_or_without_diacritics(written: str, kind: UnitKind) -> None:
    assert unit_kind(written) == kind


def test_unit_kind_can_be_read_from_the_name() -> None:
    assert kind_from_name("Thị trấn Hữu Lũng") == UnitKind.TOWNSHIP
    assert kind_from_name("Xã Minh Sơn") == UnitKind.COMMUNE
    assert kind_from_name("Văn phòng UBND tỉnh") is None


@pytest.mark.parametrize(
    ("written", "number"),
    [("3", 3), ("Lĩnh vực 7", 7), ("III", 3), ("Cải cách thể chế", 2), ("cai cach tai chinh cong", 6), ("xyz", None)],
)
def test_task_fields_by_number_or_name(written: str, number: int | None) -> None:
    assert field_number(written) == number


@pytest.mark.parametrize(
    ("written", "code"), [("PAR INDEX", "PAR"), ("par", "PAR"), ("Sipas", "SIPAS"), ("Chỉ số CCHC", "CCHC")]
)
def test_index_codes_as_files_write_them(written: str, code: str) -> None:
    assert index_code(written) == code
