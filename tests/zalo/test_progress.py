"""The guided /capnhat form on Zalo, answered with numbers, with a photo as evidence (kept by its URL)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.zalo.channel import ZaloChannel
from models import ProgressReport
from tests.fakes.zalo_server import FakeZalo
from tests.zalo.support import OFFICER, options, say

PHOTO = "https://s120-ava-talk.zadn.vn/photo/2026/11/23/quyet-dinh-so-17.jpg"


async def test_guided_progress_report_with_a_photo(zalo: FakeZalo, bot: ZaloChannel, app: App) -> None:
    tasks = await say(zalo, OFFICER, "/capnhat")
    assert options(tasks), tasks
    percent = await say(zalo, OFFICER, "1")  # the first task
    choices = options(percent)
    seventy_five = next(n for n, label in choices.items() if "75" in label)
    note = await say(zalo, OFFICER, str(seventy_five))
    assert "75%" in note

    await zalo.send_photo(OFFICER, PHOTO)
    confirm = "\n".join(s.text for s in await zalo.next_reply(OFFICER))
    yes = next(n for n, label in options(confirm).items() if "ồng ý" in label or "Lưu" in label or "Xác" in label)
    saved = await say(zalo, OFFICER, str(yes))
    assert "75%" in saved

    async with app.sessions() as session:
        report = (await session.execute(select(ProgressReport).order_by(ProgressReport.id.desc()))).scalars().first()
    assert report is not None and report.percent == 75
    assert (report.evidence_kind, report.evidence) == ("photo", PHOTO)


async def test_photo_caption_is_the_one_line_report(zalo: FakeZalo, bot: ZaloChannel, app: App) -> None:
    await zalo.send_photo(OFFICER, PHOTO, caption="/capnhat 11 90 đã trình UBND huyện")
    saved = "\n".join(s.text for s in await zalo.next_reply(OFFICER))
    assert "90%" in saved
    async with app.sessions() as session:
        report = (await session.execute(select(ProgressReport).order_by(ProgressReport.id.desc()))).scalars().first()
    assert report is not None and report.evidence == PHOTO and report.note == "đã trình UBND huyện"
