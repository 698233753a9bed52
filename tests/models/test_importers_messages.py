"""Every problem an importer can report (units, drives, plans and tasks, results, the files and cells) is
a sentence of the templates in Vietnamese and in English, never the importer's Vietnamese fallback.

The codes and cases (``why``) are collected from the source of every module of models/importers; each one
is then caused for real (a bad cell, a bad file, a bad row) and its sentence rendered in both languages."""

from __future__ import annotations

import ast
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Drive, FrozenClock, Plan, Role, ScoreIndex, Unit, UnitKind
from models.drives import DriveCriterion
from models.groups import WRITTEN
from models.importers import book, drives, ensure_indices, import_bytes, import_file, limits, units, worker
from models.importers.book import parse
from models.importers.cells import CellError, Uncomputed, computed, day, decimal, limited, name, positive, rank, whole
from models.importers.result import FileProblem, Note, RowError
from models.naming import NamedUnit
from models.scope import Scope
from models.tree import add_unit
from models.units import UnitAlias
from tests import factories as f
from tests.models.test_importers import DRIVE, SAMPLES, TASK_HEADER, csv_bytes, ok, sample_units, xlsx
from tests.models.test_lineage import reform
from tests.said import change_line, reason
from tests.security.bombs import HEADER_ROW, billion_laughs, wide_dimension, workbook

IMPORTERS = Path(__file__).resolve().parents[2] / "models" / "importers"
OWN = sorted(path.stem for path in IMPORTERS.glob("*.py"))  # every module: none is left out
CODE_ARGUMENT = {"CellError": 0, "refuse": 0, "_bad_file": 1, "RowError": 2, "error": 2, "fail": 1}
VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.IGNORECASE)
UNIT_HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến", "Hình thành từ")
# the words of a plan a sentence quotes as the file writes them
QUOTED = ("Các cơ quan, đơn vị liên quan", "các cơ quan, đơn vị liên quan")
MEASUREMENT_HEADER = ("Đơn vị", "Tiêu chí", "Ngày", "Giá trị")


def raised_in_source() -> tuple[set[str], set[str], set[str]]:
    """The codes, the ``why`` cases and the ``outside`` subjects the modules can report."""
    codes: set[str] = set()
    whys: set[str] = set()
    subjects: set[str] = set()
    for module in OWN:
        source = (IMPORTERS / f"{module}.py").read_text("utf-8")
        whys |= set(re.findall(r'why="(\w+)"', source)) | set(re.findall(r'"why": "(\w+)"', source))
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called == "outside":
                codes.add("outside_province")
                subjects |= {
                    k.value.value for k in node.keywords if k.arg == "subject" and isinstance(k.value, ast.Constant)
                }
            position = CODE_ARGUMENT.get(called)
            if position is None:
                continue
            if len(node.args) > position and isinstance(argument := node.args[position], ast.Constant):
                codes.add(str(argument.value))
            elif called == "_bad_file":
                codes.add("bad_file")
    return codes, whys, subjects


def cell_errors() -> list[RowError]:
    criteria = drives._Criteria([DriveCriterion(number=1, name="Tỷ lệ hồ sơ trực tuyến")])
    cases: list[tuple[Callable[[object], object], object]] = [
        (limited(5), "Sở Nội vụ"),
        (whole, "mười hai"),
        (positive, 0),
        (decimal, "tám lăm"),
        (decimal, True),
        (decimal, "1" * 50),
        (decimal, "1e20"),
        (decimal, "85,94321"),
        (day, "hôm qua"),
        (day, "31/13/2026"),
        (rank, "64/63"),
        (rank, "0"),
        (computed, Uncomputed("D7", "SUM(D2:D6)")),
        (name(64), "Xã Minh\u202eSơn"),
        (units.unit_kind, "Hạng I"),
        (drives._not_negative, "-5"),
        (criteria.find, "9"),
        (drives._Criteria([]).find, "1"),
    ]
    found = []
    for parse_cell, value in cases:
        with pytest.raises(CellError) as caught:
            parse_cell(value)
        found.append(RowError(7, "Thời hạn", caught.value.code, caught.value.reason, caught.value.params))
    return found


def refusal(file_name: str, data: bytes) -> RowError:
    with pytest.raises(FileProblem) as caught:
        parse(file_name, data)
    return caught.value.error


def damaged_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook>" + "x" * 200 + "</workbook>")
    data = bytearray(out.getvalue())
    data[data.index(b"xxxx")] = ord("y")  # the content no longer matches its CRC
    return bytes(data)


