"""The periodic report as files: the .docx's outline and the .xlsx's tables, checked against the database."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.report_docx import draft_report
from models.clock import DEFAULT_TZ, FrozenClock
from models.demo import load_demo
from models.enums import AssignmentRole, UnitKind
from models.plans import Assignment, ProgressReport
from models.queries.report import UnitInput, report_data, report_period
from models.queries.summary import plan_progress
from models.queries.units import find_unit
from tests import factories as f

OUTLINE_VI = [
    "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
    "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
    "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
    "V. KIẾN NGHỊ, ĐỀ XUẤT",
]


def _text(docx: bytes) -> tuple[list[str], list[str]]:
    doc = Document(io.BytesIO(docx))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    return headings, [p.text for p in doc.paragraphs]


async def _province(session: AsyncSession) -> tuple[object, ...]:
    ls = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    snv = await f.unit(session, "LS.SNV", UnitKind.DEPARTMENT, ls, name="Sở Nội vụ")
    ts = await f.unit(session, "LS.TS", UnitKind.COMMUNE, ls, name="Xã Tuấn Sơn")
    plan = await f.plan(session, 2026)
    # done before the quarter III window (15/6–14/9): the six-month report's, left out of quý III
    await f.task(session, plan, 1, date(2026, 5, 31), snv, progress=100, completed_on=date(2026, 5, 20), field=2)
    # overdue on 14/9, with a reason in a report made within the window
    await f.task(session, plan, 2, date(2026, 8, 31), ts, cooperating=[snv], field=3, content="Số hóa hồ sơ")
    # completed after the window: not done on 14/9, so overdue then
    await f.task(session, plan, 3, date(2026, 9, 1), snv, progress=100, completed_on=date(2026, 10, 2), field=3)
    # done within the window, on time
    await f.task(session, plan, 4, date(2026, 9, 10), ts, progress=100, completed_on=date(2026, 9, 5), field=7)
    # due after the window: not yet due
    await f.task(session, plan, 5, date(2026, 12, 31), snv, field=1)
    lead = await session.get(Assignment, 2)
    assert lead is not None and lead.role == AssignmentRole.LEAD
    session.add(ProgressReport(assignment_id=lead.id, percent=40, note="Thiếu máy quét",
                               reported_at=datetime(2026, 9, 1, 9, tzinfo=DEFAULT_TZ)))  # fmt: skip
    session.add(ProgressReport(assignment_id=lead.id, percent=60, note="Sau kỳ báo cáo",
                               reported_at=datetime(2026, 9, 20, 9, tzinfo=DEFAULT_TZ)))  # fmt: skip
    await session.flush()
    return ls, snv, ts


def test_periods_have_the_ministry_windows_and_due_dates() -> None:
    q1, h1, q3, year = (report_period(t) for t in ("2026-Q1", "2026-H1", "2026-Q3", "2026"))
    assert q1 is not None and (q1.start, q1.end, q1.due) == (date(2025, 12, 15), date(2026, 3, 14), date(2026, 3, 20))
    assert h1 is not None and (h1.start, h1.end, h1.due) == (date(2025, 12, 15), date(2026, 6, 14), date(2026, 6, 20))
    assert q3 is not None and (q3.start, q3.end) == (date(2026, 6, 15), date(2026, 9, 14))
    assert year is not None and (year.start, year.end, year.due) == (
        date(2025, 12, 15),
        date(2026, 12, 14),
        date(2026, 12, 20),
    )
    assert report_period("2026-Q2") == h1 and report_period("2026-Q4") == year


@pytest.mark.parametrize("typed", ["2026-Q5", "2026-H2", "quy 4", "", "26-Q1"])
def test_a_bad_period_is_refused(typed: str) -> None:
    assert report_period(typed) is None


async def test_quarter_three_counts_only_the_window(session: AsyncSession) -> None:
    ls, *_ = await _province(session)
    q3 = report_period("2026-Q3")
    assert q3 is not None
    data = await report_data(session, ls, q3)  # type: ignore[arg-type]
    assert data.progress is not None
    p = data.progress
    assert (p.done_on_time, p.done_late, p.in_time, p.overdue, p.not_yet_due) == (1, 0, 0, 2, 1)
    assert [t.number for t in data.overdue] == [2, 3]
    assert [note for _, note in data.overdue[0].reasons] == ["Thiếu máy quét"]
    assert data.overdue[0].progress == 40
    commune = next(r for r in data.units if r.unit.code == "LS.TS")
    assert (commune.progress.done_on_time, commune.progress.overdue) == (1, 1)


async def test_the_sentence_equals_progress_of_the_stored_assignments(session: AsyncSession) -> None:
    ls, *_ = await _province(session)
    year = report_period("2026")
    assert year is not None
    data = await report_data(session, ls, year)  # type: ignore[arg-type]
    plan = data.plan
    assert plan is not None
    stored = await plan_progress(session, plan, year.end, 30)
    assert data.progress == stored.progress


async def test_the_report_has_the_outline_and_the_appendix_its_tables(session: AsyncSession) -> None:
    ls, _, ts = await _province(session)
    q3 = report_period("2026-Q3")
    assert q3 is not None
    said = [UnitInput(ts.id, "proposals", "Đề nghị cấp thêm máy quét")]  # type: ignore[attr-defined]
    docx, xlsx = await draft_report(session, ls, q3, lang="vi", inputs=said)  # type: ignore[arg-type]
    headings, paragraphs = _text(docx)
    assert headings == OUTLINE_VI
    body = "\n".join(paragraphs)
    assert "Kết quả công tác cải cách hành chính quý III năm 2026" in body
    assert "1/3 nhiệm vụ đến hạn đã hoàn thành, đạt 33,33%" in body
    assert "UBND xã Tuấn Sơn: “Thiếu máy quét”" in body
    assert "Sau kỳ báo cáo" not in body
    assert "UBND xã Tuấn Sơn: Đề nghị cấp thêm máy quét" in body
    book = load_workbook(io.BytesIO(xlsx))
    units, tasks = book.worksheets
    rows = list(units.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["Sở Nội vụ", "UBND xã Tuấn Sơn"]
    assert rows[1][2:8] == (1, 0, 0, 1, 0, 2)
    assert [r[0] for r in tasks.iter_rows(min_row=3, values_only=True)] == [5, 2, 3, 4]


async def test_a_unit_reports_its_own_assignments(session: AsyncSession) -> None:
    _, snv, _ = await _province(session)
    year = report_period("2026")
    assert year is not None
    data = await report_data(session, snv, year)  # type: ignore[arg-type]
    assert sorted(t.number for part in data.fields for t in part.tasks) == [1, 2, 3, 5]
    assert data.units == []


async def test_a_year_with_no_plan_says_there_is_no_data(session: AsyncSession) -> None:
    ls, *_ = await _province(session)
    period = report_period("2030")
    assert period is not None
    docx, _ = await draft_report(session, ls, period, lang="vi")  # type: ignore[arg-type]
    headings, paragraphs = _text(docx)
    assert headings == OUTLINE_VI
    assert "Kết quả thực hiện nhiệm vụ: chưa có số liệu." in paragraphs


async def test_the_demo_report_in_english(session: AsyncSession) -> None:
    await load_demo(session, FrozenClock(at=datetime(2026, 11, 20, 9, tzinfo=DEFAULT_TZ)))
    ls = await find_unit(session, "LS")
    assert ls is not None
    period = report_period("2026-Q3")
    assert period is not None
    data = await report_data(session, ls, period)
    docx, _ = await draft_report(session, ls, period, lang="en")
    headings, _ = _text(docx)
    assert headings[0].startswith("I.") and len(headings) == 5
    assert data.progress is not None and data.progress.total == sum(len(p.tasks) for p in data.fields)


async def test_the_page_is_a4_with_the_margins_and_font_of_nghi_dinh_30(session: AsyncSession) -> None:
    ls, *_ = await _province(session)
    period = report_period("2026")
    assert period is not None
    docx, _ = await draft_report(session, ls, period, lang="vi")  # type: ignore[arg-type]
    doc = Document(io.BytesIO(docx))
    section = doc.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(Length(v).mm) for v in sizes if v is not None] == [210, 297, 20, 20, 30, 15]
    normal = doc.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))
    for name in ("Normal", "Heading 1", "Heading 2"):  # no theme font (Calibri) overriding the name
        fonts = doc.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:ascii")) == "Times New Roman" and fonts.get(qn("w:asciiTheme")) is None
    head = doc.tables[0].rows[0].cells
    assert head[0].paragraphs[0].text == "ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN"  # in full, on two lines
    assert [p.text for p in head[1].paragraphs][:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert [round(Length(c.width).mm) for c in head] == [62, 103]  # the wider right: the quốc hiệu on one line


async def test_a_department_reports_under_the_province_and_the_units_words_go_to_their_sections(
    session: AsyncSession,
) -> None:
    _, snv, _ = await _province(session)
    year = report_period("2026")
    assert year is not None
    said = [
        UnitInput(snv.id, "highlights", "Hoàn thành sớm kế hoạch"),  # type: ignore[attr-defined]
        UnitInput(snv.id, "issues", "Thiếu công chức"),  # type: ignore[attr-defined]
        UnitInput(snv.id, "proposals", "Bổ sung biên chế"),  # type: ignore[attr-defined]
    ]
    docx, _ = await draft_report(session, snv, year, lang="vi", inputs=said)  # type: ignore[arg-type]
    doc = Document(io.BytesIO(docx))
    left = doc.tables[0].rows[0].cells[0].paragraphs
    assert [(p.text, p.runs[0].bold) for p in left] == [
        ("UBND TỈNH LẠNG SƠN", False),
        ("SỞ NỘI VỤ", True),
        ("", None),  # the rule under the issuer
        ("Số: …/BC-…", False),
    ]
    texts = [p.text for p in doc.paragraphs]
    where = {t: i for i, t in enumerate(texts)}
    sections = [where[h] for h in OUTLINE_VI]
    assert sections[0] < where["Sở Nội vụ: Hoàn thành sớm kế hoạch"] < sections[1]
    assert sections[2] < where["Sở Nội vụ: Thiếu công chức"] < sections[3]
    assert sections[4] < where["Sở Nội vụ: Bổ sung biên chế"]


async def test_a_unit_with_no_assignment_says_there_is_no_data(session: AsyncSession) -> None:
    ls, *_ = await _province(session)
    idle = await f.unit(session, "LS.BG", UnitKind.COMMUNE, ls, name="Xã Bình Gia")  # type: ignore[arg-type]
    year = report_period("2026")
    assert year is not None
    data = await report_data(session, idle, year)
    assert data.progress is None and data.fields == []
    docx, _ = await draft_report(session, idle, year, lang="vi")
    assert "Kết quả thực hiện nhiệm vụ: chưa có số liệu." in _text(docx)[1]
