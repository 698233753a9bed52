"""A corpus of broken imports, as a secretariat might send them: each must give row-level reasons or one
clear refusal, write nothing at all, and come back (no hang), on SQLite and PostgreSQL.

The corpus is built here (openpyxl, csv, and the hand-written bombs of ``bombs.py``), so it needs no
binary files in the repository; the number of files tried is printed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from models.importers import ensure_indices, import_bytes
from tests.models.test_importers import DRIVE, PLAN, TASK_HEADER, counts, csv_bytes, sample_plan, xlsx
from tests.security.bombs import BOMBS
from tests.security.test_files_misreads import book_with_hidden_sheet

UNIT_HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên")
RESULT_HEADER = ("Chỉ số", "Năm", "Đơn vị", "Điểm", "Xếp hạng")
MEASURE_HEADER = ("Đơn vị", "Tiêu chí", "Ngày", "Giá trị")


def merged_lead() -> bytes:
    """The lead unit typed once in a cell merged over three tasks: the two rows below it are blank."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(TASK_HEADER))
    sheet.append([1, "Rà soát thủ tục", 3, "Sở Nội vụ", "", "30/6/2023"])
    sheet.append([2, "Niêm yết thủ tục", 3, None, "", "30/6/2023"])
    sheet.append([3, "Số hoá hồ sơ", 7, None, "", "30/9/2023"])
    sheet.merge_cells("D2:D4")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def formulas() -> bytes:
    """Numbers and dates written as formulas that Excel never computed (no cached value is stored)."""
    return xlsx(
        TASK_HEADER,
        ["=ROW()-1", "Rà soát thủ tục", "=1+2", "SNV", "", "=DATE(2023,6,30)"],
        [2, '=CONCAT("Niêm yết", " thủ tục")', 3, "SNV", "", "30/6/2023"],
    )


