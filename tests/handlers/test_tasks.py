"""/nhiemvu: the unit's tasks by status, filters, pages, a task's detail and who may see it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.base import HandlerConfig
from handlers.router import Router
from handlers.tasks import parse
from models import FrozenClock, Plan, Unit, UnitKind
from models.settings import BotConfig
from tests import factories as f
from tests.handlers.conftest import Ask, Bot


async def test_overdue_task_shows_days_late(ask: Ask) -> None:
    text = await ask("/nhiemvu")
    assert "Quá hạn" in text
    assert "1. Rà soát thủ tục hành chính (hạn 31/03/2024, quá hạn 62 ngày, tiến độ 40%)" in text


async def test_list_groups_tasks_in_status_order(ask: Ask) -> None:
    text = await ask("/nhiemvu")
    headings = ["Quá hạn", "Trong hạn / sắp đến hạn", "Chưa đến hạn", "Hoàn thành gần đây"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "còn 14 ngày" in text
    # the task still in time and the one not yet due are not in the rate: 1 done ÷ (1 done + 1 overdue)
    assert (
        "Tổng số 4 nhiệm vụ. 1/2 nhiệm vụ đến hạn đã hoàn thành, đạt 50,00% (đúng hạn: 1, quá hạn: 0); "
        "chưa hoàn thành: 2 (trong hạn: 1, quá hạn: 1); chưa đến hạn: 1." in text
    )
    assert "UBND xã Minh Sơn, huyện Hữu Lũng" in text


async def test_list_shows_only_own_unit_tasks(ask: Ask) -> None:
    text = await ask("/nhiemvu")
    assert "Niêm yết thủ tục của xã Yên Thịnh" not in text
    assert "Xây dựng văn bản quy phạm" not in text


async def test_free_text_overdue_filter_without_diacritics(ask: Ask) -> None:
    for phrase in ("nhiem vu qua han", "Nhiệm vụ quá hạn", "việc quá hạn"):
        text = await ask(phrase)
        assert "quá hạn 62 ngày" in text
        assert "Số hóa hồ sơ một cửa" not in text


async def test_filters_by_status_and_field(ask: Ask) -> None:
    assert "Số hóa hồ sơ một cửa" in await ask("/nhiemvu tronghan")
    done = await ask("/nhiemvu hoanthanh")
    assert "4. Tuyên truyền (hoàn thành 10/05/2024)" in done
    assert "Rà soát" not in done
    assert "Kiểm tra công vụ" in await ask("/nhiemvu chuadenhan")
    assert "Xây dựng văn bản quy phạm" in await ask("/nhiemvu linhvuc 2", as_="admin")
    assert "chưa được giao nhiệm vụ nào thuộc lĩnh vực này" in await ask("/nhiemvu linhvuc 2")


async def test_year_picks_older_plan(ask: Ask) -> None:
    text = await ask("/nhiemvu 2023")
    assert "Nhiệm vụ CCHC năm 2023" in text
    assert "hoàn thành 01/06/2023" in text


async def test_each_listed_task_has_a_detail_button(ask: Ask, bot: Bot) -> None:
    await ask("/nhiemvu")
    data = [b.data for b in bot.buttons()]
    assert data == ["/nhiemvu 2024 1", "/nhiemvu 2024 2", "/nhiemvu 2024 3"]


async def test_detail_shows_units_deadline_progress_and_reports(ask: Ask) -> None:
    await ask("/capnhat 2 60 đã số hóa 300 hồ sơ https://example.vn/bc")
    text = await ask("/nhiemvu 2")
    assert "Nhiệm vụ số 2 – Kế hoạch CCHC năm 2024" in text
    assert "Lĩnh vực: 1. Công tác chỉ đạo, điều hành cải cách hành chính" in text
    assert "Thời hạn: 15/06/2024" in text
    assert "Đơn vị chủ trì: UBND xã Minh Sơn, huyện Hữu Lũng" in text
    assert "Đơn vị phối hợp: UBND xã Yên Thịnh, huyện Hữu Lũng" in text
    assert "Nguyễn Văn An (Xã Minh Sơn): 60% – đã số hóa 300 hồ sơ" in text
    assert "Minh chứng: https://example.vn/bc" in text


async def test_commune_official_cannot_see_another_communes_task(ask: Ask) -> None:
    text = await ask("/nhiemvu 5", as_="ms")
    assert "Nhiệm vụ số 5 không giao cho đơn vị của đồng chí" in text
    assert "Niêm yết" not in text


async def test_cooperating_unit_sees_task_but_only_its_own_progress(ask: Ask) -> None:
    text = await ask("/nhiemvu 2", as_="yt")
    assert "Số hóa hồ sơ một cửa" in text
    assert "UBND xã Yên Thịnh, huyện Hữu Lũng (phối hợp)" in text
    assert "Xã Minh Sơn, huyện Hữu Lũng (chủ trì): chưa" not in text


async def test_district_head_sees_communes_below(ask: Ask) -> None:
    text = await ask("/nhiemvu 5", as_="head")
    assert "Niêm yết thủ tục của xã Yên Thịnh" in text


async def test_leader_sees_any_task_and_province_by_unit(ask: Ask) -> None:
    assert "Xây dựng văn bản quy phạm" in await ask("/nhiemvu 6", as_="leader")
    text = await ask("/nhiemvu tatca", as_="leader")
    # the sentence counts each task once; the units' numbers are assignments, and say so
    assert "Kế hoạch có 6 nhiệm vụ. 1/3 nhiệm vụ đến hạn đã hoàn thành, đạt 33,33%" in text
    assert "Giao cho 4 đơn vị, tổng cộng 8 lượt nhiệm vụ" in text
    first = text.index("UBND xã Minh Sơn")
    assert first < text.index("Sở Nội vụ")


async def test_leader_whose_province_has_no_tasks_of_its_own_lands_on_the_province_view(ask: Ask) -> None:
    text = await ask("/nhiemvu", as_="leader")
    assert "chưa được giao nhiệm vụ nào" not in text
    assert text == await ask("/nhiemvu tatca", as_="leader")
    assert "Nhiệm vụ CCHC năm 2024 – toàn tỉnh" in text and "Giao cho 4 đơn vị" in text


async def test_the_reporting_sentence_is_the_same_in_nhiemvu_and_tomtat(ask: Ask) -> None:
    import handlers.summary  # noqa: F401  (registers /tomtat)

    tasks = await ask("/nhiemvu tatca", as_="leader")
    sentence = "6 nhiệm vụ. 1/3 nhiệm vụ đến hạn đã hoàn thành, đạt 33,33% (đúng hạn: 1, quá hạn: 0); "
    sentence += "chưa hoàn thành: 3 (trong hạn: 1, quá hạn: 2); chưa đến hạn: 2."
    assert sentence in tasks
    assert sentence in await ask("/tomtat", as_="leader")


async def test_nothing_come_due_gives_no_rate_and_says_so(ask: Ask) -> None:
    text = await ask("/nhiemvu", as_="admin")  # Sở Nội vụ: one task, due 30/09
    assert "Tổng số 1 nhiệm vụ. Chưa có nhiệm vụ nào đến hạn nên chưa tính tỷ lệ hoàn thành; chưa đến hạn: 1." in text
    assert "%" not in text.split("\n")[1]


async def test_the_reporting_sentence_in_english(ask: Ask) -> None:
    await ask("/ngonngu en")
    await ask("/ngonngu en", as_="admin")
    text = await ask("/tasks")
    assert (
        "4 tasks in all. 1/2 tasks that came due are done, 50.00% (on time: 1, late: 0); "
        "not done: 2 (in time: 1, overdue: 1); not yet due: 1." in text
    )
    admin = await ask("/tasks", as_="admin")
    assert "1 task in all. No task has come due yet, so there is no completion rate; not yet due: 1." in admin


async def test_officer_may_not_ask_for_the_whole_province(ask: Ask) -> None:
    assert "không dành cho vai trò của đồng chí" in await ask("/nhiemvu tatca")


async def test_unknown_task_number_says_the_range(ask: Ask) -> None:
    text = await ask("/nhiemvu 99")
    assert "không có nhiệm vụ số 99" in text
    assert "6 nhiệm vụ, đánh số từ 1 đến 6" in text


async def test_bad_numbers_and_missing_plans(ask: Ask) -> None:
    assert "không phải là số hợp lệ" in await ask("/nhiemvu 5000")
    assert "“x” không phải là số hợp lệ" in await ask("/nhiemvu trang x")
    assert "Chưa có Kế hoạch CCHC năm 2019" in await ask("/nhiemvu 2019")


async def test_a_field_that_is_not_one_quotes_what_was_typed_and_says_the_valid_ones(ask: Ask) -> None:
    said = await ask("/nhiemvu linhvuc abc")
    assert said.startswith("“abc” không phải số lĩnh vực (các lĩnh vực 1–8).") and "linhvuc»" not in said
    assert (await ask("/nhiemvu linhvuc 9")).startswith("Không có lĩnh vực 9 (các lĩnh vực 1–8).")
    assert (await ask("/nhiemvu lĩnh vực 0")).startswith("Không có lĩnh vực 0 (các lĩnh vực 1–8).")
    assert "Sau “linhvuc” cần số lĩnh vực" in await ask("/nhiemvu linhvuc")
    await ask("/ngonngu en")
    assert (await ask("/nhiemvu linhvuc abc")).startswith("“abc” is not a field number (fields 1–8).")
    assert (await ask("/nhiemvu linhvuc 9")).startswith("There is no field 9 (fields 1–8).")


def test_parse_reads_vietnamese_words_and_numbers() -> None:
    query = parse(["quá", "hạn", "linh", "vực", "3", "trang", "2", "2023"])
    assert (query.status, query.field, query.page, query.year, query.number) == ("overdue", 3, 2, 2023, None)
    assert parse(["12"]).number == 12
    assert parse(["cua", "xa"]).status is None


async def test_long_lists_are_paged_and_page_buttons_edit_in_place(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, province: dict[str, int]
) -> None:
    async with sessions() as session:
        ms, plan = await session.get_one(Unit, province["MS"]), await f.plan(session, 2025)
        for n in range(1, 8):
            await f.task(session, plan, n, date(2025, 3, 1), ms, content=f"Việc {n}")
        await session.commit()
    bot.router = Router(sessions, clock=clock, settings=HandlerConfig(BotConfig(page_size=3)))
    first = await bot.ask("/nhiemvu")
    assert "Trang 1/3" in first and "Việc 1 " in first and "Việc 4 " not in first
    nxt = next(b for b in bot.buttons() if b.label == "common.next_page")
    assert nxt.data == "/nhiemvu trang 2"
    second = await bot.ask(callback=nxt.data)
    assert "Trang 2/3" in second and "Việc 4 " in second
    assert bot.last[0].edit is True
    labels = [b.label for b in bot.buttons()]
    assert "common.prev_page" in labels and "common.next_page" in labels


async def test_numbered_button_reply_opens_the_detail(ask: Ask) -> None:
    await ask("/nhiemvu", numbered=True)
    text = await ask("2", numbered=True)
    assert "Nhiệm vụ số 2 – Kế hoạch CCHC năm 2024" in text


async def test_html_escapes_task_content(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    async with sessions() as session:
        ms, plan = await session.get_one(Unit, province["MS"]), await session.get_one(Plan, province["plan2024"])
        await f.task(session, plan, 7, date(2024, 6, 20), ms, content="Sửa <Quy chế> & <b>biểu mẫu</b>")
        await session.commit()
    text = await ask("/nhiemvu 7", fmt="html")
    assert "Sửa &lt;Quy chế&gt; &amp; &lt;b&gt;biểu mẫu&lt;/b&gt;" in text
    assert "<b>Nhiệm vụ số 7 – Kế hoạch CCHC năm 2024</b>" in text


async def test_task_of_many_units_names_the_first_few_and_counts_the_rest(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    async with sessions() as session:
        hl, plan = await session.get_one(Unit, province["HL"]), await session.get_one(Plan, province["plan2024"])
        communes = [await f.unit(session, f"X{i:02}", UnitKind.COMMUNE, hl, name=f"Xã Số {i:02}") for i in range(14)]
        await f.task(session, plan, 8, date(2024, 9, 30), hl, cooperating=communes, content="Một cửa hiện đại")
        await session.commit()
    text = await ask("/nhiemvu 8", as_="leader")
    assert "Đơn vị phối hợp: UBND xã Số 00, huyện Hữu Lũng;" in text
    assert "; và 4 đơn vị khác" in text
    assert "… và 5 đơn vị khác. Tổng cộng 15 lượt: quá hạn 0, trong hạn 0, chưa đến hạn 15, hoàn thành 0." in text
    assert text.count("• ") == 10


async def test_list_takes_a_handful_of_statements(ask: Ask, engine: AsyncEngine) -> None:
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    await ask("/nhiemvu")  # warm
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await ask("/nhiemvu")
        listing = len(seen)
        await ask("/nhiemvu 2")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert listing <= 7  # identity, seen-at, state; unit, plan, tasks, names
    assert len(seen) - listing <= 9
