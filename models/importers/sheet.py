"""From an uploaded file to a table of rows keyed by column: .xlsx (the first sheet that has the header)
or .csv (UTF-8 with or without BOM, ',' ';' or tab delimited). The header is found in the first ten rows,
matched ignoring case, diacritics, spacing and remarks in brackets ("Điểm (thang 100)")."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TypeVar

from models.importers.cells import CellError, text
from models.importers.result import Batch, FileProblem, RowError
from models.text import fold

HEADER_SEARCH_ROWS = 10
BLANK_RUN_LIMIT = 1000  # a sheet formatted down to row 1,048,576 ends at the first long blank run
MAX_ROWS = 100_000  # a province's largest file (its units, a plan) is a few thousand rows
_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

Grid = list[tuple[object, ...]]
T = TypeVar("T")


def header_key(header: str) -> str:
    """ "Mã đơn vị (*)" -> "ma don vi"."""
    return _NOT_WORD.sub(" ", fold(_BRACKETS.sub(" ", header))).strip()


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the name written in the documentation and used in messages
    aliases: tuple[str, ...] = ()
    required: bool = True

    @property
    def names(self) -> frozenset[str]:
        return frozenset(header_key(name) for name in (self.header, *self.aliases))


@dataclass
class Row:
    number: int  # as the spreadsheet shows it
    values: dict[str, object]
    extra: dict[str, object] = field(default_factory=dict)  # header text -> value, for unnamed columns

    def __getitem__(self, key: str) -> object:
        return self.values.get(key)


@dataclass
class Table:
    header_row: int
    headers: dict[str, str]  # column key -> the header as written in the file
    extra: list[str]  # headers of the columns no Column claimed
    rows: list[Row]
    skipped: list[int]  # rows with a single filled cell: section titles, notes, merged banners

    def has(self, key: str) -> bool:
        return key in self.headers


def _bad_file(reason: str, code: str = "bad_file") -> FileProblem:
    return FileProblem(RowError(0, "", code, reason))


def _xlsx_grids(data: bytes) -> Iterator[Grid]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is not a workbook fails in many ways inside openpyxl
        raise _bad_file("Tệp Excel bị hỏng hoặc không phải .xlsx, không mở được") from exc
    try:
        sheets = [book.active, *(s for s in book.worksheets if s is not book.active)]
        for sheet in sheets:
            if not hasattr(sheet, "iter_rows"):  # a chart sheet
                continue
            try:
                grid = _bounded(sheet.iter_rows(values_only=True))
            except FileProblem:
                raise
            except Exception as exc:  # damaged sheet XML inside a sound zip
                raise _bad_file(f"Trang tính '{sheet.title}' bị hỏng, không đọc được") from exc
            yield grid
    finally:
        book.close()


def _bounded(rows: Iterator[tuple[object, ...]]) -> Grid:
    grid: Grid = []
    blank_run = 0
    for row in rows:
        blank_run = blank_run + 1 if all(text(v) == "" for v in row) else 0
        if blank_run > BLANK_RUN_LIMIT:
            break
        if len(grid) >= MAX_ROWS:
            raise _bad_file(f"Tệp có hơn {MAX_ROWS} dòng: hãy chia nhỏ tệp")
        grid.append(tuple(row))
    return grid


def _csv_grids(data: bytes) -> Iterator[Grid]:
    if b"\x00" in data:
        raise _bad_file("Tệp .csv chứa dữ liệu nhị phân, không phải văn bản CSV")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad_file("Tệp CSV phải lưu dạng UTF-8 (Excel: Lưu thành > CSV UTF-8)") from None
    for delimiter in (",", ";", "\t"):
        try:
            grid = _bounded(iter(tuple(r) for r in csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)))
        except csv.Error as exc:
            raise _bad_file(f"Tệp CSV sai cấu trúc: {exc}") from exc
        yield grid


def _grids(name: str, data: bytes) -> Iterator[Grid]:
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _bad_file("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ: hãy lưu lại thành .xlsx")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_grids(data)
    if suffix in (".xlsx", ".xlsm"):
        raise _bad_file(f"Tệp '{name}' không phải tệp Excel .xlsx thật (có thể là tệp khác bị đổi đuôi)")
    if suffix == ".csv":
        return _csv_grids(data)
    raise _bad_file(f"Tệp '{name}' không phải Excel (.xlsx) hay CSV (.csv)")


def _match(row: tuple[object, ...], columns: Sequence[Column]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, cell in enumerate(row):
        key = header_key(text(cell))
        for column in columns:
            if key and column.key not in found and key in column.names:
                found[column.key] = position
                break
    return found


def _find_header(grid: Grid, columns: Sequence[Column]) -> tuple[int, dict[str, int]]:
    """The row (0-based) among the first ten matching the most columns, and where each column is."""
    best: tuple[int, dict[str, int]] = (0, {})
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found = _match(row, columns)
        if len(found) > len(best[1]):
            best = (index, found)
    return best


def _table(grid: Grid, header_index: int, found: dict[str, int]) -> Table:
    header = grid[header_index]
    claimed = set(found.values())
    extra = {p: text(c) for p, c in enumerate(header) if p not in claimed and text(c)}
    table = Table(header_index + 1, {k: text(header[p]) for k, p in found.items()}, list(extra.values()), [], [])
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        filled = sum(1 for v in cells if text(v) != "")
        if filled <= 1:
            if filled:
                table.skipped.append(index + 1)
            continue
        values = {k: cells[p] if p < len(cells) else None for k, p in found.items()}
        others = {h: cells[p] for p, h in extra.items() if p < len(cells) and text(cells[p]) != ""}
        table.rows.append(Row(index + 1, values, others))
    return table


def read_table(name: str, data: bytes, columns: Sequence[Column]) -> Table:
    """The table of the file, or FileProblem with one error saying what is wrong with the file."""
    best: tuple[Grid, int, dict[str, int]] | None = None
    for grid in _grids(name, data):
        if not any(text(v) for row in grid for v in row):
            continue
        index, found = _find_header(grid, columns)
        if best is None or len(found) > len(best[2]):
            best = (grid, index, found)
        if found and all(c.key in found for c in columns if c.required):
            break
    if best is None:
        raise _bad_file("Tệp không có dữ liệu (trang tính trống)", code="empty")
    grid, index, found = best
    missing = [c.header for c in columns if c.required and c.key not in found]
    if missing:
        where = index + 1 if found else 1
        lead = "Thiếu cột" if found else "Không tìm thấy dòng tiêu đề trong 10 dòng đầu; cần các cột"
        raise FileProblem(RowError(where, ", ".join(missing), "missing_column", f"{lead}: {', '.join(missing)}"))
    table = _table(grid, index, found)
    if not table.rows:
        raise FileProblem(RowError(index + 1, "", "empty", "Không có dòng dữ liệu nào dưới dòng tiêu đề"))
    return table


class Cells:
    """Reads the cells of one row, recording every bad cell in the batch instead of stopping at the first."""

    def __init__(self, table: Table, row: Row, batch: Batch) -> None:
        self.table, self.row, self.batch = table, row, batch
        self.ok = True

    def get(self, key: str, parse: Callable[[object], T], default: T, *, required: bool = False) -> T:
        """``parse`` of the cell; ``default`` when it is blank (an error when required) or unreadable."""
        raw = self.row[key]
        if text(raw) == "":
            if required:
                self.fail(key, "empty", "Không được để trống")
            return default
        try:
            return parse(raw)
        except CellError as exc:
            self.fail(key, exc.code, exc.reason)
            return default

    def fail(self, key: str, code: str, reason: str) -> None:
        self.ok = False
        self.batch.error(self.row.number, self.table.headers.get(key, key), code, reason)
