"""Malicious workbooks, built in a few lines each (a hand-written .xlsx: the few XML parts openpyxl
needs), so no bomb is stored in the repository. Each is small zipped and huge, slow or dangerous
to read. ``BOMBS`` lists them with the code of the refusal each must get."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable

from models.importers import units
from models.importers.book import parse
from models.importers.result import FileProblem
from models.importers.sheet import table_of

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{_OFFICE}.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{_REL}/officeDocument"/></Relationships>"""
_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG}">
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_REL}/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml" Type="{_REL}/sharedStrings"/>
</Relationships>"""
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã đơn vị</t></is></c></row>'


def workbook(sheet_data: str, *, dimension: str = "A1:A1", strings: str = "", prolog: str = "") -> bytes:
    """A one-sheet .xlsx whose <sheetData> holds ``sheet_data``; ``strings`` are the shared strings'
    <si> items; ``prolog`` goes before the sheet's root element (a DOCTYPE)."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{_NS}"><dimension ref="{dimension}"/>'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}">{strings}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def wide_dimension(rows: int = 3000) -> bytes:
    """A sheet that declares 16,384 columns (A1:XFD…) over a few thousand one-cell rows: openpyxl pads
    every row to the declared width (the issue's 23 KB file took 350 MB)."""
    cells = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, rows + 2))
    return workbook(HEADER_ROW + cells, dimension=f"A1:XFD{rows + 1}")


def far_cell() -> bytes:
    """No declared dimension to catch, one cell in the last column (XFD): the row would be 16,384 wide."""
    return workbook(HEADER_ROW + '<row r="2"><c r="XFD2"><v>1</v></c></row>')


def many_cells(count: int = 1_200_000) -> bytes:
    """A million empty styled cells, 200 to a row: a few KB zipped."""
    row = '<c s="0"/>' * 200
    return workbook(HEADER_ROW + "".join(f"<row>{row}</row>" for _ in range(count // 200)))


def many_strings(count: int = 2_000_000) -> bytes:
    """Two million tiny shared strings (the issue's 84 KB file cost 53 s of CPU)."""
    return workbook(HEADER_ROW, strings="<si><t>a</t></si>" * count)


def deflate_bomb(megabytes: int = 40) -> bytes:
    """A sheet padded with 40 MB of spaces: about 40 KB zipped, a ratio of ~1000."""
    return workbook(HEADER_ROW + " " * (megabytes * 1024 * 1024))


def declared_huge() -> bytes:
    """Parts that unzip to 200 MB in all (five of 40 MB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook(HEADER_ROW))) as source, zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        for n in range(5):
            archive.writestr(f"xl/media/pad{n}.bin", b"\0" * (40 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def billion_laughs() -> bytes:
    """Nested entities that expand to 10⁹ "lol"s."""
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    cell = '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return workbook(HEADER_ROW + cell, prolog=f"<!DOCTYPE worksheet [{entities}]>")


def external_entity() -> bytes:
    """An entity that would read a file of the server into a cell."""
    cell = '<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    return workbook(HEADER_ROW + cell, prolog='<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>')


def deep_nesting(depth: int = 200_000) -> bytes:
    """200,000 nested elements inside the sheet (1.4 MB of XML, 3 KB zipped)."""
    return workbook(HEADER_ROW + "<x>" * depth + "</x>" * depth)


BOMBS: list[tuple[str, Callable[[], bytes], str]] = [
    ("16,384 declared columns", wide_dimension, "too_many_columns"),
    ("a cell in column XFD", far_cell, "too_many_columns"),
    ("a million empty cells", many_cells, "too_many_cells"),
    ("two million shared strings", many_strings, "too_many_strings"),
    ("a deflate bomb (ratio ~1000)", deflate_bomb, "zip_ratio"),
    ("200 MB declared unzipped", declared_huge, "too_big_unzipped"),
    ("billion laughs", billion_laughs, "xml_declaration"),
    ("an external entity", external_entity, "xml_declaration"),
    ("200,000 nested elements", deep_nesting, "zip_ratio"),
    ("100,000 nested elements (under the ratio floor)", lambda: deep_nesting(100_000), "missing_column"),
]


def traced_refusal(name: str, data: bytes) -> tuple[str, int]:
    """In the worker: the code of the refusal of ``data`` read as a unit list, and the peak of the
    memory Python allocated meanwhile (tracemalloc: every object, the XML trees and the inflated bytes)."""
    tracemalloc.start()
    try:
        table_of(parse(name, data), units.COLUMNS)
        code = "accepted"
    except FileProblem as problem:
        code = problem.error.code
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return code, peak
