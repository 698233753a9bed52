"""From a file's sheets (``book.parse``) to a table of rows keyed by column: .xlsx (the first visible
sheet that has the header; the sheet is named in the result) or .csv (',' ';' or tab delimited). The
header is found in the first ten rows, matched ignoring case, diacritics, spacing, line breaks, punctuation,
remarks in brackets ("Điểm (thang 100)") and a trailing "thực hiện" or "dự kiến" ("Cơ quan chủ trì thực
hiện" is "Cơ quan chủ trì"). A missing column is named with every header it may be written as.

A comma-delimited CSV whose rows do not line up with its header (a decimal comma left unquoted:
``LS,85,94,47/63``) is refused with the row and how to fix it, never read shifted by one column."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TypeVar

from models.importers.book import Book, Grid, Sheet
from models.importers.cells import CellError, computed, text
from models.importers.result import Batch, FileProblem, RowError
from models.text import fold

HEADER_SEARCH_ROWS = 10
_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"\d+")
_TRAILING = re.compile(r"(?<=\w) (thuc hien|du kien)$")  # "Thời gian hoàn thành dự kiến"

T = TypeVar("T")


def header_key(header: str) -> str:
    """ "Mã đơn vị (*)" -> "ma don vi"; "Cơ quan chủ trì\nthực hiện" -> "co quan chu tri"."""
    return _TRAILING.sub("", _NOT_WORD.sub(" ", fold(_BRACKETS.sub(" ", header))).strip())


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
    sheet: str = ""  # the worksheet the rows come from; "" for a CSV
    above: list[str] = field(default_factory=list)  # the cells above the header: a published table's title

    def has(self, key: str) -> bool:
        return key in self.headers


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


def table_of(book: Book, columns: Sequence[Column]) -> Table:
    """The table of the sheet that has the header with the most of ``columns``; FileProblem otherwise."""
    best: tuple[Sheet, int, dict[str, int]] | None = None
    for sheet in book.sheets:
        if not any(text(v) for row in sheet.grid for v in row):
            continue
        index, found = _find_header(sheet.grid, columns)
        if best is None or len(found) > len(best[2]):
            best = (sheet, index, found)
        if found and all(c.key in found for c in columns if c.required):
            break
    if best is None:
        raise FileProblem(RowError(0, "", "empty", "Tệp không có dữ liệu (trang tính trống)"))
    sheet, index, found = best
    absent = [c for c in columns if c.required and c.key not in found]
    if absent:
        raise FileProblem(_missing(absent, index + 1 if found else 1, bool(found)))
    if sheet.delimiter == ",":
        _check_alignment(sheet.grid, index)
    table = _table(sheet.grid, index, found)
    table.sheet = sheet.name
    table.above = [text(v) for row in sheet.grid[:index] for v in row if text(v)]
    if not table.rows:
        raise FileProblem(RowError(index + 1, "", "empty", "Không có dòng dữ liệu nào dưới dòng tiêu đề"))
    return table


def _missing(absent: Sequence[Column], where: int, header_found: bool) -> RowError:
    """The error of required columns not found: each with the headers it may be written as."""
    missing = [c.header for c in absent]
    lead = "Thiếu cột" if header_found else "Không tìm thấy dòng tiêu đề trong 10 dòng đầu; cần các cột"
    accepted = [[c.header, *c.aliases] for c in absent]
    written = "; ".join(f"{c.header} (hoặc: {', '.join(c.aliases)})" if c.aliases else c.header for c in absent)
    params = {"missing": missing, "accepted": accepted, "header_found": header_found}
    return RowError(where, ", ".join(missing), "missing_column", f"{lead}: {written}", params)


def _check_alignment(grid: Grid, header_index: int) -> None:
    """In a comma-delimited CSV, a data row with more cells than the header, or with fewer and two
    neighbouring cells of bare digits ("85","94"), is a decimal comma that was not quoted."""
    width = len(grid[header_index])
    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        if sum(1 for v in row if text(v)) <= 1 or len(row) == width:
            continue
        split = any(_DIGITS.fullmatch(text(a)) and _DIGITS.fullmatch(text(b)) for a, b in pairwise(row))
        if len(row) > width or split:
            raise FileProblem(
                RowError(
                    index + 1,
                    "",
                    "csv_decimal_comma",
                    f"Dòng có {len(row)} ô nhưng dòng tiêu đề có {width}: có số thập phân dùng dấu phẩy mà không "
                    'đặt trong ngoặc kép ("85,94")? Hãy lưu CSV với dấu chấm phẩy (;) hoặc đặt số trong ngoặc kép',
                    {"cells": len(row), "header_cells": width},
                )
            )


class Cells:
    """Reads the cells of one row, recording every bad cell in the batch instead of stopping at the first."""

    def __init__(self, table: Table, row: Row, batch: Batch) -> None:
        self.table, self.row, self.batch = table, row, batch
        self.ok = True

    def get(self, key: str, parse: Callable[[object], T], default: T, *, required: bool = False) -> T:
        """``parse`` of the cell; ``default`` when it is blank (an error when required) or unreadable."""
        raw = self.row[key]
        try:
            computed(raw)
        except CellError as exc:
            self.fail(key, exc.code, exc.reason, exc.params)
            return default
        if text(raw) == "":
            if required:
                self.fail(key, "empty", "Không được để trống")
            return default
        try:
            return parse(raw)
        except CellError as exc:
            self.fail(key, exc.code, exc.reason, exc.params)
            return default

    def fail(self, key: str, code: str, reason: str, params: dict[str, object] | None = None) -> None:
        self.ok = False
        self.batch.error(self.row.number, self.table.headers.get(key, key), code, reason, params)
