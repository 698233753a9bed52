"""/xephang for an index published by period, on the demo (loaded on 10/03/2026: the 766 index of the
65 communes and wards for 09/2025 to 02/2026, no rank stored): the latest month by default, a month,
quarter, half or year as officials type it, ranks counted by score (ties share, no score "không xếp
hạng" last) and said so, ◀/▶ through the months, the chart and the Excel file following the period, in
Vietnamese and English; and the words that lead to the table ("bảng xếp hạng par", "xếp hạng 766")."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.exports import Exports
from bot.render import Renderer
from handlers.base import Incoming, Reply
from handlers.router import Router
from models import IndexResult, ScoreIndex, Unit
from models.queries.charts import ranking_bars
from tests.handlers._demo_support import ask


async def replies(router: Router, account: str, text: str) -> list[Reply]:
    return (await router.handle(Incoming("console", account, account, text)))[1]


async def _drop_score(sessions: async_sessionmaker[AsyncSession], commune: str, number: int, year: int) -> None:
    """The month's result of ``commune`` published without a score (a commune the portal did not rate)."""
    async with sessions() as session:
        index_id = (await session.execute(select(ScoreIndex.id).where(ScoreIndex.code == "766"))).scalar_one()
        month = (
            IndexResult.index_id == index_id,
            IndexResult.year == year,
            IndexResult.period == "month",
            IndexResult.period_number == number,
        )
        unit_id = (
            await session.execute(
                select(Unit.id)
                .join(IndexResult, IndexResult.unit_id == Unit.id)
                .where(Unit.name.endswith(commune), *month)
            )
        ).scalar_one()
        await session.execute(update(IndexResult).where(IndexResult.unit_id == unit_id, *month).values(score=None))
        await session.commit()


async def test_bare_766_is_the_latest_month_with_ranks_counted_by_score(demo: Router) -> None:
    text = await ask(demo, "chair", "/xephang 766")
    lines = text.splitlines()
    assert lines[0] == "Bảng xếp hạng Chỉ số 766 tháng 2/2026 — các xã, phường"
    assert lines[1].startswith("UBND xã Tuấn Sơn xếp thứ 52/65; trên: Xã Hoa Thám (xếp thứ 51, hơn 1,36 điểm)")
    assert "1. Xã Bằng Mạc: 96,06 điểm" in lines
    assert "Thứ hạng do hệ thống tính theo điểm số (bằng điểm thì đồng hạng), không phải thứ hạng công bố." in lines
    assert "Trang 1/4" in lines
    assert "Có bảng xếp hạng 6 kỳ, từ tháng 9/2025 đến tháng 2/2026; kỳ khác, ví dụ: /xephang 766 t1/2026." in lines


@pytest.mark.parametrize("typed", ["t12/2025", "thang 12/2025", "tháng 12/2025", "12/2025", "tháng 12 năm 2025"])
async def test_a_month_as_officials_type_it(demo: Router, typed: str) -> None:
    text = await ask(demo, "chair", f"/xephang 766 {typed}")
    assert text.splitlines()[0] == "Bảng xếp hạng Chỉ số 766 tháng 12/2025 — các xã, phường"


async def test_tied_scores_share_a_rank_and_the_next_place_is_skipped(demo: Router) -> None:
    lines = (await ask(demo, "chair", "/xephang 766 t12/2025")).splitlines()
    assert "8. Xã Tân Đoàn: 90,05 điểm (đồng hạng)" in lines
    assert "8. Xã Đình Lập: 90,05 điểm (đồng hạng)" in lines
    assert "10. Xã Nhất Hòa: 89,86 điểm" in lines and not any(line.startswith("9. ") for line in lines)


