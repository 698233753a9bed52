"""/xephang … xlsx on Telegram: the table arrives as a document (multipart upload) named for the index
and the period, the reply's text as its caption, the asker's unit in bold inside."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import CHAIR, LEADER, say


async def test_the_month_table_comes_as_an_excel_document(tg: FakeTelegram, bot: TelegramChannel) -> None:
    sent = await say(tg, CHAIR, "/xephang 766 xlsx")
    assert sent.kind == "document"
    assert re.fullmatch(r"xephang_766_\d{4}-\d{2}\.xlsx", sent.filename), sent.filename
    assert re.fullmatch(r"Bảng xếp hạng Chỉ số 766 tháng \d{1,2}/\d{4} của các xã, phường \(tệp Excel\)\.", sent.text)
    sheet = load_workbook(io.BytesIO(sent.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("STT", "Đơn vị", "Điểm (100)")
    assert len([row for row in rows[2:] if isinstance(row[0], int)]) == 65
    assert all(isinstance(row[2], float) for row in rows[2:67])
    bold = [row[1].value for row in sheet.iter_rows(min_row=3) if row[1].font.bold]
    assert bold == ["Xã Tuấn Sơn"]
    assert tg.called("sendDocument")[-1].params["caption"] == sent.text  # the text goes as the caption
    await tg.no_more(CHAIR)


async def test_the_yearly_table_of_provinces_as_a_document(tg: FakeTelegram, bot: TelegramChannel) -> None:
    sent = await say(tg, LEADER, "/xephang par 2023 excel")
    assert sent.kind == "document" and sent.filename == "xephang_par_2023.xlsx"
    sheet = load_workbook(io.BytesIO(sent.content)).active
    assert sheet is not None
    assert [row[1].value for row in sheet.iter_rows(min_row=3) if row[1].font.bold] == ["Tỉnh Lạng Sơn"]
