"""The periodic CCHC report drafted as files: the report (.docx, python-docx) and its appendix (.xlsx,
openpyxl), for one unit and one period (docs/REPORT_CCHC.md).

Every word comes from ``templates/report/document.j2`` and ``templates/report/appendix.j2`` in the
reader's language; this module only lays their blocks out. The page is a văn bản hành chính as Nghị định
30/2020/NĐ-CP, Phụ lục I sets it: A4, margins top and bottom 20 mm, left 30 mm, right 15 mm (the lower
ends of its ranges 20–25, 30–35, 15–20 mm), Times New Roman, the body at 14 pt and the heading block at
13 pt.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import Renderer
from handlers.base import Reply
from models.queries.report import ReportPeriod, UnitInput, report_data
from models.units import Unit

FONT = "Times New Roman"
BODY, HEADING_BLOCK, MOTTO = Pt(14), Pt(13), Pt(12)  # Nghị định 30: quốc hiệu 12–13 pt, the rest 13–14
HEAD_COLUMNS = (Mm(62), Mm(103))  # the 165 mm between the margins; the quốc hiệu needs about 95 mm at 12 pt
RULE_ISSUER, RULE_MOTTO = Mm(20), Mm(62)  # the rules under the issuer (about a third of it) and the tiêu ngữ
CELL_MARGINS = Mm(4)  # Word's and LibreOffice's default cell padding, left and right together
CELL = " ¦ "  # how the templates split a table's cells
NUMBER = ("Số", "No.")  # the heading block's number line


@dataclass(frozen=True)
class Block:
    kind: str  # left, right, title, subtitle, h1, h2, p, quote, th, td, to, sign, sheet
    text: str


KINDS = ("left", "right", "title", "subtitle", "h1", "h2", "p", "quote", "th", "td", "end", "to", "sign", "sheet")
_MARK = re.compile(r"@(" + "|".join(KINDS) + r")(?=\s|$)")


def blocks(text: str) -> Iterator[Block]:
    """The blocks of a rendered report: "@kind " opens one (where the template's lines were joined too),
    and runs to the next."""
    marks = list(_MARK.finditer(text))
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following is not None else len(text)
        yield Block(mark[1], " ".join(text[mark.end() : end].split()))


async def draft_report(
    session: AsyncSession,
    unit: Unit,
    period: ReportPeriod,
    *,
    lang: str,
    inputs: Sequence[UnitInput] = (),
    renderer: Renderer | None = None,
) -> tuple[bytes, bytes]:
    """The report (.docx) and its appendix (.xlsx) of ``unit`` for ``period`` in ``lang``; the caller has
    checked the asker may read the unit's data. ``inputs``: the units' own narrative items."""
    renderer = renderer or Renderer()
    data = await report_data(session, unit, period, inputs=inputs, tz=renderer.tz)
    document = renderer.render(lang, Reply("report/document", {"r": data}))
    appendix = renderer.render(lang, Reply("report/appendix", {"r": data}))
    return await asyncio.to_thread(_files, document, appendix)


def _files(document: str, appendix: str) -> tuple[bytes, bytes]:
    return _docx(list(blocks(document))), _xlsx(list(blocks(appendix)))


def _docx(found: list[Block]) -> bytes:
    doc = Document()
    _page(doc)
    _heading_block(doc, [b.text for b in found if b.kind == "left"], [b.text for b in found if b.kind == "right"])
    table = None
    for b in found:
        if b.kind in ("left", "right"):
            continue
        if b.kind in ("th", "td"):
            cells = b.text.split(CELL)
            if table is None:
                table = doc.add_table(rows=0, cols=len(cells))
                table.style = "Table Grid"
            row = table.add_row().cells
            for cell, value in zip(row, cells, strict=False):
                cell.text = value.strip()
                for run in cell.paragraphs[0].runs:
                    run.bold = b.kind == "th"
            continue
        table = None
        if b.kind != "end":
            _paragraph(doc, b)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _heading_block(doc: DocxDocument, left: list[str], right: list[str]) -> None:
    """Nghị định 30's two columns: the issuing body in bold (its parent above it, not bold) over the
    number; the national motto in bold over the place and date in italics. The right column is the wider,
    so that the quốc hiệu stands on one line; a short rule under the issuer, a rule as long as the tiêu
    ngữ under it."""
    issuer = max((n for n, text in enumerate(left) if not text.startswith(NUMBER)), default=-1)
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    cells = table.rows[0].cells
    for column, cell, width in zip(table.columns, cells, HEAD_COLUMNS, strict=True):
        column.width = cell.width = width
    styles = [[(n == issuer, False) for n in range(len(left))], [(n < 2, n == 2) for n in range(len(right))]]
    rules = {(0, issuer): RULE_ISSUER, (1, 1): RULE_MOTTO}  # (column, line) -> the rule's length under it
    for side, (cell, lines, style) in enumerate(zip(cells, (left, right), styles, strict=True)):
        for n, (text, (bold, italic)) in enumerate(zip(lines, style, strict=True)):
            para = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.space_after = Pt(0)
            for k, part in enumerate(text.split(CELL.strip())):  # " ¦ ": a line break the template asks for
                run = para.add_run(part.strip())
                run.font.size = MOTTO if (side, n) == (1, 0) else HEADING_BLOCK
                run.bold, run.italic = bold, italic
                if k:
                    run.text = "\n" + run.text  # python-docx writes "\n" as a <w:br/>
            if (side, n) in rules:
                _rule(cell, HEAD_COLUMNS[side], rules[side, n])


def _rule(cell: Any, width: Length, length: Length) -> None:
    """A horizontal rule ``length`` long, centred in a cell ``width`` wide: the top border of an empty
    1 pt paragraph whose indents leave that length."""
    para = cell.add_paragraph()
    side = Emu(max(0, (width - length - CELL_MARGINS) // 2))
    para.paragraph_format.left_indent = para.paragraph_format.right_indent = side
    para.paragraph_format.space_after = Pt(6)
    para.add_run().font.size = Pt(1)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    para._p.get_or_add_pPr().append(borders)


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for name in ("Normal", "Heading 1", "Heading 2"):
        _times(doc.styles[name])


def _times(style: Any) -> None:
    """Times New Roman at the body's size in black: the default template's theme fonts (Calibri) and
    colours take precedence over a font name unless they are taken out."""
    style.font.name, style.font.size, style.font.color.rgb = FONT, BODY, None
    fonts = style.element.rPr.rFonts
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for side in ("w:eastAsia", "w:cs"):
        fonts.set(qn(side), FONT)


def _paragraph(doc: DocxDocument, b: Block) -> None:
    if b.kind in ("h1", "h2"):
        para = doc.add_heading(b.text, level=1 if b.kind == "h1" else 2)
    else:
        para = doc.add_paragraph()
        run = para.add_run(b.text)
        run.bold = b.kind in ("title", "subtitle", "sign") or (b.kind == "to" and b.text.endswith(":"))
        run.italic = b.kind == "quote"
        if b.kind == "to":
            run.font.size = Pt(12)
    if b.kind in ("title", "subtitle"):
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if b.kind == "title":  # clear of the heading block
            para.paragraph_format.space_before = Pt(12)
    elif b.kind == "sign":
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif b.kind in ("p", "quote"):
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _xlsx(found: list[Block]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    sheet = None
    for b in found:
        if b.kind == "sheet":
            sheet = book.create_sheet(b.text[:31])
            continue
        if sheet is None:
            continue
        if b.kind == "title":
            sheet.append([b.text])
            sheet.cell(sheet.max_row, 1).font = Font(name=FONT, bold=True, size=13)
            continue
        cells = [_value(c.strip()) for c in b.text.split(CELL)]
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(name=FONT, bold=b.kind == "th", size=12)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if b.kind == "th":
            sheet.freeze_panes = f"A{sheet.max_row + 1}"
            for n, width in enumerate(_widths(len(cells)), start=1):
                sheet.column_dimensions[get_column_letter(n)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(columns: int) -> list[int]:
    return [6, 60 if columns == 8 else 40] + [16] * (columns - 2)


def _value(text: str) -> int | str:
    """A count as a number (sums and filters work on it); any other cell as the template wrote it."""
    return int(text) if text.isdigit() else text
