"""/baocao on Telegram: the report's draft and its appendix arrive as two documents (multipart uploads),
the text as the first one's caption; opened as a user would, with python-docx and openpyxl."""

from __future__ import annotations

import io
import re

from docx import Document
from openpyxl import load_workbook

from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import CHAIR, LEADER, say


async def test_the_province_report_comes_as_a_word_file_and_an_excel_appendix(
    tg: FakeTelegram, bot: TelegramChannel
) -> None:
    draft = await say(tg, LEADER, "/baocao quy 1 2026")
    assert draft.kind == "document" and draft.filename == "bao_cao_cchc_ls_2026-Q1.docx"
    assert draft.text.startswith("Dự thảo báo cáo CCHC quý I/2026 của UBND tỉnh Lạng Sơn")
    doc = Document(io.BytesIO(draft.content))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings[0] == "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"
    appendix = await tg.next_sent(LEADER)
    assert appendix.kind == "document" and appendix.filename == "bao_cao_cchc_ls_2026-Q1_phu_luc.xlsx"
    assert not appendix.text  # the text goes once, with the draft
    assert [ws.title for ws in load_workbook(io.BytesIO(appendix.content)).worksheets] == [
        "Theo đơn vị",
        "Theo nhiệm vụ",
    ]
    assert len(tg.called("sendDocument")) == 2
    await tg.no_more(LEADER)


async def test_a_commune_chair_gets_the_communes_own_report(tg: FakeTelegram, bot: TelegramChannel) -> None:
    draft = await say(tg, CHAIR, "/baocao")
    assert re.fullmatch(r"bao_cao_cchc_06457_\d{4}(-Q1|-H1|-Q3)?\.docx", draft.filename), draft.filename
    assert "của UBND xã Tuấn Sơn" in draft.text
    appendix = await tg.next_sent(CHAIR)
    assert appendix.filename == draft.filename.replace(".docx", "_phu_luc.xlsx")
    await tg.no_more(CHAIR)


async def test_a_year_with_no_plan_still_sends_both_files_saying_no_data_yet(
    tg: FakeTelegram, bot: TelegramChannel
) -> None:
    draft = await say(tg, LEADER, "/baocao nam 2030")
    assert "Năm 2030 chưa có kế hoạch CCHC" in draft.text
    assert "chưa có số liệu" in "\n".join(p.text for p in Document(io.BytesIO(draft.content)).paragraphs)
    appendix = await tg.next_sent(LEADER)
    assert appendix.filename == "bao_cao_cchc_ls_2030_phu_luc.xlsx"
    await tg.no_more(LEADER)