async def test_a_unit_without_a_score_is_not_ranked_and_comes_last(
    demo: Router, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _drop_score(sessions, "Bằng Mạc", 2, 2026)
    first = (await ask(demo, "chair", "/xephang 766")).splitlines()
    assert "1. Xã Kháng Chiến: 93,75 điểm" in first
    assert any(line.startswith("UBND xã Tuấn Sơn xếp thứ 51/64;") for line in first)
    last = (await ask(demo, "chair", "/xephang 766 trang 4")).splitlines()
    assert "– Xã Bằng Mạc: chưa có số liệu điểm số, không xếp hạng" in last


async def test_quarter_half_and_year_without_a_table_name_the_periods_there_are(demo: Router) -> None:
    assert await ask(demo, "chair", "/xephang 766 quý III/2025") == (
        "Chưa có bảng xếp hạng Chỉ số 766 kỳ “quý III/2025” của các xã, phường. Các kỳ có số liệu: tháng 12/2025,"
        " tháng 11/2025, tháng 10/2025, tháng 9/2025; ví dụ /xephang 766 t12/2025."
    )
    assert "Các kỳ có số liệu: tháng 2/2026, tháng 1/2026;" in await ask(demo, "chair", "/xephang 766 2026")
    assert "kỳ “6 tháng đầu năm 2026”" in await ask(demo, "chair", "/xephang 766 6 tháng đầu năm 2026")


@pytest.mark.parametrize("typed", ["tháng 13/2026", "quý 5/2026"])
async def test_a_period_that_does_not_exist_is_one_line(demo: Router, typed: str) -> None:
    text = await ask(demo, "chair", f"/xephang 766 {typed}")
    assert text.startswith("Không có kỳ “") and "tháng từ 1 đến 12, quý từ I đến IV" in text
    assert len(text.splitlines()) == 1


async def test_buttons_turn_the_months_and_edit_in_place(demo: Router) -> None:
    latest = (await replies(demo, "chair", "/xephang 766"))[0]
    labels = [(b.label, b.data) for row in latest.buttons for b in row]
    assert ("rankings.earlier", "/xephang 766 2026-01 xa") in labels
    assert not any(label == "rankings.later" for label, _ in labels)  # February is the latest
    earlier = (await replies(demo, "chair", "/xephang 766 2026-01 xa"))[0]
    assert earlier.edit and earlier.context["table"].period.token == "2026-01"
    turns = {b.label: b.data for row in earlier.buttons for b in row}
    assert (
        turns["rankings.earlier"] == "/xephang 766 2025-12 xa" and turns["rankings.later"] == "/xephang 766 2026-02 xa"
    )
    assert Renderer().label("vi", earlier.buttons[1][0]) == "◀ tháng 12/2025"
    assert earlier.chart == {
        "kind": "ranking_table",
        "index": "766",
        "year": "2026-01",
        "level": "communes",
        "unit_id": earlier.context["marked"][0],
    }


async def test_pages_keep_the_period(demo: Router) -> None:
    page = (await replies(demo, "chair", "/xephang 766 t12/2025 trang 2"))[0]
    data = [b.data for b in page.buttons[0]]
    assert data == ["/xephang 766 2025-12 xa trang 1", "/xephang 766 2025-12 xa trang 3"]


async def test_the_chart_follows_the_period(demo: Router, sessions: async_sessionmaker[AsyncSession]) -> None:
    reply = (await replies(demo, "chair", "/xephang 766 t12/2025"))[0]
    assert reply.chart is not None
    async with sessions() as session:
        bars = await ranking_bars(session, "766", "2025-12", "communes", reply.chart["unit_id"])
    assert bars is not None and bars.period.number == 12 and len(bars.bars) == 65
    assert [bar.rank for bar in bars.bars[7:9]] == [8, 8]


async def test_english_reply_writes_the_period_as_in_english(demo: Router) -> None:
    await ask(demo, "chair", "/ngonngu en")
    text = await ask(demo, "chair", "/xephang 766 t12/2025")
    assert text.splitlines()[0] == "Index 766 rankings, December 2025 — communes and wards"
    assert "Ranks counted by the system from the scores (equal scores share a rank), not published ranks." in text


async def test_excel_file_of_the_month_with_the_groups_and_the_asker_in_bold(
    demo: Router, sessions: async_sessionmaker[AsyncSession]
) -> None:
    reply = (await replies(demo, "chair", "/xephang 766 t12/2025 xlsx"))[0]
    assert Renderer().render("vi", reply, "text") == (
        "Bảng xếp hạng Chỉ số 766 tháng 12/2025 của các xã, phường (tệp Excel)."
    )
    assert reply.document is not None
    built = await Exports(sessions, Renderer()).build("vi", reply.document)
    assert built is not None and built.filename == "xephang_766_2025-12.xlsx"
    sheet = load_workbook(io.BytesIO(built.content)).active
    assert sheet is not None and sheet.freeze_panes == "C3" and sheet.title == "Bảng xếp hạng chỉ số"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Bảng xếp hạng Chỉ số 766 tháng 12/2025 — các xã, phường — Tỉnh Lạng Sơn"
    assert rows[1] == (
        "STT", "Đơn vị", "Điểm (100)", "1. Công khai, minh bạch (18)", "2. Tiến độ giải quyết (20)",
        "3. Dịch vụ trực tuyến (22)", "4. Mức độ hài lòng (18)", "5. Số hóa hồ sơ (22)", "Xếp hạng", "Ghi chú",
    )  # fmt: skip
    assert rows[2][:3] == (1, "Xã Bằng Mạc", 96.39) and rows[2][8] == 1
    assert rows[9][1:3] == ("Xã Tân Đoàn", 90.05) and rows[9][8:] == (8, "đồng hạng")
    assert len([row for row in rows[2:] if isinstance(row[0], int)]) == 65
    bold = [row[1].value for row in sheet.iter_rows(min_row=3) if row[1].font.bold]
    assert bold == ["Xã Tuấn Sơn"]
    assert sheet.cell(3, 3).number_format == "0.00"
    assert "Thứ hạng do hệ thống tính theo điểm số" in str(rows[-1][0])


async def test_excel_file_in_english(demo: Router, sessions: async_sessionmaker[AsyncSession]) -> None:
    reply = (await replies(demo, "chair", "/xephang 766 excel"))[0]
    assert reply.document is not None
    built = await Exports(sessions, Renderer()).build("en", reply.document)
    assert built is not None and built.filename == "xephang_766_2026-02.xlsx"
    sheet = load_workbook(io.BytesIO(built.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Index 766 rankings, February 2026 — communes and wards — Lạng Sơn Province"
    assert rows[1][:3] == ("No.", "Unit", "Score (100)") and rows[1][-2:] == ("Rank", "Note")
    assert rows[1][3] == "1. Openness and transparency (18)"
    assert rows[2][1] == "Bằng Mạc Commune"


async def test_excel_of_a_yearly_index_keeps_published_ranks(
    demo: Router, sessions: async_sessionmaker[AsyncSession]
) -> None:
    reply = (await replies(demo, "leader", "/xephang par 2023 xlsx"))[0]
    assert reply.document is not None and reply.document["year"] == 2023
    built = await Exports(sessions, Renderer()).build("vi", reply.document)
    assert built is not None and built.filename == "xephang_par_2023.xlsx"
    sheet = load_workbook(io.BytesIO(built.content)).active
    assert sheet is not None
    bold = [(row[1].value, row[2].value) for row in sheet.iter_rows(min_row=3) if row[1].font.bold]
    assert bold and bold[0][0] == "Tỉnh Lạng Sơn"


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("bảng xếp hạng par", "xephang"),
        ("Bảng xếp hạng 766", "xephang"),
        ("xếp hạng 766", "xephang"),
        ("bảng xếp hạng thi đua", "thidua"),
        ("bảng xếp hạng", "thidua"),
    ],
)
async def test_ranking_words_reach_the_table_of_an_index_or_the_drive(demo: Router, typed: str, command: str) -> None:
    reply = (await replies(demo, "chair", typed))[0]
    assert reply.template.startswith("rankings/" if command == "xephang" else "drives/"), reply.template


async def test_excel_lists_a_unit_without_a_score_last_as_not_ranked(
    demo: Router, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _drop_score(sessions, "Bằng Mạc", 2, 2026)
    reply = (await replies(demo, "chair", "/xephang 766 t2/2026 xlsx"))[0]
    assert reply.document is not None
    built = await Exports(sessions, Renderer()).build("vi", reply.document)
    assert built is not None
    sheet = load_workbook(io.BytesIO(built.content)).active
    assert sheet is not None
    rows = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert rows[0][1:3] == ("Xã Kháng Chiến", 93.75) and rows[0][8] == 1
    assert rows[-1][1:3] == ("Xã Bằng Mạc", None) and rows[-1][8:] == (None, "không xếp hạng")
