"""From the bytes of an upload to its sheets of cells, once, within hard caps: ``parse(name, data)``.

- .xlsx: the zip is checked first (``limits.check_workbook``: sizes, ratio, cells, strings, no DTD);
  then only the visible worksheets are read (a hidden or very hidden sheet never is), the active one
  first, streaming, each row only as wide as its last filled cell (a declared dimension is not
  trusted). A formula Excel never computed (no saved value) becomes ``Uncomputed``, never a blank.
- .csv: UTF-8 (with or without BOM) or UTF-16 with a BOM; another encoding is refused with the advice
  to save as "CSV UTF-8". One grid per possible delimiter (',' ';' tab): the header decides which.

This is plain synchronous code with no database: ``models.importers.worker`` runs it in a separate
process. Everything it returns is picklable (tuples of str, int, float, datetime, None, Uncomputed)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from models.importers.cells import Uncomputed, text
from models.importers.limits import MAX_CELLS, MAX_COLUMNS, check_workbook, refuse
from models.importers.result import FileProblem

BLANK_RUN_LIMIT = 1000  # a sheet formatted down to row 1,048,576 ends at the first long blank run
MAX_ROWS = 100_000  # a province's largest file (its units, a plan) is a few thousand rows
CSV_DELIMITERS = (",", ";", "\t")

Grid = list[tuple[object, ...]]


@dataclass
class Sheet:
    name: str  # the worksheet's title; "" for a CSV
    grid: Grid
    delimiter: str = ""  # for a CSV


@dataclass
class Book:
    name: str
    sheets: list[Sheet]


def _bad_file(reason: str, code: str = "bad_file", **params: object) -> FileProblem:
    """A refusal; ``why`` (for ``bad_file``) or the other ``params`` choose its sentence in the templates."""
    return refuse(code, reason, **params)


def parse(name: str, data: bytes) -> Book:
    """The sheets of the file, or FileProblem saying in one line why it cannot be read."""
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _bad_file("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ: hãy lưu lại thành .xlsx", why="xls")
    if data.startswith(b"PK\x03\x04"):
        return Book(name, _xlsx_sheets(data))
    if suffix in (".xlsx", ".xlsm"):
        reason = f"Tệp '{name}' không phải tệp Excel .xlsx thật (có thể là tệp khác bị đổi đuôi)"
        raise _bad_file(reason, why="renamed", name=name)
    if suffix == ".csv":
        return Book(name, _csv_sheets(data))
    raise _bad_file(f"Tệp '{name}' không phải Excel (.xlsx) hay CSV (.csv)", why="not_spreadsheet", name=name)


def _xlsx_sheets(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise _bad_file("Tệp Excel bị hỏng hoặc không phải .xlsx, không mở được", why="damaged") from exc
    check_workbook(archive)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # a zip that is not a workbook fails in many ways inside openpyxl
        raise _bad_file("Tệp Excel bị hỏng hoặc không phải .xlsx, không mở được", why="damaged") from exc
    try:
        visible = [s for s in book.worksheets if getattr(s, "sheet_state", "visible") == "visible"]
        active = book.active if book.active in visible else None
        sheets = [active, *(s for s in visible if s is not active)] if active else visible
        read: list[Sheet] = []
        for sheet in sheets:
            try:
                read.append(Sheet(sheet.title, _grid(_sheet_rows(book, sheet))))
            except FileProblem:
                raise
            except Exception as exc:  # damaged sheet XML inside a sound zip
                reason = f"Trang tính '{sheet.title}' bị hỏng, không đọc được"
                raise _bad_file(reason, why="damaged_sheet", sheet=sheet.title) from exc
        return read
    finally:
        book.close()


def _sheet_rows(book: Any, sheet: Any) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(row number, values up to the last filled cell) for every row element of the sheet's XML."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]  # openpyxl has no type hints
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            saved = element.find(VALUE_TAG)
            # no <v>, or an empty one where only a text result may be empty (openpyxl writes <v></v>)
            if formula is not None and (saved is None or (not saved.text and element.get("t") != "str")):
                cell["value"] = Uncomputed(element.get("r") or "", formula.text or "")
            return cell

    with sheet._get_source() as source:
        parser = Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            filled = [c for c in cells if c["value"] is not None]
            width = max((c["column"] for c in filled), default=0)
            if width > MAX_COLUMNS:
                raise refuse("too_many_columns", f"Trang tính có ô ở cột {width}", columns=width, limit=MAX_COLUMNS)
            values: list[object] = [None] * width
            for cell in filled:
                values[cell["column"] - 1] = cell["value"]
            yield number, tuple(values)


def _grid(rows: Iterable[tuple[int, tuple[object, ...]]]) -> Grid:
    """The rows in order, a missing row as an empty one; stops after a long run of blank rows."""
    grid: Grid = []
    blank_run = cells = 0
    for number, values in rows:
        if number <= len(grid):  # a row written twice or out of order: the first one counts
            continue
        while len(grid) < number - 1 and blank_run <= BLANK_RUN_LIMIT:
            grid.append(())
            blank_run += 1
        blank_run = blank_run + 1 if all(text(v) == "" for v in values) else 0
        if blank_run > BLANK_RUN_LIMIT:
            break
        if len(grid) >= MAX_ROWS:
            raise _bad_file(f"Tệp có hơn {MAX_ROWS} dòng: hãy chia nhỏ tệp", "too_many_rows", limit=MAX_ROWS)
        cells += len(values)
        if cells > MAX_CELLS:
            raise refuse("too_many_cells", f"Trang tính có hơn {MAX_CELLS} ô", limit=MAX_CELLS)
        grid.append(values)
    while grid and not grid[-1]:
        grid.pop()
    return grid


def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM; anything else is refused with how to save it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            content = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _bad_file("Tệp CSV UTF-16 bị hỏng", "csv_encoding", encoding="UTF-16", why="damaged") from None
    elif b"\x00" in data:
        nuls = data.count(b"\x00")
        if nuls * 3 > len(data) and (data[1::2].count(b"\x00") == nuls or data[0::2].count(b"\x00") == nuls):
            raise _bad_file("Tệp CSV lưu dạng UTF-16 không có BOM", "csv_encoding", encoding="UTF-16")
        raise _bad_file("Tệp .csv chứa dữ liệu nhị phân, không phải văn bản CSV", why="binary")
    else:
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _bad_file(
                "Tệp CSV không phải UTF-8 (có thể là Windows-1258 hoặc TCVN3)", "csv_encoding", encoding="ANSI"
            ) from None
    if "\x00" in content:
        raise _bad_file("Tệp .csv chứa dữ liệu nhị phân, không phải văn bản CSV", why="binary")
    return content.removeprefix("\ufeff")


def _csv_sheets(data: bytes) -> list[Sheet]:
    content = _decode(data)
    sheets = []
    for delimiter in CSV_DELIMITERS:
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        try:
            grid = _grid((number, tuple(row)) for number, row in enumerate(reader, start=1))
        except csv.Error as exc:
            raise _bad_file(f"Tệp CSV sai cấu trúc: {exc}", why="csv_structure") from exc
        sheets.append(Sheet("", grid, delimiter))
    return sheets
