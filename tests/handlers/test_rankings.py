"""/xephang as a leader preparing a ranking review reads it: the whole published table, ties and
unranked units as published, the asker's unit marked with the units just above and below and the gaps,
pages, the province's internal table of communes or departments, and helpful refusals.

The world: 63 provinces ranked on PAR INDEX 2023 (two tied at 10, so no 11th; one unranked), Lạng Sơn
47th with 0,52 points behind the 46th and 0,31 ahead of the 48th; PAR INDEX 2022 for Lạng Sơn only.
Lạng Sơn's internal CCHC index 2023: communes Hòa Lạc 1, Tuấn Sơn and Yên Thịnh tied 2, Minh Sơn 4,
Đồng Đăng unranked; departments Sở Tư pháp 1, Sở Nội vụ 2. Thái Nguyên's: Xã Phúc Xuân 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.charts import Charts
from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming, Reply
from handlers.charts import chart_line
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock, LineageKind, Official, Role, ScoreKind, Unit, UnitKind
from models.lineage import link
from models.queries.charts import ranking_bars
from tests import factories as f


@dataclass
class World:
    leader: Official  # UBND tỉnh Lạng Sơn
    chair: Official  # Xã Minh Sơn
    officer: Official  # Sở Nội vụ
    elsewhere: Official  # a leader of Thái Nguyên
    elsewhere_chair: Official  # Xã Phúc Xuân, Thái Nguyên
    merged_chair: Official  # Xã Tân Thành, formed from Minh Sơn and Hòa Lạc on 1/7/2025
    ls: Unit


def _par_score(rank: int) -> Decimal:
    if rank == 48:
        return Decimal("75.25")  # 0,31 behind Lạng Sơn's 75,56
    return Decimal(100) - Decimal("0.52") * rank


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    async with sessions() as session:
        par = await f.score_index(session, "PAR", names=("Chỉ số CCHC", "PAR INDEX"))
        await f.score_index(session, "SIPAS", ScoreKind.PERCENT)  # not published yet: no result stored
        cchc = await f.score_index(session, "CCHC", names=("Chỉ số CCHC của các sở, ngành", "Internal CCHC index"))
        ls = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
        tn = await f.unit(session, "TN", UnitKind.PROVINCE, name="Tỉnh Thái Nguyên")
        ranks = [*range(1, 11), 10, *range(12, 63)]  # 62 ranked, 10th tied, no 11th
        for position, rank in enumerate(ranks, start=1):
            if rank == 47:
                unit = ls
            elif position == 20:
                unit = tn
            else:
                unit = await f.unit(session, f"P{position:02}", UnitKind.PROVINCE, name=f"Tỉnh P{position:02}")
            await f.index_result(session, par, unit, 2023, str(_par_score(rank)), rank, score_places=2)
        last = await f.unit(session, "P63", UnitKind.PROVINCE, name="Tỉnh P63")
        await f.index_result(session, par, last, 2023, None, None, note="không xếp hạng do thiếu số liệu điều tra")
        await f.index_result(session, par, ls, 2022, "83.00", 54)

        snv = await f.unit(session, "LS.SNV", UnitKind.DEPARTMENT, ls, "Sở Nội vụ")
        stp = await f.unit(session, "LS.STP", UnitKind.DEPARTMENT, ls, "Sở Tư pháp")
        communes = {}
        for code, name in [("MS", "Xã Minh Sơn"), ("HL", "Xã Hòa Lạc"), ("TS", "Xã Tuấn Sơn"), ("YT", "Xã Yên Thịnh")]:
            communes[code] = await f.unit(session, f"LS.{code}", UnitKind.COMMUNE, ls, name)
        dd = await f.unit(session, "LS.DD", UnitKind.TOWNSHIP, ls, "Thị trấn Đồng Đăng")
        px = await f.unit(session, "TN.PX", UnitKind.COMMUNE, tn, "Xã Phúc Xuân")
        internal = [
            (communes["HL"], "92.00", 1, 4),
            (communes["TS"], "90.25", 2, 4),
            (communes["YT"], "90.25", 2, 4),
            (communes["MS"], "89.00", 4, 4),
            (dd, "70.00", None, 4),
            (stp, "91.00", 1, 2),
            (snv, "88.50", 2, 2),
            (px, "91.50", 1, 1),
        ]
        for unit, score, rank, total in internal:
            await f.index_result(session, cchc, unit, 2023, score, rank, total, score_places=2)
        pci = await f.score_index(session, "PCI")  # only two provinces' results entered so far
        await f.index_result(session, pci, ls, 2023, "68.50", 12, score_places=2)
        await f.index_result(session, pci, tn, 2023, "66.10", 30, score_places=2)
        dti = await f.score_index(session, "DTI")  # published as scores, without ranks
        await f.index_result(session, dti, ls, 2023, "0.5100", None, score_places=4)
        await f.index_result(session, dti, tn, 2023, "0.6200", None, score_places=4)
        tan_thanh = await f.unit(session, "LS.TT", UnitKind.COMMUNE, ls, "Xã Tân Thành")  # formed 1/7/2025
        for old in (communes["MS"], communes["HL"]):
            await link(session, old, tan_thanh, LineageKind.FORMED_FROM, date(2025, 7, 1))
        found = World(
            await f.official(session, ls, Role.LEADER, name="Hồ Tiến Thiệu"),
            await f.official(session, communes["MS"], Role.UNIT_HEAD, name="Chủ tịch xã"),
            await f.official(session, snv, Role.OFFICER, name="Chuyên viên"),
            await f.official(session, tn, Role.LEADER, name="Lãnh đạo Thái Nguyên"),
            await f.official(session, px, Role.UNIT_HEAD, name="Chủ tịch xã Phúc Xuân"),
            await f.official(session, tan_thanh, Role.UNIT_HEAD, name="Chủ tịch xã Tân Thành"),
            ls,
        )
        await session.commit()
        return found


def router(sessions: async_sessionmaker[AsyncSession]) -> Router:
    clock = FrozenClock(at=datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ))
    return Router(sessions, clock=clock, settings=HandlerConfig())


async def replies(bot: Router, who: Official, text: str = "", callback: str | None = None) -> tuple[str, list[Reply]]:
    chat = f"u{who.id}"
    return await bot.handle(Incoming("console", chat, chat, text, callback=callback, message_id="7"))


async def ask(bot: Router, who: Official, text: str, fmt: str = "text", lang: str | None = None) -> str:
    got_lang, got = await replies(bot, who, text)
    return "\n\n".join(Renderer().render(lang or got_lang, reply, fmt) for reply in got)


async def test_national_table_names_the_place_and_the_neighbours_with_the_gaps(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(router(sessions), world.leader, "/xephang par")
    assert "Bảng xếp hạng PAR INDEX năm 2023 — các tỉnh, thành phố" in text
    head = (
        "UBND tỉnh Lạng Sơn xếp thứ 47/63; trên: Tỉnh P46 (xếp thứ 46, hơn 0,52 điểm); "
        "dưới: Tỉnh P48 (xếp thứ 48, kém 0,31 điểm)."
    )
    assert head in text
    lines = text.splitlines()
    assert "1. Tỉnh P01: 99,48 điểm" in lines  # page 1 from the top
    assert "Trang 1/4" in text
    assert "Các năm có bảng xếp hạng: 2023, 2022; ví dụ /xephang par 2022." in text


async def test_ties_are_shown_as_published_and_the_unranked_come_last(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    bot = router(sessions)
    first = (await ask(bot, world.leader, "/xephang par 2023")).splitlines()
    assert "10. Tỉnh P10: 94,80 điểm (đồng hạng)" in first
    assert "10. Tỉnh P11: 94,80 điểm (đồng hạng)" in first
    assert not any(line.startswith("11. ") for line in first)
    assert "12. Tỉnh P12: 93,76 điểm" in first
    last = (await ask(bot, world.leader, "/xephang par 2023 trang 4")).splitlines()
    unranked = "– Tỉnh P63: chưa có số liệu điểm số, không xếp hạng — không xếp hạng do thiếu số liệu điều tra"
    assert last.index("62. Tỉnh P62: 67,76 điểm") + 1 == last.index(unranked)  # the unranked after the last rank
    assert "Trang 4/4" in "\n".join(last)


async def test_own_unit_is_marked_in_text_and_bold_in_html(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    bot = router(sessions)
    text = await ask(bot, world.chair, "/xephang par 2023 trang 3")  # a commune chair sees the province's place
    assert "▶ 47. Tỉnh Lạng Sơn: 75,56 điểm" in text.splitlines()
    assert text.count("▶") == 1
    html = await ask(bot, world.chair, "/xephang par 2023 trang 3", fmt="html")
    assert "<b>47. Tỉnh Lạng Sơn: 75,56 điểm</b>" in html
    assert "▶" not in html


async def test_pages_turn_by_editing_the_message(sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    bot = router(sessions)
    _, first = await replies(bot, world.leader, "/xephang par")
    assert first[0].edit is False
    (forward,) = first[0].buttons[0]
    assert forward.data == "/xephang par 2023 tinh trang 2"
    _, second = await replies(bot, world.leader, callback=forward.data)
    assert second[0].edit is True
    labels = [button.data for button in second[0].buttons[0]]
    assert labels == ["/xephang par 2023 tinh trang 1", "/xephang par 2023 tinh trang 3"]
    text = Renderer().render("vi", second[0], "text")
    assert "21. Tỉnh P21" in text and "Trang 2/4" in text and "1. Tỉnh P01" not in text.splitlines()
    # a stale or forged page never shows an empty page
    clamped = await ask(bot, world.leader, "/xephang par 2023 trang 99")
    assert "Trang 4/4" in clamped


async def test_commune_chair_sees_the_provinces_communes_with_tied_neighbours(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(router(sessions), world.chair, "/xephang cchc")
    assert "Bảng xếp hạng Chỉ số CCHC năm 2023 — các xã, phường" in text
    assert "UBND xã Minh Sơn xếp thứ 4/4; trên: Xã Tuấn Sơn, Xã Yên Thịnh (đồng hạng 2, hơn 1,25 điểm)." in text
    lines = text.splitlines()
    assert lines.index("1. Xã Hòa Lạc: 92,00 điểm") < lines.index("▶ 4. Xã Minh Sơn: 89,00 điểm")
    assert "– Thị trấn Đồng Đăng: 70,00 điểm, không xếp hạng" in lines
    assert "Sở Nội vụ" not in text and "Phúc Xuân" not in text  # no departments, no other province


async def test_department_sees_departments_and_a_leader_chooses(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    bot = router(sessions)
    text = await ask(bot, world.officer, "xếp hạng cchc")
    assert "— các sở, ban, ngành" in text
    assert "Sở Nội vụ xếp thứ 2/2; trên: Sở Tư pháp (xếp thứ 1, hơn 2,50 điểm)." in text
    _, got = await replies(bot, world.leader, "/xephang cchc")
    assert "Xã Minh Sơn" in Renderer().render("vi", got[0], "text")  # communes by default
    assert [b.data for b in got[0].buttons[-1]] == ["/xephang cchc so"]  # that level's latest year
    text = await ask(bot, world.leader, "/xephang cchc 2023 so")
    assert "1. Sở Tư pháp: 91,00 điểm" in text and "Xã Minh Sơn" not in text
    assert "UBND tỉnh" not in text  # a leader's province is not in the table: no head line


async def test_another_province_sees_only_its_own_internal_table(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    bot = router(sessions)
    text = await ask(bot, world.elsewhere_chair, "/xephang cchc")
    assert "▶ 1. Xã Phúc Xuân: 91,50 điểm" in text
    assert "Minh Sơn" not in text and "Hòa Lạc" not in text
    text = await ask(bot, world.elsewhere, "/xephang cchc so")
    assert text == "Chỉ số CCHC không xếp hạng các sở, ban, ngành; có bảng xếp hạng của các xã, phường."
    national = await ask(bot, world.elsewhere, "/xephang par")
    assert "UBND tỉnh Thái Nguyên xếp thứ 20/63" in national  # national tables are everyone's


async def test_unknown_index_or_year_answers_one_line_naming_what_exists(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    bot = router(sessions)
    assert await ask(bot, world.chair, "/xephang abc") == (
        "Không có chỉ số nào mã “abc”. Các mã chỉ số: par, sipas, pci, dti, cchc; ví dụ /xephang par."
    )
    assert await ask(bot, world.chair, "/xephang") == (
        "Đề nghị đồng chí ghi mã chỉ số cần xem bảng xếp hạng: par, sipas, pci, dti, cchc; ví dụ /xephang par."
    )
    assert await ask(bot, world.chair, "/xephang par 2019") == (
        "Chưa có bảng xếp hạng PAR INDEX năm 2019 của các tỉnh, thành phố. "
        "Các năm có số liệu: 2023, 2022; ví dụ /xephang par 2023."
    )
    assert await ask(bot, world.chair, "/xephang par xyz") == (
        "Không hiểu “xyz”: /xephang par [năm] [tinh, so, xa, huyen] [trang N], ví dụ /xephang par 2023."
    )
    assert await ask(bot, world.chair, "/xephang Sipas") == "Chưa có bảng xếp hạng SIPAS nào trong hệ thống."


async def test_english(sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    bot = router(sessions)
    text = await ask(bot, world.leader, "/xephang par", lang="en")
    assert "PAR INDEX rankings, 2023" in text and "provinces and cities" in text
    head = (
        "Lạng Sơn Provincial People's Committee ranked 47/63; above: P46 Province (ranked 46, 0.52 points "
        "ahead); below: P48 Province (ranked 48, 0.31 points behind)."
    )
    assert head in text
    assert "10. P10 Province: 94.80 points (tied)" in text
    text = await ask(bot, world.chair, "/xephang cchc", lang="en")
    assert "Minh Sơn Commune People's Committee ranked 4/4; above: Tuấn Sơn Commune, Yên Thịnh Commune" in text
    assert "(tied at 2, 1.25 points ahead)" in text
    text = await ask(bot, world.chair, "/xephang par 2023 trang 4", lang="en")
    assert "– P63 Province: score not available, not ranked" in text


async def test_group_chats_get_the_table(sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    bot = router(sessions)
    chat = f"u{world.leader.id}"
    _, got = await bot.handle(Incoming("console", "group1", chat, "/xephang par", is_group=True))
    assert got and got[0].template == "rankings/table"


async def test_a_merged_commune_finds_the_communes_it_was_formed_from(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(router(sessions), world.merged_chair, "/xephang cchc")
    lines = text.splitlines()
    assert "Số liệu của các xã trước hợp nhất:" in lines
    assert (
        "UBND xã Hòa Lạc xếp thứ 1/4; đứng đầu bảng; dưới: Xã Tuấn Sơn, Xã Yên Thịnh (đồng hạng 2, kém 1,75 điểm)."
        in lines
    )
    assert "UBND xã Minh Sơn xếp thứ 4/4; trên: Xã Tuấn Sơn, Xã Yên Thịnh (đồng hạng 2, hơn 1,25 điểm)." in lines
    assert "▶ 1. Xã Hòa Lạc: 92,00 điểm" in lines and "▶ 4. Xã Minh Sơn: 89,00 điểm" in lines


async def test_a_table_partly_entered_says_so_and_never_calls_the_unit_first(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(router(sessions), world.leader, "/xephang pci")
    lines = text.splitlines()
    assert "UBND tỉnh Lạng Sơn xếp thứ 12/63; dưới: Tỉnh Thái Nguyên (xếp thứ 30, kém 2,40 điểm)." in lines
    assert "Hệ thống mới có kết quả của 2/63 đơn vị của bảng này." in lines
    assert "đứng đầu" not in text


async def test_a_table_without_ranks_is_ordered_by_score_and_says_so(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(router(sessions), world.leader, "/xephang dti")
    lines = text.splitlines()
    assert "UBND tỉnh Lạng Sơn: 0,5100 điểm." in lines
    assert lines.index("– Tỉnh Thái Nguyên: 0,6200 điểm") < lines.index("▶ – Tỉnh Lạng Sơn: 0,5100 điểm")
    assert "không xếp hạng" not in text
    assert "Kết quả năm 2023 chưa có thứ hạng; danh sách theo điểm số từ cao xuống thấp." in lines


async def test_the_chart_draws_the_table_with_the_own_unit_marked(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    bot = router(sessions)
    _, got = await replies(bot, world.chair, "/xephang par")
    spec = got[0].chart
    assert spec == {"kind": "ranking_table", "index": "PAR", "year": 2023, "level": "provinces", "unit_id": world.ls.id}
    async with sessions() as session:
        bars = await ranking_bars(session, "PAR", 2023, "provinces", world.ls.id)
    assert bars is not None and len(bars.bars) == 62  # every province with a score; the unranked one has none
    assert [bar.unit.name for bar in bars.bars if bar.mine] == ["Tỉnh Lạng Sơn"]
    charts = Charts(sessions, FrozenClock(at=datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)), Renderer())
    for lang in ("vi", "en"):
        png = await charts.draw(lang, spec)
        assert png is not None and png.startswith(b"\x89PNG")


async def test_a_chart_button_of_another_provinces_internal_table_is_refused(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    bot = router(sessions)
    _, own = await replies(bot, world.chair, "/xephang cchc")
    line = chart_line(own[0].chart or {})
    assert line is not None
    _, drawn = await replies(bot, world.chair, callback=line)
    assert drawn[0].chart_now
    _, forged = await replies(bot, world.elsewhere_chair, callback=line)  # Thái Nguyên pressing Lạng Sơn's
    assert forged[0].template == "telegram/button_expired"
    line = f"/bieudo ranking_table PAR 2023 tinh {world.ls.id}"
    _, wrong = await replies(bot, world.elsewhere_chair, callback=line)
    assert wrong[0].template == "telegram/button_expired"  # not a level
    line = f"/bieudo ranking_table PAR 2023 provinces {world.ls.id}"
    _, national = await replies(bot, world.elsewhere_chair, callback=line)
    assert national[0].chart_now  # a national table's chart is everyone's
