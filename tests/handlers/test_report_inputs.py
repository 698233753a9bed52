"""/ykienbaocao and /tinhhinhbaocao: a unit's inputs to the periodic report, written in chat, and who has
given them. The small province of conftest.py on 01/06/2024: the open period is "6 tháng đầu năm 2024",
due 20/06/2024; the units that owe inputs are SNV, HL, MS and YT. Then the demo on 10/03/2026 (quý I/2026)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers import report_inputs
from handlers.base import Commands, FileRef, HandlerConfig, Reply, Request
from handlers.registry import app_commands
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock, Role, UnitKind
from models.queries.report_inputs import inputs_of
from models.report_inputs import HIGHLIGHTS, ISSUES, PROPOSALS
from models.settings import BotConfig
from models.units import Unit
from tests import factories as f
from tests.handlers._demo_support import ask as demo_ask
from tests.handlers.conftest import Ask, Bot


async def saved(sessions: async_sessionmaker[AsyncSession], unit_id: int, period: str = "2024-H1") -> dict[str, str]:
    async with sessions() as session:
        return {row.item: row.text for row in await inputs_of(session, [unit_id], period)}


async def test_the_form_asks_the_three_items_and_saves_each_answer(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    first = await ask("/ykienbaocao", as_="ms")
    assert "(1/3) Kết quả nổi bật – báo cáo CCHC 6 tháng đầu năm 2024 của UBND xã Minh Sơn" in first
    assert "sửa được đến hết ngày 20/06/2024" in first and "2.000 ký tự" in first
    second = await ask("Đã số hoá 100% hồ sơ một cửa", as_="ms")
    assert "(2/3) Tồn tại, hạn chế" in second
    assert await saved(sessions, province["MS"]) == {HIGHLIGHTS: "Đã số hoá 100% hồ sơ một cửa"}
    assert "(3/3) Kiến nghị, đề xuất" in await ask("bỏ qua", as_="ms")
    summary = await ask("Đề nghị tỉnh tập huấn\nvề dịch vụ công", as_="ms")
    assert "Tồn tại, hạn chế: không có ý kiến" in summary
    assert "Kiến nghị, đề xuất: Đề nghị tỉnh tập huấn\nvề dịch vụ công" in summary
    assert await saved(sessions, province["MS"]) == {
        HIGHLIGHTS: "Đã số hoá 100% hồ sơ một cửa",
        PROPOSALS: "Đề nghị tỉnh tập huấn\nvề dịch vụ công",
    }


async def test_the_form_shows_what_was_saved_and_keeps_it_or_replaces_it(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    await bot.ask("/ykienbaocao noibat Cắt giảm 12 thủ tục", as_="ms")
    again = await bot.ask("/ykienbaocao", as_="yt")  # another unit sees nothing of MS's
    assert "Cắt giảm" not in again
    shown = await bot.ask("/ykienbaocao", as_="ms")
    assert "Đã lưu: Cắt giảm 12 thủ tục" in shown and "Giữ nguyên" in shown
    assert [b.data for b in bot.buttons()] == ["/ykienbaocao giunguyen", "/ykienbaocao xong"]
    asked = await bot.ask(callback="/ykienbaocao giunguyen", as_="ms")  # the button "Giữ nguyên"
    assert "(2/3) Tồn tại, hạn chế" in asked and "Bỏ qua" in asked
    await bot.ask("Thiếu máy scan", as_="ms")
    done = await bot.ask("xong", as_="ms")
    assert "Kết quả nổi bật: Cắt giảm 12 thủ tục" in done and "Tồn tại, hạn chế: Thiếu máy scan" in done
    await bot.ask("/ykienbaocao", as_="ms")
    await bot.ask("Cắt giảm 15 thủ tục", as_="ms")  # a new text replaces the saved one
    assert (await saved(sessions, province["MS"]))[HIGHLIGHTS] == "Cắt giảm 15 thủ tục"
    assert "đã kết thúc" in await bot.ask(callback="/ykienbaocao xong", as_="head")  # no form of theirs


async def test_one_line_saves_one_item_as_typed(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    said = await ask("/ykienbaocao tontai  Thiếu cán bộ\ncông nghệ thông tin", as_="head")
    assert "Tồn tại, hạn chế (vừa lưu): Thiếu cán bộ\ncông nghệ thông tin" in said
    assert "UBND huyện Hữu Lũng" in said and "/ykienbaocao" in said
    await ask("/ykienbaocao kiennghi Bổ sung biên chế", as_="head")
    assert await saved(sessions, province["HL"]) == {
        ISSUES: "Thiếu cán bộ\ncông nghệ thông tin",
        PROPOSALS: "Bổ sung biên chế",
    }


async def test_answer_and_status_can_be_reached_from_another_command(
    sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, province: dict[str, int]
) -> None:
    """``answer`` and ``status`` are what a ``/baocao nhap …`` / ``/baocao tinhhinh`` routes to: the arguments
    after the sub-word, the text as typed."""
    commands = Commands()

    @commands.command("baocaothu")
    async def routed(request: Request) -> Reply:
        word, request.args = request.args[0], request.args[1:]
        return await (report_inputs.answer if word == "nhap" else report_inputs.status)(request)

    bot = Bot(Router(sessions, clock=clock, settings=HandlerConfig(), commands=app_commands().include(commands)))
    said = await bot.ask("/baocaothu nhap noibat  Giải quyết 98%\nhồ sơ đúng hạn", as_="ms")
    assert "Kết quả nổi bật (vừa lưu): Giải quyết 98%\nhồ sơ đúng hạn" in said
    assert "Đã gửi: 1/4 đơn vị" in await bot.ask("/baocaothu tinhhinh 6 thang 2024", as_="leader")
    assert "/tinhhinhbaocao không dành cho vai trò" in await bot.ask("/baocaothu tinhhinh", as_="ms")
    assert "/ykienbaocao không dành cho vai trò" in await bot.ask("/baocaothu nhap noibat Tốt", as_="leader")


async def test_a_text_over_the_limit_is_one_line_quoting_its_start_and_nothing_is_saved(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    said = await ask("/ykienbaocao noibat " + "Kết quả " * 300, as_="ms")
    assert said.startswith("Nội dung “Kết quả Kết quả") and "dài 2.399 ký tự, quá mức 2.000 ký tự" in said
    assert "\n" not in said.strip()
    await ask("/ykienbaocao", as_="ms")
    assert "quá mức" in await ask("x" * 2001, as_="ms")  # in the form too; the form goes on
    assert await saved(sessions, province["MS"]) == {}
    photo = FileRef("photo-1", "anh.jpg", kind="photo")
    assert "Chưa có nội dung" in await ask("", as_="ms", file=photo)  # a photo is not an answer
    assert "(2/3)" in await ask("Đã làm", as_="ms")


async def test_after_the_due_date_a_unit_that_gave_nothing_writes_late_then_the_period_closes(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    clock = bot.router.clock
    assert isinstance(clock, FrozenClock)
    clock.at = datetime(2024, 6, 20, 23, 30, tzinfo=DEFAULT_TZ)  # the due date itself: still open
    assert "Thiếu máy" in await bot.ask("/ykienbaocao tontai Thiếu máy", as_="head")  # HL answers in time
    assert "6 tháng đầu năm 2024" in await bot.ask("/ykienbaocao", as_="ms")
    clock.advance(timedelta(hours=1))  # the answer arrives after midnight: MS had given nothing, it is taken late
    late = await bot.ask("Đã làm", as_="ms")
    assert "(2/3)" in late and "30/06/2024" in late  # until [reports].late_days (10) after the due date
    assert await bot.ask("/ykienbaocao kiennghi Cấp máy", as_="ms")  # one line, again for the closed period
    assert await saved(sessions, province["MS"]) == {HIGHLIGHTS: "Đã làm", PROPOSALS: "Cấp máy"}
    # HL answered in time: its inputs closed on the due date, it writes for the next period
    assert "quý III/2024" in await bot.ask("/ykienbaocao", as_="head")
    late_status = await bot.ask("/tinhhinhbaocao 6 thang 2024", as_="leader")
    assert "Đã gửi: 2/4 đơn vị" in late_status and "Đã hết hạn" not in late_status  # late answers still come
    clock.at = datetime(2024, 7, 1, 8, 0, tzinfo=DEFAULT_TZ)  # the late window over
    assert "Đã hết hạn nhận ý kiến." in await bot.ask("/tinhhinhbaocao 6 thang 2024", as_="leader")
    named = await bot.ask("/ykienbaocao 6 thang 2024", as_="yt")
    assert "Đã hết hạn nhận ý kiến" in named and "20/06/2024" in named
    assert "quý III/2024" in await bot.ask("/ykienbaocao", as_="yt")  # the next period is open
    later = await bot.ask("/ykienbaocao nam 2024", as_="yt")
    assert "Chưa nhận ý kiến cho báo cáo CCHC năm 2024" in later and "20/09/2024" in later


async def test_a_form_begun_before_the_due_date_closes_after_it_for_a_unit_that_had_answered(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    clock = bot.router.clock
    assert isinstance(clock, FrozenClock)
    clock.at = datetime(2024, 6, 20, 23, 30, tzinfo=DEFAULT_TZ)
    await bot.ask("/ykienbaocao noibat Đã làm", as_="ms")
    assert "(2/3)" in await bot.ask("/ykienbaocao tontai", as_="ms")  # the form asks the item
    clock.advance(timedelta(hours=1))
    closed = await bot.ask("Thiếu máy", as_="ms")
    assert closed.strip() == "Đã hết hạn nhận ý kiến cho báo cáo CCHC 6 tháng đầu năm 2024 (ngày 20/06/2024)."
    assert await saved(sessions, province["MS"]) == {HIGHLIGHTS: "Đã làm"}


async def test_who_may_write(ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]) -> None:
    for who in ("leader", "admin"):
        assert "không dành cho vai trò của đồng chí" in await ask("/ykienbaocao noibat Tốt", as_=who)
    async with sessions() as session:
        ls = await session.get(Unit, province["LS"])
        assert ls is not None
        centre = await f.unit(session, "TT", UnitKind.CENTER, ls, name="Trung tâm Phục vụ hành chính công")
        await f.official(session, centre, Role.UNIT_HEAD, external_id="centre")
        await session.commit()
    said = await ask("/ykienbaocao", as_="centre")
    assert "không thuộc các đơn vị gửi ý kiến" in said
    assert "không hiểu" in (await ask("/ykienbaocao gì đó", as_="ms")).lower()
    async with sessions() as session:
        assert await inputs_of(session, [province["LS"], province["MS"]], "2024-H1") == []


async def test_status_counts_the_province_units_and_pages_the_missing(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    async with sessions() as session:  # another province, whose units never count in Lạng Sơn's
        other = await f.unit(session, "CB", UnitKind.PROVINCE, name="Tỉnh Cao Bằng")
        await f.unit(session, "CBX", UnitKind.COMMUNE, other, name="Xã Cao Bằng Một")
        await session.commit()
    before = await bot.ask("/tinhhinhbaocao", as_="leader")
    assert "Ý kiến cho báo cáo CCHC 6 tháng đầu năm 2024" in before
    assert "Đã gửi: 0/4 đơn vị; hạn gửi hết ngày 20/06/2024." in before
    assert "Cao Bằng" not in before
    await bot.ask("/ykienbaocao noibat Đã làm", as_="ms")
    after = await bot.ask("/tinhhinhbaocao", as_="admin")
    assert "Đã gửi: 1/4 đơn vị" in after
    assert "Minh Sơn" not in after and "UBND xã Yên Thịnh, huyện Hữu Lũng" in after and "Sở Nội vụ" in after
    assert "không dành cho vai trò" in await bot.ask("/tinhhinhbaocao", as_="ms")


async def test_status_pages_and_names_periods_as_officials_type_them(
    sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, province: dict[str, int]
) -> None:
    bot = Bot(Router(sessions, clock=clock, settings=HandlerConfig(BotConfig(page_size=3))))
    first = await bot.ask("/tinhhinhbaocao", as_="leader")
    assert "(trang 1/2)" in first and "1. " in first and "4. " not in first
    assert [b.data for b in bot.buttons()] == ["/tinhhinhbaocao 2024-H1 2"]
    second = await bot.ask(callback="/tinhhinhbaocao 2024-H1 2", as_="leader")
    assert "(trang 2/2)" in second and "4. " in second and bot.last[0].edit
    for typed, period in (
        ("quy 1 2024", "quý I/2024"),
        ("quý III/2024", "quý III/2024"),
        ("6 tháng 2024", "6 tháng đầu năm 2024"),
        ("năm 2023", "năm 2023"),
        ("2024-Q3", "quý III/2024"),
    ):
        assert f"báo cáo CCHC {period}" in await bot.ask(f"/tinhhinhbaocao {typed}", as_="leader"), typed
    assert "Đã hết hạn nhận ý kiến." in await bot.ask("/tinhhinhbaocao nam 2023", as_="leader")
    bad = await bot.ask("/tinhhinhbaocao quy 5 2024", as_="leader")
    assert bad.strip().startswith("Không có kỳ báo cáo “quy 5 2024”")
    assert "Không có kỳ báo cáo “thang 5/2024”" in await bot.ask("/tinhhinhbaocao thang 5/2024", as_="leader")
    assert "Không có kỳ báo cáo “quý ba”" in await bot.ask("/tinhhinhbaocao quý ba", as_="leader")
    assert "(trang 2/2)" in await bot.ask("/tinhhinhbaocao trang 2", as_="leader")


async def test_in_english(bot: Bot, province: dict[str, int]) -> None:
    await bot.ask("/ngonngu en", as_="ms")
    asked = await bot.ask("/ykienbaocao", as_="ms")
    assert "(1/3) Highlights – reform report for first half of 2024" in asked
    assert "Minh Sơn Commune People's Committee" in asked and "20/06/2024" in asked
    assert "(2/3) Shortcomings" in await bot.ask("skip", as_="ms")
    done = await bot.ask("done", as_="ms")
    assert "Highlights: nothing to add" in done
    await bot.ask("/ngonngu en", as_="leader")
    status = await bot.ask("/tinhhinhbaocao", as_="leader")
    assert "Sent: 0/4 units; due by 20/06/2024." in status and "Not sent yet" in status


async def test_on_the_demo_a_commune_chair_answers_and_the_leader_sees_it(demo: Router) -> None:
    assert "báo cáo CCHC quý I/2026 của UBND xã Tuấn Sơn" in await demo_ask(demo, "chair", "/ykienbaocao")
    await demo_ask(demo, "chair", "Giải quyết 98% hồ sơ đúng hạn")
    said = await demo_ask(demo, "chair", "xong")
    assert "Kết quả nổi bật: Giải quyết 98% hồ sơ đúng hạn" in said and "20/03/2026" in said
    await demo_ask(demo, "ward", "/ykienbaocao kiennghi Đề nghị bổ sung máy tính")
    status = await demo_ask(demo, "leader", "/tinhhinhbaocao")
    assert "Ý kiến cho báo cáo CCHC quý I/2026" in status and "Đã gửi: 2/" in status
    assert "UBND xã Tuấn Sơn" not in status and "UBND phường Kỳ Lừa" not in status
