"""/capnhat: the one-line report, the guided form (kept in the database), and who may report what."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import FileRef
from handlers.router import Router
from models import Assignment, AuditEntry, ConversationState, Plan, ProgressReport, Task
from tests.handlers.conftest import Ask, Bot


async def _assignment(sessions: async_sessionmaker[AsyncSession], task_number: int, unit_id: int) -> Assignment:
    """The unit's assignment of task ``task_number`` of the 2024 plan."""
    async with sessions() as session:
        return (
            await session.execute(
                select(Assignment)
                .join(Task, Task.id == Assignment.task_id)
                .join(Plan, Plan.id == Task.plan_id)
                .where(Assignment.unit_id == unit_id, Task.number == task_number, Plan.year == 2024)
            )
        ).scalar_one()


async def _reports(sessions: async_sessionmaker[AsyncSession]) -> list[ProgressReport]:
    async with sessions() as session:
        return list((await session.execute(select(ProgressReport).order_by(ProgressReport.id))).scalars())


async def test_one_line_update_records_progress_and_evidence(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    text = await ask("/capnhat 1 80 đã trình UBND tỉnh https://vb.example.vn/qd-12")
    assert "Đã ghi nhận tiến độ 80% của nhiệm vụ số 1 cho UBND xã Minh Sơn, huyện Hữu Lũng" in text
    assert "quá hạn 62 ngày" in text
    assignment = await _assignment(sessions, 1, province["MS"])
    assert (assignment.progress, assignment.completed_on) == (80, None)
    [report] = await _reports(sessions)
    assert report.note == "đã trình UBND tỉnh https://vb.example.vn/qd-12"
    assert (report.evidence, report.evidence_kind) == ("https://vb.example.vn/qd-12", "link")
    async with sessions() as session:
        actions = list((await session.execute(select(AuditEntry.action))).scalars())
    assert "progress.report" in actions


async def test_reaching_100_completes_today_and_lowering_clears_it(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    assert "hoàn thành quá hạn" in await ask("/capnhat 1 100")
    assert (await _assignment(sessions, 1, province["MS"])).completed_on == date(2024, 6, 1)
    await ask("/capnhat 1 90 phát hiện thiếu hồ sơ")
    assert (await _assignment(sessions, 1, province["MS"])).completed_on is None


async def test_free_text_update_keeps_the_diacritics_of_the_note(
    ask: Ask, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await ask("Cập nhật 2 50 Đã số hóa 300 hồ sơ")
    [report] = await _reports(sessions)
    assert (report.percent, report.note) == (50, "Đã số hóa 300 hồ sơ")


async def test_task_of_another_unit_is_refused(ask: Ask, sessions: async_sessionmaker[AsyncSession]) -> None:
    text = await ask("/capnhat 5 50")
    assert "Nhiệm vụ số 5 không giao cho UBND xã Minh Sơn, huyện Hữu Lũng" in text
    assert await _reports(sessions) == []


async def test_bad_percent_in_one_line_form_explains(ask: Ask) -> None:
    text = await ask("/capnhat 2 120")
    assert "“120” không phải tiến độ hợp lệ" in text
    assert "Ví dụ: /capnhat 2 80" in text
    assert "không có nhiệm vụ số 77" in await ask("/capnhat 77 10")


async def test_guided_flow_with_bad_then_good_percent_then_confirm(
    ask: Ask, bot: Bot, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    start = await ask("/capnhat")
    assert "Đồng chí chọn nhiệm vụ cần báo cáo" in start
    assert [b.data for b in bot.buttons()][:3] == ["/capnhat 1", "/capnhat 2", "/capnhat 3"]
    assert "Tiến độ hiện tại: 0%" in await ask(callback="/capnhat 2")
    assert "“120” không phải tiến độ hợp lệ" in await ask("120")
    assert "“abc” không phải tiến độ hợp lệ" in await ask("abc")
    assert "Nhiệm vụ số 2: tiến độ 75%" in await ask("75")
    confirm = await ask("Đã số hóa 300/400 hồ sơ")
    assert "Tiến độ: 0% → 75%" in confirm and "Ghi chú: Đã số hóa 300/400 hồ sơ" in confirm
    assert await _reports(sessions) == []  # nothing written before confirming
    assert "Đã ghi nhận tiến độ 75% của nhiệm vụ số 2" in await ask(callback="/capnhat dongy")
    assert (await _assignment(sessions, 2, province["MS"])).progress == 75
    async with sessions() as session:
        assert (await session.execute(select(ConversationState))).first() is None


async def test_guided_flow_with_numbered_buttons_and_a_photo(
    ask: Ask, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await ask("/capnhat", numbered=True)
    assert "Tiến độ hiện tại: 40%" in await ask("1", numbered=True)  # button 1: task 1
    assert "tiến độ 100%" in await ask("4", numbered=True)  # button 4: 100 %
    photo = FileRef("AgAD-photo-1", kind="photo")
    assert "Minh chứng: ảnh đính kèm" in await ask("", file=photo, numbered=True)
    assert "Đã ghi nhận tiến độ 100%" in await ask("1", numbered=True)  # button 1: Đồng ý
    [report] = await _reports(sessions)
    assert (report.evidence, report.evidence_kind, report.note) == ("AgAD-photo-1", "photo", "")


async def test_guided_flow_survives_a_restart(ask: Ask, bot: Bot, sessions: async_sessionmaker[AsyncSession]) -> None:
    await ask("/capnhat 3")
    bot.router = Router(sessions, clock=bot.router.clock, settings=bot.router.settings)
    assert "tiến độ 50%" in await ask("50")
    await ask("-")
    assert "Đã ghi nhận tiến độ 50% của nhiệm vụ số 3" in await ask("đồng ý")


async def test_cancel_writes_nothing(ask: Ask, sessions: async_sessionmaker[AsyncSession]) -> None:
    await ask("/capnhat 2")
    await ask(callback="/capnhat tiendo 50")
    await ask(callback="/capnhat boqua")
    assert "Đã hủy, chưa có gì được ghi nhận" in await ask("hủy")
    assert await _reports(sessions) == []
    assert "đã kết thúc hoặc hết hạn" in await ask(callback="/capnhat dongy")


async def test_another_command_abandons_the_flow(ask: Ask, sessions: async_sessionmaker[AsyncSession]) -> None:
    await ask("/capnhat 2")
    assert "Nhiệm vụ CCHC năm 2024" in await ask("/nhiemvu")
    assert "chưa hiểu yêu cầu “80”" in await ask("80")
    assert await _reports(sessions) == []


async def test_unit_with_nothing_open_is_told_so(ask: Ask) -> None:
    await ask("/capnhat 1 100")
    await ask("/capnhat 2 100")
    await ask("/capnhat 3 100")
    assert "không còn nhiệm vụ nào chưa hoàn thành" in await ask("/capnhat")


async def test_evidence_photo_is_offered_on_the_task_detail_and_sent_back(
    ask: Ask, bot: Bot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await ask("/capnhat 1 60 đã chụp biên bản", file=FileRef("AgAD-photo-7", kind="photo"))
    [report] = await _reports(sessions)
    assert (report.evidence, report.evidence_kind, report.evidence_channel) == ("AgAD-photo-7", "photo", "console")

    detail = await ask("/nhiemvu 1")
    assert "Minh chứng: ảnh đính kèm (nút 📎 1)" in detail
    [button] = [b for b in bot.buttons() if b.data.startswith("/minhchung")]
    assert button.data == f"/minhchung {report.id}"

    caption = await ask(callback=button.data)
    [reply] = bot.last
    assert reply.attachment is not None
    assert (reply.attachment.file_id, reply.attachment.kind) == ("AgAD-photo-7", "photo")
    assert "Minh chứng nhiệm vụ số 1 – Kế hoạch năm 2024" in caption and "UBND xã Minh Sơn" in caption

    # the district head above Minh Sơn may open it; the neighbouring commune may not, even by typing the id
    await ask(f"/minhchung {report.id}", as_="head")
    assert bot.last[0].attachment is not None
    refused = await ask(f"/minhchung {report.id}", as_="yt")
    assert bot.last[0].attachment is None and "không xem được" in refused
    assert "Không tìm thấy minh chứng" in await ask("/minhchung 999999")
    assert "Không tìm thấy minh chứng" in await ask("/minhchung abc")
