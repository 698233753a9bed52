"""The guided /capnhat form on Telegram, with a photo as evidence."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.telegram.channel import TelegramChannel
from models import ProgressReport
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import OFFICER, press, say

PHOTO = b"\xff\xd8\xff\xe0" + b"scanned decision" * 64


async def test_guided_progress_report_keeps_the_photo_as_evidence(
    tg: FakeTelegram, bot: TelegramChannel, app: App
) -> None:
    tasks = await say(tg, OFFICER, "/capnhat")
    choice = next(d for d in tasks.button_data() if d.split()[-1].isdigit())
    number = int(choice.split()[-1])
    percent = await press(tg, OFFICER, tasks, choice)
    note = await press(tg, OFFICER, percent, "/capnhat tiendo 75")
    assert "75%" in note.text

    photo = await tg.send_photo(OFFICER, PHOTO)
    confirm = await tg.next_sent(OFFICER)
    assert any(d.endswith("dongy") for d in confirm.button_data())
    saved = await press(tg, OFFICER, confirm, "/capnhat dongy")
    assert "75%" in saved.text

    async with app.sessions() as session:
        report = (await session.execute(select(ProgressReport).order_by(ProgressReport.id.desc()))).scalars().first()
    assert report is not None and report.percent == 75
    assert report.evidence_kind == "photo"
    assert report.evidence == photo["photo"][-1]["file_id"]  # the largest size, by Telegram file id

    # shown back on the task's detail: a 📎 button sends the very photo again, by its file id
    detail = await say(tg, OFFICER, f"/nhiemvu {number}")
    assert "(nút 📎 1)" in detail.text
    shown = await press(tg, OFFICER, detail, f"/minhchung {report.id}")
    assert shown.kind == "photo" and shown.content == PHOTO
    assert f"Minh chứng nhiệm vụ số {number}" in shown.text
    [resend] = [c for c in tg.called("sendPhoto") if c.params.get("photo") == report.evidence]
    assert resend.params.get("parse_mode") == "HTML"


async def test_photo_caption_is_the_one_line_report(tg: FakeTelegram, bot: TelegramChannel, app: App) -> None:
    tasks = await say(tg, OFFICER, "/capnhat")
    number = next(d for d in tasks.button_data() if d.split()[-1].isdigit()).split()[-1]
    await tg.send_photo(OFFICER, PHOTO, caption=f"/capnhat {number} 90 đã trình UBND huyện")
    saved = await tg.next_sent(OFFICER)
    assert "90%" in saved.text
    async with app.sessions() as session:
        report = (await session.execute(select(ProgressReport).order_by(ProgressReport.id.desc()))).scalars().first()
    assert report is not None and report.evidence_kind == "photo" and report.note == "đã trình UBND huyện"
