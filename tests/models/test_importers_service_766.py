"""The 766 import kind: the three sample layouts import into the demo and into a province made by
``cchc-bot init`` + don_vi_lang_son_2025.csv; the period comes from a column, the option or the title;
a second import of the same period changes nothing, a corrected figure replaces the stored one; a bad
row (a group above its maximum, a total that is not the sum, an unknown unit, another province's unit)
is reported and nothing is written."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, FrozenClock, IndexResult, ScoreIndex, Unit, UnitKind
from models.demo import load_demo
from models.importers import import_bytes, import_file
from models.importers.cells import CellError
from models.importers.periods import in_title, period
from models.importers.result import Note
from models.importers.service_766 import tolerance
from models.indices import ComponentResult
from models.provinces import find_province
from models.scope import Scope
from models.scope import find_province as stored_province
from models.setup import init_province
from models.tree import add_unit
from tests.models.test_importers import SAMPLES, counts, ok, xlsx

DEMO_DAY = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)
SAMPLE_FILES = sorted(SAMPLES.glob("chi_so_766_*"))
HEADER = (
    "STT",
    "Tên đơn vị",
    "Công khai, minh bạch",
    "Tiến độ giải quyết",
    "Dịch vụ trực tuyến",
    "Mức độ hài lòng",
    "Số hóa hồ sơ",
    "Tổng điểm",
)
TITLE = ("KẾT QUẢ BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP THÁNG 10/2026",)
GOOD = (1, "UBND xã Văn Quan", "16,5", "18", "20,25", "15", "19,75", "89,50")


async def demo_scope(session: AsyncSession) -> Scope:
    await load_demo(session, FrozenClock(at=DEMO_DAY))
    province = await stored_province(session, "LS")
    assert province is not None
    return Scope(province)


async def init_scope(session: AsyncSession) -> Scope:
    """A database made by ``cchc-bot init --province "Lạng Sơn"`` with don_vi_lang_son_2025.csv imported."""
    entry = find_province("Lạng Sơn")
    assert entry is not None
    await init_province(session, entry, FrozenClock(at=DEMO_DAY))
    province = await stored_province(session, "20")
    assert province is not None
    ok(await import_file(session, "units", SAMPLES / "don_vi_lang_son_2025.csv", scope=Scope(province)))
    return Scope(province)


async def stored(session: AsyncSession, code: str) -> dict[tuple[int, str, int], tuple[Decimal | None, list[Decimal]]]:
    """The unit's 766 results by period: the total and the five groups."""
    query = (
        select(IndexResult)
        .join(Unit, Unit.id == IndexResult.unit_id)
        .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
        .where(ScoreIndex.code == "766", Unit.code == code)
    )
    found = {}
    for result in (await session.execute(query)).scalars():
        parts = await session.execute(
            select(ComponentResult.score).where(ComponentResult.result_id == result.id).order_by(ComponentResult.id)
        )
        found[(result.year, result.period, result.period_number)] = (result.score, [s for s in parts.scalars() if s])
    return found


@pytest.mark.parametrize("made_by", ["demo", "init"])
async def test_every_sample_imports_without_errors_and_a_second_time_changes_nothing(
    session: AsyncSession, made_by: str
) -> None:
    scope = await (demo_scope(session) if made_by == "demo" else init_scope(session))
    assert len(SAMPLE_FILES) == 3
    for path in SAMPLE_FILES:
        first = ok(await import_file(session, "766", path, scope=scope))
        assert first.created in (12, 65) and first.updated == 0, path.name
        again = ok(await import_file(session, "dvc", path, scope=scope))
        assert (again.created, again.updated, again.unchanged) == (0, 0, first.created), path.name
    van_quan = "06253"
    results = await stored(session, van_quan)
    assert (2026, "month", 10) in results
    total, groups = results[(2026, "month", 10)]
    assert len(groups) == 5 and total == sum(groups, Decimal(0))
    department = "LS.STP" if made_by == "demo" else "STP"
    assert {(2026, "quarter", 3), (2026, "month", 11)} <= set(await stored(session, department))


async def test_the_period_comes_from_the_option_before_the_title(session: AsyncSession) -> None:
    scope = await demo_scope(session)
    data = xlsx(TITLE, (), HEADER, GOOD)
    ok(await import_bytes(session, "766", "t.xlsx", data, scope=scope))
    ok(await import_bytes(session, "766", "t.xlsx", data, scope=scope, options={"period": "2026-Q3"}))
    assert set(await stored(session, "06253")) >= {(2026, "month", 10), (2026, "quarter", 3)}


async def test_a_period_column_gives_each_rows_period(session: AsyncSession) -> None:
    scope = await demo_scope(session)
    header = (*HEADER, "Kỳ")
    rows = [(*GOOD, "Tháng 10/2026"), (*GOOD, "6 tháng đầu năm 2026"), (*GOOD, "Năm 2026")]
    ok(await import_bytes(session, "766", "t.xlsx", xlsx(header, *rows), scope=scope))
    assert set(await stored(session, "06253")) >= {(2026, "month", 10), (2026, "half", 1), (2026, "year", 0)}


