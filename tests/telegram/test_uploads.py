"""An admin imports a spreadsheet by sending it to the bot: row-level errors first, then a good file
checked, confirmed and imported."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.app import App
from bot.telegram.channel import TelegramChannel
from models import Plan, Task
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import ADMIN, OFFICER, press

HEADER = ("STT", "Nội dung nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
GOOD = [
    (1, "Ban hành kế hoạch kiểm tra CCHC", 1, "LS.SNV", "LS.STP", "Quý II"),
    (2, "Rà soát thủ tục hành chính", 2, "LS.STP", "", "30/9/2026"),
    (3, "Số hóa hồ sơ một cửa cấp xã", 7, "06457", "", "thường xuyên"),
]
BAD = [
    (1, "Ban hành kế hoạch kiểm tra CCHC", 1, "LS.SNV", "", "Quý II"),
    (2, "Kiểm tra công tác CCHC", 1, "KHONG.CO", "", "30/9/2026"),
    (3, "Tuyên truyền CCHC", 3, "LS.SNV", "", "31/13/2026"),
]


def workbook(rows: list[tuple[object, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026",))
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def tasks_in(app: App, code: str) -> int:
    async with app.sessions() as session:
        return int(
            (
                await session.execute(
                    select(func.count(Task.id)).join(Plan, Plan.id == Task.plan_id).where(Plan.code == code)
                )
            ).scalar_one()
        )


async def test_bad_file_lists_row_errors_then_good_file_is_confirmed_and_imported(
    tg: FakeTelegram, bot: TelegramChannel, app: App
) -> None:
    await tg.send_document(ADMIN, "ke_hoach_loi.xlsx", workbook(BAD), caption="/tailen nhiemvu KH-TEST-2026 2026")
    errors = await tg.next_sent(ADMIN)
    assert "Dòng 4" in errors.text and "KHONG.CO" in errors.text
    assert "Dòng 5" in errors.text and "31/13/2026" in errors.text
    assert errors.button_data() == []  # nothing to confirm
    assert await tasks_in(app, "KH-TEST-2026") == 0

    await tg.send_document(ADMIN, "ke_hoach.xlsx", workbook(GOOD), caption="/tailen nhiemvu KH-TEST-2026 2026")
    preview = await tg.next_sent(ADMIN)
    assert "không có lỗi" in preview.text and "3 mục mới" in preview.text
    assert await tasks_in(app, "KH-TEST-2026") == 0  # a dry run writes nothing

    done = await press(tg, ADMIN, preview, "/tailen xacnhan")
    assert done.kind == "edit" and done.message_id == preview.message_id
    assert "Đã nhập xong" in done.text
    assert await tasks_in(app, "KH-TEST-2026") == 3
    assert [c.params["file_id"] for c in tg.called("getFile")], "the bot fetched the files with getFile"
    assert len([c for c in tg.calls if c.method == "download"]) == 2


async def test_kind_is_guessed_from_the_headers_and_cancel_writes_nothing(
    tg: FakeTelegram, bot: TelegramChannel, app: App
) -> None:
    await tg.send_document(ADMIN, "nhiem_vu.xlsx", workbook(GOOD))
    preview = await tg.next_sent(ADMIN)
    assert "nhiệm vụ của kế hoạch" in preview.text and "KH-CCHC-DEMO" in preview.text  # the latest plan
    cancelled = await press(tg, ADMIN, preview, "/tailen huy")
    assert cancelled.kind == "edit" and "hủy" in cancelled.text.lower()
    assert await tasks_in(app, "KH-CCHC-DEMO") > 0  # unchanged demo plan, nothing added
    await tg.no_more(ADMIN)


async def test_an_officers_file_is_not_downloaded_nor_imported(tg: FakeTelegram, bot: TelegramChannel) -> None:
    await tg.send_document(OFFICER, "ke_hoach.xlsx", workbook(GOOD))
    refusal = await tg.next_sent(OFFICER)
    assert "không dành cho vai trò" in refusal.text
    assert not tg.called("getFile")


async def test_a_file_that_is_not_a_spreadsheet_is_refused(tg: FakeTelegram, bot: TelegramChannel) -> None:
    await tg.send_document(ADMIN, "anh.pdf", b"%PDF-1.4 ...")
    refusal = await tg.next_sent(ADMIN)
    assert "không phải Excel" in refusal.text
    assert not tg.called("getFile")


async def test_unrecognised_headers_ask_for_the_kind_with_buttons(tg: FakeTelegram, bot: TelegramChannel) -> None:
    await tg.send_document(ADMIN, "bang.csv", "Cột A,Cột B\n1,2\n".encode())
    question = await tg.next_sent(ADMIN)
    assert "loại dữ liệu nào" in question.text
    assert "/tailen loai units" in question.button_data() and len(question.button_data()) == 7  # one per import kind
    answer = await press(tg, ADMIN, question, "/tailen loai units")
    assert answer.kind == "edit" and "chưa nhập được" in answer.text  # the dry run names the missing columns
    assert "Mã đơn vị" in answer.text
