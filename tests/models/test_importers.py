"""Imports as a whole: the sample files, all-or-nothing, dry runs, the audit log, and files that are not
spreadsheets. The builders here are shared by the other test_importers_* modules."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry, Base, Plan, Task, Unit
from models.importers import ImportResult, ensure_indices, import_bytes, import_file
from tests.said import change_line

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PLAN = {"plan": "KH-CCHC-2023", "year": 2023}
DRIVE = {
    "drive": "TD-MOTCUA-2024",
    "title": "Hiện đại hóa bộ phận một cửa",
    "starts_on": "01/05/2024",
    "ends_on": "30/09/2024",
}
TASK_HEADER = ("STT", "Nội dung nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")


def xlsx(*rows: Sequence[object]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(*rows: Sequence[object], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def ok(result: ImportResult) -> ImportResult:
    assert result.errors == [], [str(e) for e in result.errors]
    return result


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows in every table: the database is unchanged when these are equal (and values were not edited)."""
    return {
        t.name: (await session.execute(select(func.count()).select_from(t))).scalar_one()
        for t in Base.metadata.sorted_tables
    }


async def sample_units(session: AsyncSession) -> None:
    ok(await import_file(session, "units", SAMPLES / "don_vi.xlsx"))
    await session.commit()


async def sample_plan(session: AsyncSession) -> None:
    await sample_units(session)
    ok(await import_file(session, "tasks", SAMPLES / "ke_hoach_2023.xlsx", options=PLAN))
    await session.commit()


SAMPLE_IMPORTS = [
    ("units", "don_vi.xlsx", {}, 15),
    ("tasks", "ke_hoach_2023.xlsx", PLAN, 12),
    ("results", "ket_qua_chi_so.csv", {}, 5),
    ("drive_criteria", "thi_dua_tieu_chi.xlsx", DRIVE, 5),
    ("drive_measurements", "thi_dua_so_lieu.csv", {"drive": DRIVE["drive"]}, 9),
]


async def test_every_sample_file_imports_in_order_and_a_second_import_changes_nothing(session: AsyncSession) -> None:
    await ensure_indices(session)
    for kind, name, options, rows in SAMPLE_IMPORTS:
        first = ok(await import_file(session, kind, SAMPLES / name, options=options))
        assert (first.created, first.updated, first.unchanged) == (rows, 0, 0), name
        await session.commit()
    before = await counts(session)
    for kind, name, options, rows in SAMPLE_IMPORTS:
        again = ok(await import_file(session, kind, SAMPLES / name, options=options))
        assert (again.created, again.updated, again.unchanged) == (0, 0, rows), name
        assert again.changes == []
    await session.commit()
    after = await counts(session)
    assert after.pop("audit_log") == before.pop("audit_log") + len(SAMPLE_IMPORTS)
    assert after == before


async def test_malformed_plan_reports_every_bad_row_and_writes_nothing(session: AsyncSession) -> None:
    await sample_units(session)
    before = await counts(session)

    result = await import_file(session, "tasks", SAMPLES / "ke_hoach_loi.xlsx", options=PLAN)
    await session.commit()

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (5, "Thời gian hoàn thành", "bad_date"),
        (6, "Cơ quan chủ trì", "unknown_unit"),
        (7, "Nội dung nhiệm vụ", "empty"),
    ]
    assert "31/13/2023" in result.errors[0].reason
    assert "Sở Du lịch" in result.errors[1].reason
    assert result.created == 0
    assert await counts(session) == before


async def test_missing_column_is_one_error_naming_it_and_nothing_is_written(session: AsyncSession) -> None:
    await sample_units(session)
    before = await counts(session)
    data = xlsx(("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"), (1, "Rà soát thủ tục", "SNV"))

    result = await import_bytes(session, "tasks", "ke_hoach.xlsx", data, options=PLAN)
    await session.commit()

    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.code, error.column) == (1, "missing_column", "Thời gian hoàn thành")
    assert "Thời gian hoàn thành" in error.reason
    assert await counts(session) == before


