"""Hard caps on a workbook, checked on the zip before openpyxl reads a single cell.

An .xlsx is a zip of XML parts; its compressed size says nothing of what reading it costs. A 23 KB
sheet may declare 16,384 columns, 84 KB may hold two million shared strings, a part may inflate a
thousand-fold, and an XML part may declare entities that expand exponentially ("billion laughs").
``check_workbook`` inflates every part once, in chunks (never more than ``CHUNK`` at a time beyond
what it has counted), and refuses the file with one ``FileProblem`` as soon as any cap is passed:

- the sum of the parts' declared sizes, and of their actual sizes, at most ``MAX_UNZIPPED``;
- each part's compression ratio at most ``MAX_RATIO`` (past ``RATIO_FLOOR`` bytes);
- no DOCTYPE or ENTITY declaration in any XML part (Excel never writes one);
- parts read whole by openpyxl (workbook, styles, relationships…) at most ``MAX_WHOLE_PART``;
- per worksheet: the declared dimension at most ``MAX_COLUMNS`` columns, at most ``MAX_CELLS`` cell
  elements in all and ``MAX_COLUMNS`` in one row;
- at most ``MAX_SHARED_STRINGS`` shared strings.

The caps are far above a province's real files (a plan or a unit list: a few thousand rows of a
dozen columns, under 1 MB zipped, a few MB unzipped) and low enough that the refusal takes well under
a second and reading a file just under them stays within a couple of seconds and ~100 MB."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from models.importers.result import FileProblem, RowError

MAX_UNZIPPED = 48 * 1024 * 1024
MAX_RATIO = 150
RATIO_FLOOR = 1024 * 1024
MAX_WHOLE_PART = 8 * 1024 * 1024
MAX_PARTS = 2000
MAX_COLUMNS = 1000
MAX_CELLS = 200_000
MAX_SHARED_STRINGS = 200_000
CHUNK = 1024 * 1024
_OVERLAP = 32  # longer than any token matched below, so none is lost between two chunks

_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
_STRINGS = re.compile(r"xl/sharedStrings\.xml", re.IGNORECASE)
_STREAMED = re.compile(r"xl/(worksheets|chartsheets|drawings|media|printerSettings|embeddings)/", re.IGNORECASE)
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_OR_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?(row|c)[\s/>]")
_STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?si[\s/>]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?dimension\s+ref=\"([A-Z]{1,3})?\d*:?([A-Z]{1,3})?\d*\"")


def refuse(code: str, reason: str, **params: object) -> FileProblem:
    """A refusal of the whole file; ``params`` fill the template of ``code`` (templates/*/imports)."""
    return FileProblem(RowError(0, "", code, reason, params))


def _column_number(letters: bytes | None) -> int:
    number = 0
    for letter in letters or b"":
        number = number * 26 + letter - 64
    return number


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as part:
        stream: IO[bytes] = part
        while chunk := stream.read(CHUNK):
            yield chunk


class _Counter:
    """Counts the cells, rows and strings of one part as its chunks go by."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sheet = bool(_SHEET.fullmatch(name))
        self.strings = bool(_STRINGS.fullmatch(name))
        self.cells = self.in_row = self.items = 0
        self.tail = b""
        self.first = True

    def feed(self, chunk: bytes) -> None:
        window = self.tail + chunk
        start = len(self.tail)
        if _DECLARATION.search(window):
            raise refuse("xml_declaration", f"Tệp có khai báo DTD/ENTITY trong '{self.name}'", part=self.name)
        if self.sheet:
            if self.first and (m := _DIMENSION.search(window)):
                self._dimension(max(_column_number(m[1]), _column_number(m[2])))
            for m in _CELL_OR_ROW.finditer(window):
                if m.end() > start:
                    self._tag(m[1])
        if self.strings:
            self.items += sum(1 for m in _STRING_ITEM.finditer(window) if m.end() > start)
            if self.items > MAX_SHARED_STRINGS:
                raise refuse(
                    "too_many_strings",
                    f"Tệp có hơn {MAX_SHARED_STRINGS} chuỗi văn bản",
                    limit=MAX_SHARED_STRINGS,
                )
        self.tail = window[-_OVERLAP:]
        self.first = False

    def _dimension(self, columns: int) -> None:
        if columns > MAX_COLUMNS:
            raise refuse(
                "too_many_columns",
                f"Trang tính khai báo {columns} cột (tối đa {MAX_COLUMNS})",
                columns=columns,
                limit=MAX_COLUMNS,
            )

    def _tag(self, tag: bytes) -> None:
        if tag == b"row":
            self.in_row = 0
            return
        self.cells += 1
        self.in_row += 1
        if self.in_row > MAX_COLUMNS:
            self._dimension(self.in_row)
        if self.cells > MAX_CELLS:
            raise refuse("too_many_cells", f"Trang tính có hơn {MAX_CELLS} ô", limit=MAX_CELLS)


def check_workbook(archive: zipfile.ZipFile) -> None:
    """FileProblem when reading ``archive`` would cost more than the caps allow; nothing otherwise."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise refuse("too_many_parts", f"Tệp nén có {len(infos)} phần", parts=len(infos))
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNZIPPED:
        raise _too_big()
    actual = 0
    for info in infos:
        counter = _Counter(info.filename)
        size = 0
        try:
            for chunk in _chunks(archive, info):
                size += len(chunk)
                actual += len(chunk)
                if size > info.file_size or actual > MAX_UNZIPPED:  # a part larger than it says
                    raise _too_big()
                if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                    raise refuse("zip_ratio", f"Phần '{info.filename}' nén quá {MAX_RATIO} lần", ratio=MAX_RATIO)
                if size > MAX_WHOLE_PART and not _STREAMED.match(info.filename) and not counter.strings:
                    raise _too_big()
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    counter.feed(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise refuse("bad_file", "Tệp Excel bị hỏng hoặc không phải .xlsx, không mở được", why="damaged") from exc


def _too_big() -> FileProblem:
    megabytes = MAX_UNZIPPED // (1024 * 1024)
    return refuse("too_big_unzipped", f"Tệp khi giải nén lớn hơn {megabytes} MB", limit_mb=megabytes)
