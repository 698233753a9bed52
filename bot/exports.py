"""Files a reply sends (``Reply.document``): a ranking table as an Excel workbook (openpyxl), built in a
worker thread like the charts.

- ``{"kind": "ranking_xlsx", "index": "766", "year": "2026-10", "level": "communes", "unit_id": 7}``:
  /xephang's table (``year``: a year or a period's token) with a title row (index, period, level,
  province), a header (STT, Đơn vị, Điểm with the maximum, the groups or fields with theirs, Xếp hạng,
  Ghi chú) frozen under it, scores as numbers with the publisher's decimals, the asker's unit's row in bold.
- ``{"kind": "report", "unit_id": 7, "period": "2026-Q3"}``: /baocao's two files, the periodic report's
  draft (.docx) and its appendix (.xlsx) (``bot/report_docx.py``), with the inputs the unit gave for the
  period, or for a province those of all its units that owe them. The handler checked the asker may read it.

Numbers come from ``models.queries.exports``; every word from ``templates/labels/exports.j2`` in the
reader's language. Each channel sends the bytes its own way (Telegram: a document; the console: a file
in a folder; Zalo: a link, when a public URL is configured).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import Button
from models.indices import Period
from models.queries.exports import TableExport, table_export
from models.queries.report import UnitInput, report_period
from models.queries.report_inputs import inputs_for_report
from models.queries.scores import province_of
from models.units import Unit

WIDTHS = {"number": 6, "unit": 34, "score": 11, "part": 16, "rank": 10, "note": 30}  # in characters


@dataclass(frozen=True)
class Export:
    filename: str  # "xephang_766_2026-10.xlsx"
    content: bytes


class Exports:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], renderer: Renderer) -> None:
        self.sessions, self.renderer = sessions, renderer

    async def files(self, lang: str, spec: Mapping[str, Any]) -> list[Export]:
        """Every file ``spec`` asks for (two for a report, one for a table), none when there is nothing."""
        if spec.get("kind") == "report":
            return await self._report(lang, int(spec["unit_id"]), str(spec["period"]))
        built = await self.build(lang, spec)
        return [built] if built is not None else []

    async def _report(self, lang: str, unit_id: int, token: str) -> list[Export]:
        period = report_period(token)
        async with self.sessions() as session:
            unit = await session.get(Unit, unit_id)
            if unit is None or period is None:
                return []
            from bot.report_docx import draft_report  # python-docx loads when the first report is built

            _, rows = await inputs_for_report(session, unit, await province_of(session, unit), period.token, period.end)
            inputs = [UnitInput(r.unit_id, r.item, r.text) for r in rows]
            document, appendix = await draft_report(
                session, unit, period, lang=lang, inputs=inputs, renderer=self.renderer
            )
        stem = f"bao_cao_cchc_{unit.code.lower().replace('.', '_')}_{period.token}"
        return [Export(f"{stem}.docx", document), Export(f"{stem}_phu_luc.xlsx", appendix)]

    async def build(self, lang: str, spec: Mapping[str, Any]) -> Export | None:
        """The file ``spec`` asks for; None when there is nothing to send (an unknown kind or table)."""
        period = Period.from_token(str(spec.get("year", "")))
        if spec.get("kind") != "ranking_xlsx" or period is None:
            return None
        async with self.sessions() as session:
            found = await table_export(session, str(spec["index"]), period, str(spec["level"]), int(spec["unit_id"]))
        if found is None or not found.table.rows:
            return None
        sheet = self._sheet(lang, found)
        content = await asyncio.to_thread(_workbook, sheet)
        return Export(f"xephang_{found.table.index.code.lower()}_{period.token}.xlsx", content)

    def _word(self, lang: str, macro: str, **args: Any) -> str:
        return self.renderer.label(lang, Button(f"exports.{macro}", "", args), "text")

    def _sheet(self, lang: str, found: TableExport) -> Sheet:
        table, word = found.table, self._word
        title = word(lang, "title", index=table.index, period=table.period, level=table.level, province=found.province)
        header = [word(lang, "number"), word(lang, "unit"), word(lang, "score", top=found.max_score)]
        header += [word(lang, "part", number=c.number, name_vi=c.name_vi, name_en=c.name_en, top=c.max_score)
                   for c in found.columns]  # fmt: skip
        header += [word(lang, "rank"), word(lang, "note")]
        rows = []
        for number, row in enumerate(table.rows, start=1):
            parts = [found.parts.get((row.result_id or 0, c.id), (None, None)) for c in found.columns]
            notes = [word(lang, "tied")] if row.tied else [word(lang, "unranked")] if row.rank is None else []
            notes += [row.note] if row.note else []
            cells: list[Cell] = [(number, None), (word(lang, "name", u=found.names[row.unit_id]), None)]
            cells += [(row.score, row.digits), *parts, (row.rank, None), ("; ".join(notes), None)]
            rows.append(Line(cells, row.unit_id == found.marked))
        footer = word(lang, "counted") if table.counted else ""
        return Sheet(word(lang, "sheet"), title, header, len(found.columns), rows, footer)


Cell = tuple[Any, int | None]  # a value and, for a score, the decimals it was published with


@dataclass(frozen=True)
class Line:
    cells: list[Cell]
    bold: bool  # the asker's unit


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    header: list[str]
    parts: int  # how many group columns follow the score
    lines: list[Line]
    footer: str


def _workbook(sheet: Sheet) -> bytes:
    from openpyxl import Workbook  # imported when the first file is built, like matplotlib
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet.name[:31]  # Excel's limit
    ws.append([sheet.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(sheet.header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for line in sheet.lines:
        ws.append([value if not isinstance(value, Decimal) else float(value) for value, _ in line.cells])
        for cell, (value, digits) in zip(ws[ws.max_row], line.cells, strict=True):
            if isinstance(value, Decimal):
                cell.number_format = "0." + "0" * digits if digits else "0.00" if digits is None else "0"
            if line.bold:
                cell.font = Font(bold=True)
    if sheet.footer:
        ws.append([])
        ws.append([sheet.footer])
    ws.freeze_panes = "C3"  # the header and the names stay in sight
    widths = ["number", "unit", "score", *["part"] * sheet.parts, "rank", "note"]
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = WIDTHS[width]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
