"""No silent misread (issue 11, part "files"): every cell the importers cannot read for certain is
refused with its row and column (or the file with the reason), never stored as something else."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Task, Unit
from models.enums import DeadlineKind
from models.importers import ImportResult, ensure_indices, import_bytes
from models.importers.cells import CellError, decimal
from models.indices import IndexResult
from models.rules import DeadlineRangeError, DeadlineYearError, resolve_deadline
from tests.models.test_importers import PLAN, TASK_HEADER, counts, csv_bytes, ok, sample_plan, xlsx

RESULT_HEADER = ("Chỉ số", "Năm", "Đơn vị", "Điểm", "Xếp hạng")
UNIT_HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên")


def refused(result: ImportResult, code: str) -> list[tuple[int, str]]:
    """(row, column) of every error, after checking they all have ``code``."""
    assert result.errors, "accepted"
    assert {e.code for e in result.errors} == {code}, [str(e) for e in result.errors]
    return [(e.row, e.column) for e in result.errors]


async def ready(session: AsyncSession) -> dict[str, int]:
    await sample_plan(session)
    await ensure_indices(session)
    await session.commit()
    return await counts(session)


# --- CSV: delimiter and decimal comma ------------------------------------------------------------


async def test_an_unquoted_decimal_comma_in_a_comma_csv_is_refused_with_its_row(session: AsyncSession) -> None:
    before = await ready(session)
    data = "Chỉ số,Năm,Đơn vị,Điểm,Xếp hạng\nPAR INDEX,2022,LS,84.5,54/63\nPAR INDEX,2023,LS,85,94,47/63\n".encode()

    result = await import_bytes(session, "results", "kq.csv", data)

    assert refused(result, "csv_decimal_comma") == [(3, "")]
    assert "dấu chấm phẩy" in result.errors[0].reason
    assert await counts(session) == before


async def test_a_split_decimal_is_refused_even_when_the_row_is_shorter_than_the_header(
    session: AsyncSession,
) -> None:
    await ready(session)
    data = "Chỉ số,Năm,Đơn vị,Điểm,Xếp hạng,Nhóm,Ghi chú\nPAR INDEX,2023,LS,85,94,47/63\n".encode()

    result = await import_bytes(session, "results", "kq.csv", data)

    assert refused(result, "csv_decimal_comma") == [(2, "")]


@pytest.mark.parametrize(
    "data",
    [
        "Chỉ số;Năm;Đơn vị;Điểm;Xếp hạng\nPAR INDEX;2023;LS;85,94;47/63\n".encode(),
        'Chỉ số,Năm,Đơn vị,Điểm,Xếp hạng\nPAR INDEX,2023,LS,"85,94",47/63\n'.encode(),
    ],
    ids=["semicolons", "quoted"],
)
async def test_an_unambiguous_decimal_comma_is_read_exactly(session: AsyncSession, data: bytes) -> None:
    await ready(session)

    ok(await import_bytes(session, "results", "kq.csv", data))

    stored = (await session.execute(select(IndexResult).where(IndexResult.year == 2023))).scalar_one()
    assert (stored.score, stored.rank, stored.rank_total) == (Decimal("85.94"), 47, 63)


async def test_a_rank_above_its_total_is_refused(session: AsyncSession) -> None:
    await ready(session)

    result = await import_bytes(
        session, "results", "kq.csv", csv_bytes(RESULT_HEADER, ["PAR", "2023", "LS", "85", "94/63"])
    )

    assert refused(result, "bad_value") == [(2, "Xếp hạng")]


# --- CSV encodings -------------------------------------------------------------------------------

ROWS = "Mã đơn vị,Tên đơn vị,Loại,Đơn vị cấp trên\nLS.MOI,Xã Mới Lập,Xã,LS\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-8"])
async def test_utf16_and_utf8_csvs_are_read(session: AsyncSession, encoding: str) -> None:
    await ready(session)

    ok(await import_bytes(session, "units", "dv.csv", ROWS.encode(encoding)))

    assert (await session.execute(select(Unit.name).where(Unit.code == "LS.MOI"))).scalar_one() == "Xã Mới Lập"


@pytest.mark.parametrize(("encoding", "advice"), [("cp1258", "Windows-1258"), ("utf-16-le", "UTF-16")])
async def test_other_encodings_are_refused_with_how_to_save_the_file(
    session: AsyncSession, encoding: str, advice: str
) -> None:
    before = await ready(session)

    result = await import_bytes(session, "units", "dv.csv", ROWS.encode(encoding, "replace"))

    assert refused(result, "csv_encoding") == [(0, "")]
    assert advice in result.errors[0].reason or result.errors[0].params["encoding"] == advice
    assert await counts(session) == before


# --- workbooks: hidden sheets, formulas ----------------------------------------------------------


def book_with_hidden_sheet(state: str) -> bytes:
    """The visible sheet lacks the deadline column; a hidden one has a whole, different plan."""
    book = Workbook()
    book.active.title = "Kế hoạch"
    book.active.append(list(TASK_HEADER[:5]))
    book.active.append([1, "Rà soát thủ tục", 3, "SNV", ""])
    hidden = book.create_sheet("Nháp")
    hidden.append(list(TASK_HEADER))
    hidden.append([1, "Nhiệm vụ ẩn", 3, "SNV", "", "30/6/2023"])
    hidden.sheet_state = state
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
async def test_a_hidden_sheet_is_never_read(session: AsyncSession, state: str) -> None:
    before = await ready(session)

    result = await import_bytes(session, "tasks", "kh.xlsx", book_with_hidden_sheet(state), options=PLAN)

    assert refused(result, "missing_column") == [(1, "Thời gian hoàn thành")]
    assert await counts(session) == before


async def test_the_sheet_the_rows_come_from_is_named(session: AsyncSession) -> None:
    await ready(session)
    book = Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["Kế hoạch do Văn phòng lập"])
    plan = book.create_sheet("Kế hoạch 2023")
    plan.append(list(TASK_HEADER))
    plan.append([99, "Nhiệm vụ mới", 3, "SNV", "", "30/6/2023"])
    out = io.BytesIO()
    book.save(out)

    result = ok(await import_bytes(session, "tasks", "kh.xlsx", out.getvalue(), options=PLAN, dry_run=True))

    assert result.sheet == "Kế hoạch 2023"


async def test_a_formula_without_a_saved_value_is_refused_with_its_cell(session: AsyncSession) -> None:
    before = await ready(session)
    data = xlsx(TASK_HEADER, [99, "Rà soát thủ tục", "=1+2", "SNV", "", "30/6/2023"])

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN)

    assert refused(result, "uncomputed_formula") == [(2, "Lĩnh vực")]
    assert result.errors[0].reason == "Ô C2 là công thức chưa có giá trị: mở tệp trong Excel và lưu lại"
    assert await counts(session) == before


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["1e999999999999", "-1E+999999999", "1e-999999999", "NaN", "Infinity", "9" * 500])
def test_a_number_that_does_not_fit_is_a_cell_error(written: str) -> None:
    with pytest.raises(CellError) as refusal:
        decimal(written)
    assert refusal.value.code == "bad_number" and len(refusal.value.reason) < 120


async def test_numbers_that_do_not_fit_are_refused_per_row(session: AsyncSession) -> None:
    before = await ready(session)
    rows = [
        ["PAR", str(year), "LS", score, ""]
        for year, score in ((2019, "1e999999999999"), (2020, "NaN"), (2021, "9" * 60))
    ]

    result = await import_bytes(session, "results", "kq.csv", csv_bytes(RESULT_HEADER, *rows))

    assert refused(result, "bad_number") == [(2, "Điểm"), (3, "Điểm"), (4, "Điểm")]
    assert await counts(session) == before


# --- deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "due"),
    [
        ("15/3 - 30/6", date(2026, 6, 30)),
        ("Từ 01/7-31/12", date(2026, 12, 31)),
        ("01/7/2026 - 31/12/2026", date(2026, 12, 31)),
        ("Từ ngày 01/7 đến ngày 31/12", date(2026, 12, 31)),
        ("15/12/2025 - 14/3", date(2026, 3, 14)),
        ("30-06-2026", date(2026, 6, 30)),
        ("Trước 30/6", date(2026, 6, 30)),
    ],
)
def test_a_deadline_range_takes_its_end(written: str, due: date) -> None:
    assert resolve_deadline(written, 2026) == (DeadlineKind.DATE, due)


@pytest.mark.parametrize("written", ["30/6 - 15/3", "15/3 và 30/6", "1/3, 1/6 và 1/9"])
def test_two_dates_that_are_not_a_range_are_refused(written: str) -> None:
    with pytest.raises(DeadlineRangeError):
        resolve_deadline(written, 2026)


@pytest.mark.parametrize("written", ["30/6/2203", "31/12/2030", "Quý II/2029", "30/6/2024"])
def test_a_deadline_more_than_a_year_from_the_plan_is_refused(written: str) -> None:
    with pytest.raises(DeadlineYearError):
        resolve_deadline(written, 2026)


async def test_deadlines_are_read_or_refused_per_row_in_a_plan(session: AsyncSession) -> None:
    await ready(session)
    rows = [
        [101, "Từ đầu năm", 3, "SNV", "", "15/3 - 30/6"],
        [102, "Nửa cuối năm", 3, "SNV", "", "Từ 01/7-31/12"],
    ]
    ok(await import_bytes(session, "tasks", "kh.xlsx", xlsx(TASK_HEADER, *rows), options=PLAN))
    due = dict((await session.execute(select(Task.number, Task.due_date).where(Task.number > 100))).all())
    assert due == {101: date(2023, 6, 30), 102: date(2023, 12, 31)}

    typo = xlsx(
        TASK_HEADER, [103, "Gõ nhầm năm", 3, "SNV", "", "30/6/2203"], [104, "Ô ngày", 3, "SNV", "", date(2203, 6, 30)]
    )
    result = await import_bytes(session, "tasks", "kh.xlsx", typo, options=PLAN)
    assert refused(result, "bad_date") == [(2, "Thời gian hoàn thành"), (3, "Thời gian hoàn thành")]
    assert "2203" in result.errors[0].reason


# --- invisible and bidirectional characters ------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("LS.SNV\u200b", "Sở Nội vụ"),
        ("LS.MOI", "Xã Minh\u202eSơn"),
        ("LS.MOI", "Xã Minh\u00adSơn"),
        ("\ufeffLS.MOI", "Xã Mới"),
        ("LS.MOI", "Xã \u2066Mới\u2069"),
        ("LS.MOI\u200e", "Xã Mới"),
    ],
)
async def test_a_code_or_name_with_a_hidden_character_is_refused_with_its_column(
    session: AsyncSession, code: str, name: str
) -> None:
    before = await ready(session)

    result = await import_bytes(session, "units", "dv.xlsx", xlsx(UNIT_HEADER, [code, name, "Xã", "LS"]))

    column = "Mã đơn vị" if code != code.strip("\u200b\u200e\ufeff") else "Tên đơn vị"
    assert refused(result, "hidden_character") == [(2, column)]
    assert await counts(session) == before


async def test_a_unit_named_with_a_hidden_character_in_a_plan_is_refused(session: AsyncSession) -> None:
    await ready(session)
    data = xlsx(TASK_HEADER, [99, "Rà soát", 3, "SNV\u200b", "LS\u202e", "30/6/2023"])

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN)

    assert refused(result, "hidden_character") == [(2, "Cơ quan chủ trì"), (2, "Cơ quan phối hợp")]