def file_errors(monkeypatch: pytest.MonkeyPatch) -> list[RowError]:
    good = xlsx(("Mã đơn vị", "Tên đơn vị"), ("LS", "Tỉnh Lạng Sơn"), ("SNV", "Sở Nội vụ"))
    found = [
        refusal("bang.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64),
        refusal("bang.xlsx", b"%PDF-1.7 not a workbook"),
        refusal("bang.pdf", b"%PDF-1.7"),
        refusal("bang.xlsx", b"PK\x03\x04 not really a zip"),
        refusal("bang.xlsx", damaged_zip()),
        refusal("bang.csv", "Mã,Tên\nLS,Lạng Sơn\n".encode("utf-16-le")),
        refusal("bang.csv", b"\xff\xfe\x00\xd8"),
        refusal("bang.csv", "Mã;Tên\nLS;Lạng Sơn\n".encode("windows-1252", errors="replace")),
        refusal("bang.csv", b"a,b\n\x00\x01\x02"),
        refusal("bang.xlsx", wide_dimension(3)),
        refusal("bang.xlsx", billion_laughs()),
    ]
    with monkeypatch.context() as patch:
        patch.setattr(limits, "MAX_PARTS", 2)
        found.append(refusal("bang.xlsx", good))
    with monkeypatch.context() as patch:
        patch.setattr(limits, "MAX_UNZIPPED", 1024)
        found.append(refusal("bang.xlsx", good))
    with monkeypatch.context() as patch:
        patch.setattr(limits, "RATIO_FLOOR", 0)
        patch.setattr(limits, "MAX_RATIO", 1)
        found.append(refusal("bang.xlsx", workbook(HEADER_ROW + " " * 10_000)))
    with monkeypatch.context() as patch:
        patch.setattr(limits, "MAX_SHARED_STRINGS", 1)
        found.append(refusal("bang.xlsx", workbook(HEADER_ROW, strings="<si><t>LS</t></si><si><t>SNV</t></si>")))
    with monkeypatch.context() as patch:
        patch.setattr(limits, "MAX_CELLS", 2)
        found.append(refusal("bang.xlsx", good))
    with monkeypatch.context() as patch:
        patch.setattr(book, "MAX_ROWS", 1)
        found.append(refusal("bang.csv", csv_bytes(("Mã", "Tên"), ("LS", "Lạng Sơn"))))
    with monkeypatch.context() as patch:

        def broken_grid(rows: object) -> object:
            raise ValueError("bad sheet XML")

        patch.setattr(book, "_grid", broken_grid)
        found.append(refusal("bang.xlsx", good))
    with monkeypatch.context() as patch:

        def broken_reader(*args: object, **kwargs: object) -> Iterator[list[str]]:
            raise csv.Error("unexpected end of data")
            yield []  # a reader fails while it is read

        patch.setattr(book.csv, "reader", broken_reader)
        found.append(refusal("bang.csv", b"a,b\n1,2\n"))
    with monkeypatch.context() as patch:

        def out_of_memory(file_name: str, data: bytes) -> object:
            raise MemoryError

        patch.setattr(worker, "parse", out_of_memory)
        complex_file = worker._parse("bang.xlsx", good)
        assert isinstance(complex_file, RowError)
        found.append(complex_file)
    return found


async def slow_file(monkeypatch: pytest.MonkeyPatch) -> RowError:
    worker.stop()
    monkeypatch.setattr(worker, "TIMEOUT", 0.001)  # starting the worker alone takes longer
    with pytest.raises(FileProblem) as caught:
        await worker.read_book("bang.xlsx", xlsx(("Mã đơn vị",)))
    monkeypatch.setattr(worker, "TIMEOUT", 30.0)
    return caught.value.error


async def unit_errors(session: AsyncSession) -> list[RowError]:
    province = ("LS", "Tỉnh Lạng Sơn", "Tỉnh", "", "", "", "")
    rows = xlsx(
        UNIT_HEADER,
        province,
        ("X1", "Đơn vị X", "Hạng I", "LS", "", "", ""),
        ("X2", "Văn phòng Đoàn ĐBQH", "", "LS", "", "", ""),
        ("X3", "Xã An", "Xã", "LS", "01/07/2025", "01/01/2025", ""),
        ("X4", "Xã Bình", "Xã", "KHONGCO", "", "", ""),
        ("X5", "Xã Cường", "Xã", "LS", "", "", "Xã Minh Sơn"),
        ("T1", "Xã Trùng", "Xã", "LS", "", "", ""),
        ("T2", "Xã Trùng", "Xã", "LS", "", "", ""),
        ("X6", "Xã Dũng", "Xã", "LS", "01/07/2025", "", "Xã Trùng"),
        ("X7", "Xã Em", "Xã", "LS", "01/07/2025", "", "Xã Không Có"),
        ("P1", "Xã Cũ", "Xã", "LS", "", "31/12/2025", ""),
        ("X8", "Xã Phú", "Xã", "LS", "01/07/2025", "", "P1"),
        ("D1", "Xã Giang", "Xã", "LS", "", "", ""),
        ("D1", "Xã Giang Mới", "Xã", "LS", "", "", ""),
    )
    first = await import_bytes(session, "units", "don_vi.xlsx", rows)
    cycle = await import_bytes(
        session,
        "units",
        "don_vi.xlsx",
        xlsx(UNIT_HEADER, ("C1", "Xã Hà", "Xã", "C2", "", "", ""), ("C2", "Xã Ích", "Xã", "C1", "", "", "")),
    )
    ls = await add_unit(session, code="LS", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE)
    tn = await add_unit(session, code="TN", name="Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE)
    await add_unit(session, code="TN.X", name="Xã Khác", kind=UnitKind.COMMUNE, parent=tn)
    await add_unit(session, code="K1", name="Xã Kim", kind=UnitKind.COMMUNE, parent=ls, valid_to=date(2025, 6, 30))
    await add_unit(session, code="K1", name="Xã Kim Mới", kind=UnitKind.COMMUNE, parent=ls, valid_from=date(2025, 7, 1))
    clash = await import_bytes(
        session, "units", "don_vi.xlsx", xlsx(UNIT_HEADER, ("K1", "Xã Kim", "Xã", "LS", "", "", ""))
    )
    outside = await import_bytes(
        session,
        "units",
        "don_vi.xlsx",
        xlsx(
            UNIT_HEADER[:4],
            ("TN.X", "Xã Khác", "Xã", "TN"),
            ("Y1", "Xã Yên", "Xã", "TN"),
            ("Y2", "Xã Yên Bình", "Xã", ""),
        ),
        scope=Scope(ls),
    )
    snv = await add_unit(session, code="LS.SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=ls)
    session.add(UnitAlias(unit_id=snv.id, alias="SNV", folded="snv", kind="code", source="don_vi.xlsx"))
    alias_taken = await import_bytes(
        session, "units", "don_vi.xlsx", xlsx(UNIT_HEADER, ("SNV", "Xã Kim", "Xã", "LS", "", "", "")), scope=Scope(ls)
    )
    drive = Drive(
        code="TN-2024", title="Thi đua của Thái Nguyên", starts_on=date(2024, 5, 1), ends_on=date(2024, 9, 30)
    )
    drive.organiser_unit_id = tn.id
    session.add(drive)
    await session.flush()
    other_drive = await import_bytes(
        session,
        "measurements",
        "so_lieu.csv",
        csv_bytes(MEASUREMENT_HEADER, ("TN.X", "1", "31/05/2024", "5")),
        options={"drive": "TN-2024"},
        scope=Scope(ls),
    )
    await session.rollback()
    return first.errors + cycle.errors + clash.errors + outside.errors + alias_taken.errors + other_drive.errors


async def drive_errors(session: AsyncSession) -> list[RowError]:
    criteria = ("TT", "Tiêu chí", "Trọng số", "Chỉ tiêu")
    good = xlsx(criteria, (1, "Tỷ lệ hồ sơ trực tuyến", 20, 80))
    found: list[RowError] = []
    for kind, data, options in [
        ("drive_criteria", good, {}),
        ("drive_criteria", good, {"drive": "KHONG-CO"}),
        ("drive_measurements", csv_bytes(MEASUREMENT_HEADER, ("HL", "1", "31/05/2024", "5")), {"drive": "KHONG-CO"}),
        ("drive_criteria", good, {**DRIVE, "drive": "MOI", "starts_on": "đầu tháng năm"}),
        ("drive_criteria", good, {**DRIVE, "drive": "MOI", "starts_on": "30/09/2024", "ends_on": "01/05/2024"}),
        ("drive_criteria", xlsx(criteria, (1, "A", 20, 80), (1, "B", 10, 50)), {**DRIVE, "drive": "MOI"}),
    ]:
        found += (await import_bytes(session, kind, "thi_dua.xlsx", data, options=options)).errors
    await sample_units(session)
    ok_criteria = await import_file(session, "drive_criteria", SAMPLES / "thi_dua_tieu_chi.xlsx", options=DRIVE)
    assert ok_criteria.ok
    twice = csv_bytes(MEASUREMENT_HEADER, ("HL", "1", "31/05/2024", "80"), ("HL", "1", "31/05/2024", "80"))
    found += (await import_bytes(session, "measurements", "so_lieu.csv", twice, options=DRIVE)).errors
    await session.rollback()
    return found


async def official_errors(session: AsyncSession) -> list[RowError]:
    """The list of officials (issue 21 point 4): every kind of bad number, each duplicate, roles."""
    await sample_units(session)
    snv = (await session.scalars(select(Unit).where(Unit.code == "SNV"))).one()
    holder = await f.official(session, snv, name="Người giữ số")
    holder.phone = "84912000555"
    for _ in range(2):
        await f.official(session, snv, name="Trùng Tên")
    header = ("STT", "Họ và tên", "Đơn vị", "Vai trò", "Số điện thoại")
    data = xlsx(
        header,
        (1, "Số bàn", "SNV", "", "0205 3812 345"),
        (2, "Số ngắn", "SNV", "", "0912 345"),
        (3, "Đầu số lạ", "SNV", "", "0502 345 678"),
        (4, "Không phải số", "SNV", "", "không có"),
        (5, "Số đôi", "SNV", "", "0977 860 419"),
        (6, "Số đôi hai", "SNV", "", "0977.860.419"),
        (7, "Số đã có", "SNV", "", "0912 000 555"),
        (8, "Hai lần", "SNV", "", ""),
        (8, "Hai lần", "SNV", "", ""),
        (9, "Trùng Tên", "SNV", "", ""),
        (10, "Vai lạ", "SNV", "bảo vệ", ""),
        (11, "Vai không hợp", "HL", "giám đốc", ""),
    )
    clock = FrozenClock(at=f.T0)
    found = (await import_bytes(session, "officials", "can_bo.xlsx", data, clock=clock)).errors
    await session.rollback()
    return found


async def run_errors(tmp_path: Path, session: AsyncSession) -> list[RowError]:
    too_big = await import_bytes(session, "units", "lon.csv", b"x" * (21 * 1024 * 1024))
    missing = await import_file(session, "units", tmp_path / "khong_co.xlsx")
    comma = "Chỉ số,Năm,Đơn vị,Điểm,Xếp hạng\nPAR INDEX,2023,LS,85,94,47/63\n".encode()
    shifted = await import_bytes(session, "results", "kq.csv", comma)
    return too_big.errors + missing.errors + shifted.errors


async def task_errors(session: AsyncSession) -> list[RowError]:
    """A plan written badly in every way a task file can be, on the province before and after the reform."""
    units = await reform(session)
    ls = units["Tỉnh Lạng Sơn"]
    for code in ("TRUNG1", "TRUNG2"):
        await add_unit(session, code=code, name="Xã Trùng", kind=UnitKind.COMMUNE, parent=ls)
    tn = await add_unit(session, code="TN", name="Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE)
    await add_unit(session, code="TN.X", name="Xã Khác", kind=UnitKind.COMMUNE, parent=tn)
    ok(
        await import_bytes(
            session,
            "tasks",
            "kh.xlsx",
            xlsx(TASK_HEADER, (1, "A", 1, "TN.X", "", "Quý III")),
            options={"plan": "KH-TN", "year": 2026},
            scope=Scope(tn),
        )
    )
    ok(
        await import_bytes(
            session,
            "tasks",
            "kh.xlsx",
            xlsx(TASK_HEADER, (1, "A", 1, "SNV", "", "Quý III")),
            options={"plan": "KH-2026", "year": 2026},
        )
    )
    rows = [
        (1, "A", 1, "SNV", "", "30/6/2030"),
        (2, "A", 1, "SNV", "", "30/6/2026 - 15/3/2026"),
        (3, "A", 1, "SNV", "", "sớm nhất có thể"),
        (4, "A", "Lĩnh vực lạ", "SNV", "", "Quý III"),
        (5, "A", 1, "Huyện Hữu Lũng", "", "Quý III"),
        (6, "A", 1, "Sở Không Có", "", "Quý III"),
        (7, "A", 1, ";", "", "Quý III"),
        (8, "A", 1, "UBND các huyện, thành phố", "", "Quý III"),
        (9, "A", 1, "Các cơ quan, đơn vị liên quan", "", "Quý III"),
        (10, "A", 1, "Xã Trùng", "", "Quý III"),
        (11, "A", 1, "TN.X", "", "Quý III"),
    ]
    plan = {"plan": "KH-2026B", "year": 2026}
    found = (
        await import_bytes(session, "tasks", "kh.xlsx", xlsx(TASK_HEADER, *rows), options=plan, scope=Scope(ls))
    ).errors
    one = xlsx(TASK_HEADER, (1, "A", 1, "SNV", "", "Quý III"))
    for options, scope in [
        ({"plan": "KH-2024", "year": 2024}, None),
        ({}, None),
        ({"plan": "KH-X", "year": "hai nghìn"}, None),
        ({"plan": "KH-X"}, None),
        ({"plan": "KH-2026", "year": 2025}, None),
        ({"plan": "KH-TN", "year": 2026}, Scope(ls)),
    ]:
        data = xlsx(TASK_HEADER, (1, "A", 1, "Xã Hữu Lũng", "", "Quý III")) if options.get("year") == 2024 else one
        found += (await import_bytes(session, "tasks", "kh.xlsx", data, options=options, scope=scope)).errors
    await session.rollback()
    return found


async def result_errors(session: AsyncSession) -> list[RowError]:
    """A results table wrong in every way one can be, and the cases of a national table."""
    units = await reform(session)
    ls = units["Tỉnh Lạng Sơn"]
    await ensure_indices(session)
    header = ("Chỉ số", "Năm", "Đơn vị", "Điểm", "Xếp hạng", "Tổng số", "Lĩnh vực 1")
    rows = [
        ("XYZ", 2023, "20", "80", "", "", ""),
        ("PAR", 1800, "20", "80", "", "", ""),
        ("PAPI", 2023, "20", "85,3", "", "", ""),
        ("PAR", 2023, "20", "80", "47/63", "62", ""),
        ("PAR", 2022, "20", "80", "64", "63", ""),
        ("PAR", 2021, "20", "80", "", "", "-5"),
        ("PCI", 2023, "20", "70", "", "", "7"),
        ("SIPAS", 2023, "20", "80", "", "", ""),
        ("SIPAS", 2023, "20", "80", "", "", ""),
        ("PAR", 2025, "06457", "80", "", "", ""),
        ("PAR", 2020, "Xã Hữu Lũng", "80", "", "", ""),
    ]
    found = (await import_bytes(session, "results", "kq.xlsx", xlsx(header, *rows))).errors
    found += (
        await import_bytes(session, "results", "kq.xlsx", xlsx(header, *rows[:1]), options={"index": "XYZ"})
    ).errors
    found += (
        await import_bytes(session, "results", "kq.xlsx", xlsx(("Năm", "Đơn vị", "Điểm"), (2023, "20", "80")))
    ).errors
    await add_unit(session, code="31", name="Xã Ba Mốt", kind=UnitKind.COMMUNE, parent=ls)
    national = ("STT", "Tỉnh, thành phố", "Điểm", "Xếp hạng")
    par = {"index": "PAR INDEX", "year": 2023}
    found += (
        await import_bytes(
            session, "results", "qg.xlsx", xlsx(national, (1, "Hải Phòng", "91,51", "1/63")), options=par
        )
    ).errors
    qn = await add_unit(session, code="22", name="Tỉnh Quảng Ninh", kind=UnitKind.PROVINCE)
    await f.official(session, qn, Role.ADMIN, name="Tổ thư ký Quảng Ninh")
    index = (await session.execute(select(ScoreIndex).where(ScoreIndex.code == "PAR"))).scalar_one()
    await f.index_result(session, index, qn, 2023, "88.5", 5)
    guarded = xlsx(national, (1, "Quảng Ninh", "90", "5/63"))
    found += (await import_bytes(session, "results", "qg.xlsx", guarded, options=par, scope=Scope(ls))).errors
    await session.rollback()
    return found


SERVICE_HEADER = (
    "Đơn vị", "Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ trực tuyến", "Mức độ hài lòng", "Số hóa hồ sơ",
    "Tổng điểm",
)  # fmt: skip
SERVICE_TITLE = ("KẾT QUẢ BỘ CHỈ SỐ 766 THÁNG 10/2026",)


async def service_units(session: AsyncSession) -> Scope:
    """A province (P766) with one commune (C766, Xã Văn Quan), beside what the database holds."""
    await ensure_indices(session)
    province = await add_unit(session, code="P766", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE)
    await add_unit(session, code="C766", name="Xã Văn Quan", kind=UnitKind.COMMUNE, parent=province)
    return Scope(province)


async def service_errors(session: AsyncSession) -> list[RowError]:
    """A 766 table wrong in every way one can be: a group above its maximum, a total above 100 or not the
    sum of the groups, the same unit twice in a month, no period, a period that cannot be read."""
    scope = await service_units(session)
    rows = [
        ("C766", "19", "18", "20", "15", "19", "91"),
        ("C766", "16", "18", "20", "15", "19", "95"),
        ("C766", "16", "18", "20", "15", "19", "120"),
        ("C766", "16", "18", "20", "15", "19", "88"),
        ("C766", "16", "18", "20", "15", "19", "88"),
    ]
    table = xlsx(SERVICE_TITLE, SERVICE_HEADER, *rows)
    found = list((await import_bytes(session, "766", "t.xlsx", table, scope=scope)).errors)
    untitled = xlsx(SERVICE_HEADER, rows[-1])
    found += (await import_bytes(session, "766", "t.xlsx", untitled, scope=scope)).errors
    found += (await import_bytes(session, "766", "t.xlsx", untitled, scope=scope, options={"period": "mùa thu"})).errors
    await session.rollback()
    return found


async def test_every_change_line_of_a_766_table_is_a_sentence_in_both_languages(session: AsyncSession) -> None:
    scope = await service_units(session)
    first = ("Xã Văn Quan", "16,5", "18", "20,25", "15", "19,75", "89,50")
    second = ("Xã Văn Quan", "16,5", "19", "20,25", "15", "19,75", "90,50")
    notes = ok(await import_bytes(session, "766", "t.xlsx", xlsx(SERVICE_TITLE, SERVICE_HEADER, first), scope=scope))
    again = ok(await import_bytes(session, "766", "t.xlsx", xlsx(SERVICE_TITLE, SERVICE_HEADER, second), scope=scope))
    said = []
    for note in [*notes.changes, *again.changes]:
        assert isinstance(note, Note)
        english = change_line(note, "en")
        assert note_leftovers(english, note) == "", (note, english)
        said += [change_line(note, "vi"), english]
    assert said == [
        "Thêm kết quả 766 tháng 10/2026 – Xã Văn Quan (C766): tổng 89,50 điểm (16,50; 18,00; 20,25; 15,00; 19,75)",
        "Add the result 766 October 2026 – Văn Quan Commune (C766): total 89.50 points (16.50; 18.00; 20.25; 15.00;"
        " 19.75)",
        "Sửa kết quả 766 tháng 10/2026 – Xã Văn Quan (C766): Điểm 89,5 → 90,5; nhóm “Tiến độ giải quyết” 18 → 19",
        "Change the result 766 October 2026 – Văn Quan Commune (C766): score 89.5 → 90.5; group “Timeliness of"
        " resolution” 18 → 19",
    ]


# the kind words a unit's stored name begins with, which an English sentence says in English
KIND_WORDS = re.compile(r"^(?:xã|phường|thị trấn|huyện|thị xã|thành phố|tp\.?|tỉnh|đặc khu)\s+", re.IGNORECASE)
# a kind of unit English names by its proper name and an English kind word; the others (a department, an
# agency: "Sở Nội vụ") keep their Vietnamese names
NAMED_IN_ENGLISH = {
    "commune",
    "ward",
    "township",
    "district",
    "city",
    "town",
    "province",
    "central_city",
    "special_zone",
}
VIETNAMESE_WORDS = re.compile(r"\bUBND\b|\bhuyện\b|\btỉnh\b|\bxã\b|\bSở\b", re.IGNORECASE)


def proper_names(unit: NamedUnit) -> Iterator[str]:
    """What an English sentence may keep of a unit's Vietnamese name: "Tuấn Sơn" of "Xã Tuấn Sơn" (and of
    its district), never "UBND" nor the kind word; a department's whole name."""
    for written, kind in ((unit.name, unit.kind), (unit.parent_name, unit.parent_kind)):
        if written and kind:
            yield KIND_WORDS.sub("", written) if kind in NAMED_IN_ENGLISH else written


def holds_unit(value: object) -> bool:
    """True when a param (or a pair, list or problem it holds) is a unit the models name."""
    if isinstance(value, NamedUnit):
        return True
    if isinstance(value, RowError):
        return holds_unit(list(value.params.values()))
    if isinstance(value, dict):
        return holds_unit(list(value.values()))
    return isinstance(value, list | tuple) and any(holds_unit(inner) for inner in value)


def words_of(value: object) -> Iterator[object]:
    """The file's own words in a param: itself, or those of the pairs, lists and problems it holds; of a
    unit the models name (``NamedUnit``), its proper names only."""
    if isinstance(value, NamedUnit):
        yield from proper_names(value)
    elif isinstance(value, RowError):
        yield value.column
        for inner in value.params.values():
            yield from words_of(inner)
    elif isinstance(value, dict):
        for inner in value.values():
            yield from words_of(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from words_of(inner)
    else:
        yield value


def without_file_words(text: str, error: RowError) -> str:
    """``text`` once the file's own words (the params, the column) are taken out."""
    for value in sorted(
        (*words_of(list(error.params.values())), error.column, *UNIT_HEADER, *WRITTEN.values(), *QUOTED),
        key=lambda v: -len(str(v)),
    ):
        if isinstance(value, date):
            value = f"{value:%d/%m/%Y}"
        text = text.replace(str(value), "")
    return text


def english_leftovers(text: str, error: RowError) -> str:
    """The Vietnamese letters of ``text`` once the file's own words (the params, the column) are taken out."""
    return "".join(VIETNAMESE.findall(without_file_words(text, error)))


async def test_every_problem_of_the_readers_is_a_sentence_in_both_languages(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    errors = [
        *cell_errors(),
        *file_errors(monkeypatch),
        await slow_file(monkeypatch),
        *await unit_errors(session),
        *await drive_errors(session),
        *await run_errors(tmp_path, session),
        *await task_errors(session),
        *await result_errors(session),
        *await service_errors(session),
        *await official_errors(session),
    ]

    codes, whys, subjects = raised_in_source()
    assert codes - {e.code for e in errors} == set(), "a code of the source was never caused here"
    assert whys - {str(e.params.get("why")) for e in errors} == set(), "a case of the source was never caused here"
    assert subjects - {str(e.params.get("subject")) for e in errors if e.code == "outside_province"} == set()
    for error in errors:
        marked = replace(error, reason="FALLBACK")  # the template's own sentence never shows the importer's
        for lang in ("vi", "en"):
            assert "FALLBACK" not in reason(marked, lang), (lang, error)
        english = reason(error, "en")
        assert english_leftovers(english, error) == "", (error, english)
        assert not VIETNAMESE_WORDS.search(without_file_words(english, error)), (error, english)
    named = {e.code for e in errors if holds_unit(e)}
    assert named >= {"abolished_unit", "ambiguous_unit", "guarded_result", "reference_code_taken"}


def test_the_sentence_of_a_bad_date_reads_naturally() -> None:
    with pytest.raises(CellError) as caught:
        day("31/13/2026")
    error = RowError(7, "Thời hạn", caught.value.code, caught.value.reason, caught.value.params)

    assert reason(error, "vi") == "không đọc được ngày “31/13/2026”: lịch không có ngày này."
    assert reason(error, "en") == "cannot read the date “31/13/2026”: there is no such day."


CHANGE_HEADER = (*TASK_HEADER, "Sản phẩm", "Ghi chú")
RESULT_CHANGE_HEADER = (
    "Chỉ số", "Năm", "Đơn vị", "Điểm", "Xếp hạng", "Thay đổi điểm", "Thay đổi bậc", "Nhóm", "Ghi chú", "Lĩnh vực 1",
)  # fmt: skip


async def plan_and_result_changes(session: AsyncSession) -> list[Note]:
    """Every change line a plan (created, adopted, renamed; tasks added and changed in each way their
    assignments can change) and a results table (added, changed, with a field) can show."""
    units = await reform(session)
    await ensure_indices(session)
    first = xlsx(
        CHANGE_HEADER,
        (1, "Nội dung A", 1, "SNV", "", "Quý III", "", ""),
        (2, "Nội dung B", 1, "UBND các xã, phường", "SNV", "30/6/2026", "", ""),
        (3, "Nội dung C", 1, "SNV", "06457", "Quý III", "", ""),
        (4, "Nội dung D", 1, "SNV", "", "Quý III", "", ""),
    )
    found = ok(await import_bytes(session, "tasks", "kh.xlsx", first, options={"plan": "KH-M", "year": 2026})).changes
    again = xlsx(
        CHANGE_HEADER,
        (1, "Nội dung A sửa", 2, "06457", "", "Quý IV", "Báo cáo", "Ghi chú mới"),
        (2, "Nội dung B", 1, "06457", "Các sở, ban, ngành", "30/6/2026", "", ""),
        (3, "Nội dung C", 1, "06457", "SNV", "Quý III", "", ""),
        (4, "Nội dung D", 1, "SNV", "UBND các xã, phường", "Quý III", "", ""),
    )
    options = {"plan": "KH-M", "year": 2026, "title": "Kế hoạch mới"}
    scope = Scope(units["Tỉnh Lạng Sơn"])
    found += ok(await import_bytes(session, "tasks", "kh.xlsx", again, options=options, scope=scope)).changes
    added = ("PAR", 2026, "20", "85,94", "47/63", "1,5", "7", "Khá", "ghi chú", "6,5")
    found += ok(await import_bytes(session, "results", "kq.xlsx", xlsx(RESULT_CHANGE_HEADER, added))).changes
    changed = ("PAR", 2026, "20", "86", "46/63", "-0,5", "-3", "Tốt", "khác", "7")
    found += ok(await import_bytes(session, "results", "kq.xlsx", xlsx(RESULT_CHANGE_HEADER, changed))).changes
    await session.rollback()
    assert all(isinstance(change, Note) for change in found), found
    return [change for change in found if isinstance(change, Note)]


def note_without_file_words(text: str, note: Note) -> str:
    """``text`` once the file's own words (the params) are taken out."""
    words = {str(w) for w in words_of(list(note.params.values()))} | set(WRITTEN.values())
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "") if word else text
    return text


def note_leftovers(text: str, note: Note) -> str:
    """The Vietnamese letters of ``text`` once the file's own words (the params) are taken out."""
    return "".join(VIETNAMESE.findall(note_without_file_words(text, note)))


async def test_every_change_line_of_plans_tasks_and_results_is_a_sentence_in_both_languages(
    session: AsyncSession,
) -> None:
    notes = await plan_and_result_changes(session)

    sources = "".join((IMPORTERS / f"{module}.py").read_text("utf-8") for module in ("tasks", "assignments", "results"))
    assert set(re.findall(r'Note\(\s*"([\w.]+)"', sources)) == {n.code for n in notes}
    parts = [d for n in notes for d in n.params.get("changes", []) if isinstance(d, dict)]
    caused = {str(d["what"]) for d in parts if n_is_task(d)}
    assert set(re.findall(r'"what": "(\w+)"', sources)) - caused == set(), "a kind of task change never caused"
    for note in notes:
        for lang in ("vi", "en"):
            assert change_line(note, lang) not in ("", note.code), (lang, note)
        english = change_line(note, "en")
        assert note_leftovers(english, note) == "", (note, english)
        assert not VIETNAMESE_WORDS.search(note_without_file_words(english, note)), (note, english)
    said = {change_line(n, "vi") for n in notes} | {change_line(n, "en") for n in notes}
    assert any(line.startswith("Sửa kết quả PAR 2026") and "thành phần 1: Điểm 6,5 → 7" in line for line in said)
    assert any(line.startswith("Change the result PAR 2026") and "component 1: score 6.5 → 7" in line for line in said)


def n_is_task(part: dict[str, object]) -> bool:
    return "component" not in part


async def test_a_defaulted_plan_title_is_said_in_the_readers_language_and_stored_in_vietnamese(
    session: AsyncSession,
) -> None:
    units = await reform(session)
    one = xlsx(TASK_HEADER, (1, "Nội dung A", 1, "SNV", "", "Quý III"))
    created = ok(await import_bytes(session, "tasks", "kh.xlsx", one, options={"plan": "KH-M", "year": 2026}))
    renamed = ok(
        await import_bytes(
            session, "tasks", "kh.xlsx", one, options={"plan": "KH-M", "year": 2026, "title": "Kế hoạch CCHC 2026"}
        )
    )
    tn = await add_unit(session, code="TN", name="Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE)
    await add_unit(session, code="TN.X", name="Xã Khác", kind=UnitKind.COMMUNE, parent=tn)
    theirs = xlsx(TASK_HEADER, (1, "A", 1, "TN.X", "", "Quý III"))
    ok(
        await import_bytes(
            session, "tasks", "kh.xlsx", theirs, options={"plan": "KH-TN", "year": 2026}, scope=Scope(tn)
        )
    )
    outside = await import_bytes(
        session, "tasks", "kh.xlsx", one, options={"plan": "KH-TN"}, scope=Scope(units["Tỉnh Lạng Sơn"])
    )

    stored = (await session.execute(select(Plan.title).where(Plan.code == "KH-TN"))).scalar_one()
    assert stored == "Kế hoạch cải cách hành chính năm 2026"
    assert change_line(created.changes[0], "vi") == "Tạo kế hoạch KH-M – Kế hoạch cải cách hành chính năm 2026"
    assert change_line(created.changes[0], "en") == "Create the plan KH-M – Administrative reform plan 2026"
    rename = next(c for c in renamed.changes if isinstance(c, Note) and c.code == "plan.rename")
    assert change_line(rename, "en") == "Rename the plan KH-M: “Administrative reform plan 2026” → “Kế hoạch CCHC 2026”"
    assert reason(outside.errors[0], "en").startswith("The plan KH-TN belongs to another province")


async def test_an_english_upload_names_units_in_english(session: AsyncSession) -> None:
    units = await reform(session)
    ls = units["Tỉnh Lạng Sơn"]
    for code in ("TRUNG1", "TRUNG2"):
        await add_unit(session, code=code, name="Xã Trùng", kind=UnitKind.COMMUNE, parent=ls)
    rows = [(1, "A", 1, "Huyện Hữu Lũng", "", "Quý III"), (2, "A", 1, "Xã Trùng", "", "Quý III")]
    tasks = await import_bytes(
        session, "tasks", "kh.xlsx", xlsx(TASK_HEADER, *rows), options={"plan": "KH-X", "year": 2026}, scope=Scope(ls)
    )
    await ensure_indices(session)
    result = ("PAR", 2026, "20", "85,94", "47/63", "", "", "", "", "")
    results = ok(await import_bytes(session, "results", "kq.xlsx", xlsx(RESULT_CHANGE_HEADER, result)))

    assert [reason(e, "en") for e in tasks.errors] == [
        "Hữu Lũng District People's Committee (HL) ceased to exist on 01/07/2025; carried on by: Hữu Lũng "
        "Commune People's Committee (06457). Please write the unit that carries it on.",
        "“Xã Trùng” is the name of several units: Trùng Commune People's Committee (TRUNG1), Trùng Commune "
        "People's Committee (TRUNG2). Please write the unit's code.",
    ]
    assert reason(tasks.errors[0], "vi").startswith("UBND huyện Hữu Lũng (HL) đã kết thúc hoạt động từ 01/07/2025")
    assert change_line(results.changes[0], "en").startswith("Add the result PAR 2026 – Lạng Sơn Province (20): ")
    assert change_line(results.changes[0], "vi").startswith("Thêm kết quả PAR 2026 – Tỉnh Lạng Sơn (20): ")


async def unit_changes(session: AsyncSession) -> list[Note]:
    """Every change line a units file can show: units added, changed, ended, linked to their predecessors,
    and a stored unit found by its name under a code of the file's own (recorded as an alias)."""
    first = xlsx(UNIT_HEADER, ("LS", "Tỉnh Lạng Sơn", "Tỉnh", "", "", "", ""), ("A", "Xã An", "Xã", "LS", "", "", ""))
    found = ok(await import_bytes(session, "units", "don_vi.xlsx", first)).changes
    ls = (await session.execute(select(Unit).where(Unit.code == "LS"))).scalar_one()
    await add_unit(session, code="LS.B", name="Xã Bình", kind=UnitKind.COMMUNE, parent=ls)
    await add_unit(session, code="LS.D", name="Xã Dũng", kind=UnitKind.COMMUNE, parent=ls)
    again = xlsx(
        UNIT_HEADER,
        ("A", "Xã An Hòa", "Xã", "LS", "", "", ""),
        ("B", "Xã Bình", "Xã", "LS", "", "", ""),
        ("C", "Xã Cường", "Xã", "LS", "01/07/2025", "", "A; Xã Dũng"),
    )
    found += ok(await import_bytes(session, "units", "don_vi.xlsx", again, scope=Scope(ls))).changes
    await session.rollback()
    assert all(isinstance(change, Note) for change in found), found
    return [change for change in found if isinstance(change, Note)]


async def test_every_change_line_of_a_units_file_is_a_sentence_in_both_languages(session: AsyncSession) -> None:
    notes = await unit_changes(session)

    sources = "".join((IMPORTERS / f"{module}.py").read_text("utf-8") for module in ("units", "unit_rows"))
    assert set(re.findall(r'Note\(\s*"([\w.]+)"', sources)) == {n.code for n in notes}
    for note in notes:
        for lang in ("vi", "en"):
            assert change_line(note, lang) not in ("", note.code), (lang, note)
        english = change_line(note, "en")
        assert note_leftovers(english, note) == "", (note, english)
    assert "Mã B trong tệp: là Xã Bình (LS.B) — ghi nhận mã này" in {change_line(n) for n in notes}