async def test_rows_with_errors_block_the_good_rows_too(session: AsyncSession) -> None:
    await sample_units(session)
    data = xlsx(
        TASK_HEADER,
        (1, "Rà soát thủ tục hành chính", 3, "SNV", "", "Quý II"),
        (2, "Kiểm tra công vụ", 5, "SNV", "Sở Không Có", "Quý III"),
    )

    result = await import_bytes(session, "tasks", "ke_hoach.xlsx", data, options=PLAN)
    await session.commit()

    assert [(e.row, e.code) for e in result.errors] == [(3, "unknown_unit")]
    assert (await session.execute(select(func.count()).select_from(Task))).scalar_one() == 0
    assert (await session.execute(select(func.count()).select_from(Plan))).scalar_one() == 0


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("ke_hoach.xlsx", "Đây là một tệp văn bản đổi đuôi".encode(), "đổi đuôi"),
        ("ke_hoach.xlsx", b"PK\x03\x04 not really a zip archive", "hỏng"),
        ("ke_hoach.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
        ("ke_hoach.pdf", b"%PDF-1.7", "không phải Excel"),
    ],
)
async def test_a_file_that_is_not_a_spreadsheet_gives_one_clear_error(
    session: AsyncSession, name: str, data: bytes, words: str
) -> None:
    result = await import_bytes(session, "tasks", name, data, options=PLAN)

    assert len(result.errors) == 1
    assert (result.errors[0].row, result.errors[0].code) == (0, "bad_file")
    assert words in result.errors[0].reason
    assert set((await counts(session)).values()) == {0}


async def test_an_empty_sheet_gives_one_error(session: AsyncSession) -> None:
    result = await import_bytes(session, "units", "don_vi.xlsx", xlsx())

    assert [(e.row, e.code) for e in result.errors] == [(0, "empty")]


async def test_a_header_without_rows_gives_one_error(session: AsyncSession) -> None:
    data = xlsx(("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên"), (), ())

    result = await import_bytes(session, "units", "don_vi.xlsx", data)

    assert [(e.row, e.code) for e in result.errors] == [(1, "empty")]


async def test_a_missing_path_is_a_file_error_not_a_traceback(session: AsyncSession, tmp_path: Path) -> None:
    result = await import_file(session, "units", tmp_path / "khong_co.xlsx")

    assert [e.code for e in result.errors] == ["bad_file"]


async def test_an_unknown_kind_is_a_programming_error(session: AsyncSession) -> None:
    with pytest.raises(ValueError, match="unknown import kind"):
        await import_bytes(session, "budgets", "x.csv", b"a,b")


async def test_header_is_found_below_a_title_and_matched_without_diacritics(session: AsyncSession) -> None:
    data = xlsx(
        ("DANH SÁCH ĐƠN VỊ",),
        (),
        ("ma don vi", "TEN DON VI", " Loai ", "Don vi cap tren (*)"),
        ("LS", "Tỉnh Lạng Sơn", "tinh", ""),
        ("SNV", "Sở Nội vụ", "so", "LS"),
        (None, None, None, None),
        ("Ghi chú: danh sách đến 30/6/2025",),
    )

    result = ok(await import_bytes(session, "units", "don_vi.xlsx", data))

    assert result.created == 2
    assert result.skipped_rows == [7]


async def test_dry_run_lists_the_changes_and_writes_nothing(session: AsyncSession) -> None:
    await sample_units(session)
    before = await counts(session)

    result = ok(await import_file(session, "tasks", SAMPLES / "ke_hoach_2023.xlsx", options=PLAN, dry_run=True))
    await session.commit()

    assert result.dry_run
    assert result.created == 12
    assert change_line(result.changes[0]) == "Tạo kế hoạch KH-CCHC-2023 – Kế hoạch cải cách hành chính năm 2023"
    assert change_line(result.changes[1]).startswith("Thêm nhiệm vụ số 1: ")
    assert "hạn Quý I (31/03/2023)" in change_line(result.changes[1])
    assert await counts(session) == before


async def test_a_real_import_is_audited_with_its_counts(session: AsyncSession) -> None:
    await sample_units(session)

    entry = (await session.execute(select(AuditEntry))).scalar_one()

    assert (entry.action, entry.subject) == ("import.units", "don_vi.xlsx")
    assert entry.detail["created"] == 15
    assert entry.at.tzinfo is not None


async def test_a_chat_upload_imports_from_bytes(session: AsyncSession) -> None:
    data = (SAMPLES / "don_vi.xlsx").read_bytes()

    result = ok(await import_bytes(session, "units", "Danh sách đơn vị.xlsx", data, actor_id=None))
    await session.commit()

    assert result.created == 15
    names = (await session.execute(select(Unit.name).order_by(Unit.id))).scalars().all()
    assert names[:2] == ["Tỉnh Lạng Sơn", "Sở Nội vụ"]