async def test_a_corrected_figure_replaces_the_stored_month_as_one_change(session: AsyncSession) -> None:
    scope = await demo_scope(session)
    ok(await import_bytes(session, "766", "t.xlsx", xlsx(TITLE, HEADER, GOOD), scope=scope))
    corrected = (1, "Xã Văn Quan", "16,5", "19", "20,25", "15", "19,75", "90,50")
    result = ok(await import_bytes(session, "766", "t.xlsx", xlsx(TITLE, HEADER, corrected), scope=scope))
    assert (result.created, result.updated) == (0, 1)
    note = result.changes[0]
    assert isinstance(note, Note) and note.code == "service.update"
    assert {(d["what"], d["group"]) for d in note.params["changes"]} == {("score", None), ("group", 2)}
    total, groups = (await stored(session, "06253"))[(2026, "month", 10)]
    assert total == Decimal("90.50") and groups[1] == Decimal(19)


async def test_bad_rows_are_each_reported_and_nothing_is_written(session: AsyncSession) -> None:
    scope = await demo_scope(session)
    rows = [
        (1, "Xã Văn Quan", "19", "18", "20", "15", "19", "91"),  # công khai above 18
        (2, "Xã Tuấn Sơn", "16", "18", "20", "15", "19", "95"),  # 88, not 95
        (3, "Xã Không Có", "16", "18", "20", "15", "19", "88"),
        (4, "Xã Tuấn Sơn", "16", "18", "20", "15", "19", "88"),
        (5, "Xã Tuấn Sơn", "16", "18", "20", "15", "19", "88"),  # the same unit twice in one month
    ]
    before = await counts(session)
    result = await import_bytes(session, "766", "t.xlsx", xlsx(TITLE, HEADER, *rows), scope=scope)
    assert [(e.row, e.code) for e in result.errors] == [
        (3, "group_out_of_scale"),
        (4, "total_mismatch"),
        (5, "unknown_unit"),
        (7, "duplicate"),
    ]
    assert result.created == 0 and await counts(session) == before


async def test_a_table_without_a_period_is_refused_naming_what_is_missing(session: AsyncSession) -> None:
    scope = await demo_scope(session)
    result = await import_bytes(session, "766", "t.xlsx", xlsx(HEADER, GOOD), scope=scope)
    assert [(e.code, e.params.get("why")) for e in result.errors] == [("missing_column", "period")]
    bad = await import_bytes(session, "766", "t.xlsx", xlsx(HEADER, GOOD), scope=scope, options={"period": "mùa thu"})
    assert [(e.code, e.params.get("why")) for e in bad.errors] == [("bad_value", "period")]


async def test_another_provinces_unit_is_refused(session: AsyncSession) -> None:
    scope = await demo_scope(session)
    entry = find_province("Thái Nguyên")
    assert entry is not None
    await init_province(session, entry, FrozenClock(at=DEMO_DAY))
    tn = await stored_province(session, entry.code)
    assert tn is not None
    await add_unit(session, code="TN.X1", name="Xã Đại Từ", kind=UnitKind.COMMUNE, parent=tn)
    rows = [(1, "Xã Đại Từ", *GOOD[2:]), (2, "TN.X1", *GOOD[2:])]
    result = await import_bytes(session, "766", "t.xlsx", xlsx(TITLE, HEADER, *rows), scope=scope)
    assert [e.code for e in result.errors] == ["unknown_unit", "outside_province"]


@pytest.mark.parametrize(
    ("written", "found"),
    [
        ("Tháng 10/2026", (2026, "month", 10)),
        ("tháng 10 năm 2026", (2026, "month", 10)),
        ("Quý III/2026", (2026, "quarter", 3)),
        ("Quý 3 năm 2026", (2026, "quarter", 3)),
        ("6 tháng đầu năm 2026", (2026, "half", 1)),
        ("6 tháng cuối năm 2026", (2026, "half", 2)),
        ("Năm 2026", (2026, "year", 0)),
        ("2026-10", (2026, "month", 10)),
        ("2026-Q3", (2026, "quarter", 3)),
        ("2026-H1", (2026, "half", 1)),
        ("2026", (2026, "year", 0)),
        ("10/2026", (2026, "month", 10)),
    ],
)
def test_a_period_is_read_as_officials_and_options_write_it(written: str, found: tuple[int, str, int]) -> None:
    assert period(written) == found


def test_a_title_citing_the_decisions_date_is_not_read_as_its_period() -> None:
    cited = "(theo Quyết định số 766/QĐ-TTg ngày 23 tháng 6 năm 2022 của Thủ tướng Chính phủ)"
    assert in_title(["KẾT QUẢ THÁNG 10/2026", cited]) == (2026, "month", 10)
    assert in_title([cited]) is None
    with pytest.raises(CellError):
        period("Tháng 13/2026")


def test_the_rounding_tolerance_follows_the_decimals_published() -> None:
    assert tolerance([2, 2, 2, 2, 2, 2]) == Decimal("0.03")
    assert tolerance([1, 1, 0, 1, 1, 1]) == Decimal("0.3")