def two_sheets() -> bytes:
    """A cover sheet of notes, then the plan with a bad row."""
    book = Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["Kế hoạch do Văn phòng lập, xem trang sau"])
    plan = book.create_sheet("Kế hoạch")
    plan.append(list(TASK_HEADER))
    plan.append([1, "Rà soát thủ tục", 3, "SNV", "", "31/13/2023"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "không phải Excel")
    return out.getvalue()


def truncated() -> bytes:
    whole = xlsx(TASK_HEADER, [1, "Rà soát thủ tục", 3, "SNV", "", "30/6/2023"])
    return whole[: len(whole) // 2]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
# (label, kind, file name, bytes or a builder, options, whether the refusal is about the whole file)
CORPUS: list[tuple[str, str, str, bytes | Callable[[], bytes], dict[str, object], bool]] = [
    (
        "wrong types",
        "tasks",
        "kh.xlsx",
        lambda: xlsx(TASK_HEADER, ["một", "Rà soát", "chín", "SNV", "", "ngày mai"]),
        PLAN,
        False,
    ),
    ("merged cells", "tasks", "kh.xlsx", merged_lead, PLAN, False),
    ("formulas", "tasks", "kh.xlsx", formulas, PLAN, False),
    ("empty sheet", "tasks", "kh.xlsx", lambda: xlsx(), PLAN, True),
    ("header only", "tasks", "kh.xlsx", lambda: xlsx(TASK_HEADER), PLAN, True),
    ("missing column", "tasks", "kh.xlsx", lambda: xlsx(TASK_HEADER[:3], [1, "Rà soát", 3]), PLAN, True),
    (
        "duplicate rows",
        "tasks",
        "kh.xlsx",
        lambda: xlsx(TASK_HEADER, *[[1, "Rà soát thủ tục", 3, "SNV", "", "30/6/2023"]] * 2),
        PLAN,
        False,
    ),
    (
        "unknown units",
        "tasks",
        "kh.xlsx",
        lambda: xlsx(TASK_HEADER, [1, "Rà soát", 3, "Sở Du lịch", "Xã Không Có", "30/6/2023"]),
        PLAN,
        False,
    ),
    (
        "dates out of range",
        "tasks",
        "kh.xlsx",
        lambda: xlsx(
            TASK_HEADER,
            [1, "Rà soát", 3, "SNV", "", "31/12/1850"],
            [2, "Niêm yết", 3, "SNV", "", "1/1/3000"],
            [3, "Số hóa", 7, "SNV", "", "31/2/2023"],
        ),
        PLAN,
        False,
    ),
    ("a sheet of notes first", "tasks", "kh.xlsx", two_sheets, PLAN, False),
    (
        "a unit that is its own parent",
        "units",
        "dv.xlsx",
        lambda: xlsx(UNIT_HEADER, ["X1", "Xã X", "Xã", "X1"]),
        {},
        False,
    ),
    (
        "two units that are each other's parent",
        "units",
        "dv.xlsx",
        lambda: xlsx(UNIT_HEADER, ["X1", "Xã X", "Xã", "X2"], ["X2", "Xã Y", "Xã", "X1"]),
        {},
        False,
    ),
    (
        "impossible scores and ranks",
        "results",
        "kq.csv",
        lambda: csv_bytes(
            RESULT_HEADER,
            ["PAR INDEX", "2023", "LS", "-5", "47/63"],
            ["PAR INDEX", "2022", "LS", "85,94", "70/63"],
            ["PAR INDEX", "năm ngoái", "LS", "abc", "x"],
        ),
        {},
        False,
    ),
    (
        "measurements of an unknown drive",
        "drive_measurements",
        "sl.csv",
        lambda: csv_bytes(MEASURE_HEADER, ["SNV", "1", "01/06/2024", "80"]),
        {"drive": "KHONG-CO"},
        True,
    ),
    ("a 50 MB file", "tasks", "kh.xlsx", lambda: b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024), PLAN, True),
    ("a picture renamed .xlsx", "tasks", "kh.xlsx", PNG, PLAN, True),
    ("a zip that is no workbook", "tasks", "kh.xlsx", zip_without_workbook, PLAN, True),
    ("half a workbook", "tasks", "kh.xlsx", truncated, PLAN, True),
    ("an old .xls", "tasks", "kh.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, PLAN, True),
    ("NUL bytes in a CSV", "tasks", "kh.csv", b"STT,N\x00i dung\n1,\x00\x00\n", PLAN, True),
    (
        "a CSV in an old Vietnamese code page",
        "tasks",
        "kh.csv",
        ",".join(TASK_HEADER).encode("cp1258", "replace") + b"\n1,R\xe0 so\xe1t,3,SNV,,30/6/2023\n",
        PLAN,
        True,
    ),
    ("an empty CSV", "units", "dv.csv", b"", {}, True),
    ("a CSV of one blank line per row", "units", "dv.csv", b"\n" * 1000, {}, True),
    (
        "an unquoted decimal comma in a comma-delimited CSV",
        "results",
        "kq.csv",
        "Chỉ số,Năm,Đơn vị,Điểm,Xếp hạng\nPAR INDEX,2023,LS,85,94,47/63\n".encode(),
        {},
        True,
    ),
    (
        "a UTF-16 CSV without its BOM",
        "units",
        "dv.csv",
        "Mã đơn vị,Tên đơn vị\nX1,Xã X\n".encode("utf-16-le"),
        {},
        True,
    ),
    ("the plan on a hidden sheet", "tasks", "kh.xlsx", lambda: book_with_hidden_sheet("hidden"), PLAN, True),
    ("the plan on a very hidden sheet", "tasks", "kh.xlsx", lambda: book_with_hidden_sheet("veryHidden"), PLAN, True),
    (
        "numbers that do not fit",
        "results",
        "kq.csv",
        lambda: csv_bytes(
            RESULT_HEADER,
            ["PAR INDEX", "2019", "LS", "1e999999999999", ""],
            ["PAR INDEX", "2020", "LS", "NaN", ""],
            ["PAR INDEX", "2021", "LS", "Infinity", ""],
            ["PAR INDEX", "2022", "LS", "9" * 200, ""],
        ),
        {},
        False,
    ),
    (
        "deadline ranges the wrong way round and years far from the plan",
        "tasks",
        "kh.xlsx",
        lambda: xlsx(
            TASK_HEADER,
            [1, "Rà soát", 3, "SNV", "", "30/6 - 15/3"],
            [2, "Niêm yết", 3, "SNV", "", "30/6/2203"],
            [3, "Số hóa", 7, "SNV", "", "15/3 và 30/6"],
        ),
        PLAN,
        False,
    ),
    (
        "invisible and right-to-left characters in codes and names",
        "units",
        "dv.xlsx",
        lambda: xlsx(
            UNIT_HEADER,
            ["LS.SNV\u200b", "Sở Nội vụ", "Sở", "LS"],
            ["LS.X1", "Xã \u202eMinh Sơn", "Xã", "LS"],
            ["LS.X2", "Xã Yên\u00adThịnh", "Xã", "LS\u2066"],
        ),
        {},
        False,
    ),
    *((f"bomb: {label}", "units", "bom.xlsx", build, {}, True) for label, build, _ in BOMBS),
]


@pytest.mark.parametrize(("label", "kind", "name", "data", "options", "whole"), CORPUS, ids=[c[0] for c in CORPUS])
async def test_a_broken_file_is_refused_with_reasons_and_writes_nothing(
    session: AsyncSession,
    label: str,
    kind: str,
    name: str,
    data: bytes | Callable[[], bytes],
    options: dict[str, object],
    whole: bool,
) -> None:
    await sample_plan(session)  # the units of the samples exist: "unknown" means unknown
    await ensure_indices(session)
    await session.commit()
    before = await counts(session)
    content = data() if callable(data) else data

    result = await import_bytes(session, kind, name, content, options=options)
    await session.commit()

    assert result.errors, f"{label}: accepted"
    assert all(error.reason.strip() for error in result.errors), f"{label}: an error without a reason"
    if whole:  # one refusal: of the whole file, or of the one row that makes the file unreadable
        (error,) = result.errors
        assert error.row <= 1 or not error.column, f"{label}: {result.errors}"
    else:
        assert all(error.row >= 1 and error.column for error in result.errors), f"{label}: {result.errors}"
    assert await counts(session) == before, f"{label}: something was written"


def test_the_corpus_is_large_enough() -> None:
    print(f"\nbad files: {len(CORPUS)} files tried on each database")
    assert len(CORPUS) >= 40
    assert DRIVE  # the drive options the samples use exist (shared with the importer tests)
