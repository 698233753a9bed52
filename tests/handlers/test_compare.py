"""/sosanh as a leader preparing a ranking review reads it: the unit's score and rank each year (or month)
next to its peers' average (and how many), the best and the worst with the gaps; the components side by
side with the one furthest below the average marked; two units side by side; and one clear line for
each thing that can go wrong.

The world, on 15/11/2026: all 34 provinces on PAR INDEX 2024 (province i of the official list: 90,00 −
0,37·i, ranked i+1/34; Lạng Sơn is i = 8: 87,04, 9th) with three fields, Lạng Sơn's second field 10,00
well below the others' 12,00 + 0,1·i; PAR INDEX 2023 for 33 of them (85,00 + 0,25·i, Cà Mau published
without a score); SIPAS 2024 (percent) for Lạng Sơn and Cao Bằng; DTI 2024 for Lạng Sơn alone.
Lạng Sơn's units: departments on the internal CCHC index 2024; four communes and wards on the 766 index
in September and October 2026 with the five groups of October; Xã Tân Thành formed on 1/7/2025 from
Xã Minh Sơn and Xã Hòa Lạc, which have CCHC results of 2024 (with Xã Yên Thịnh). Cao Bằng has a commune
with a CCHC result that must never count among Lạng Sơn's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.charts import Charts
from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming, Reply
from handlers.charts import chart_line
from handlers.router import Router
from models import (
    DEFAULT_TZ,
    FrozenClock,
    IndexResult,
    LineageKind,
    Official,
    Role,
    ScoreIndex,
    ScoreKind,
    Unit,
    UnitKind,
)
from models.lineage import link
from models.provinces import catalogue
from models.queries.charts import compare_bars
from tests import factories as f
from tests.handlers._demo_support import ask as demo_ask

NOW = datetime(2026, 11, 15, 9, 0, tzinfo=DEFAULT_TZ)
FIELDS = [
    ("Công tác chỉ đạo, điều hành", "Direction and management"),
    ("Xây dựng và tổ chức thực hiện thể chế", "Institutions"),
    ("Cải cách thủ tục hành chính", "Administrative procedures"),
]
GROUPS = [
    ("Công khai, minh bạch", "Openness and transparency"),
    ("Tiến độ giải quyết", "Timeliness"),
    ("Dịch vụ trực tuyến", "Online services"),
    ("Mức độ hài lòng", "Satisfaction"),
    ("Số hóa hồ sơ", "Digitisation"),
]
LS_AT = 8  # Lạng Sơn's place in the official list


@dataclass
class World:
    leader: Official  # UBND tỉnh Lạng Sơn
    chair: Official  # Xã Tân Thành (formed 1/7/2025)
    yt: Official  # an officer of Xã Yên Thịnh
    snv: Official  # an officer of Sở Nội vụ
    cb_leader: Official  # a leader of Cao Bằng


def par_2024(i: int) -> Decimal:
    return Decimal("90.00") - Decimal("0.37") * i


def par_2023(i: int) -> Decimal:
    return Decimal("85.00") + Decimal("0.25") * i


def average(values: list[Decimal]) -> Decimal:
    """The rule the answer states: the mean, two decimals, half up."""
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def comma(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


async def _provinces(session: AsyncSession) -> dict[str, Unit]:
    par = await f.score_index(session, "PAR", components=FIELDS, names=("Chỉ số CCHC", "PAR INDEX"))
    found = {}
    entries = catalogue().current
    for i, entry in enumerate(entries):
        kind = UnitKind.CENTRAL_CITY if entry.central_city else UnitKind.PROVINCE
        unit = await f.unit(session, entry.code, kind, name=entry.name)
        found[entry.code] = unit
        result = await f.index_result(session, par, unit, 2024, str(par_2024(i)), i + 1, 34, score_places=2)
        field_two = Decimal("10.00") if i == LS_AT else Decimal("12.00") + Decimal("0.1") * i
        for number, score in enumerate(("8.00", str(field_two), str(Decimal("20.00") - Decimal("0.1") * i)), 1):
            await f.component_result(session, result, number, score, score_places=2)
        if i < len(entries) - 1:
            await f.index_result(session, par, unit, 2023, str(par_2023(i)), 33 - i, 34, score_places=2)
        else:
            await f.index_result(session, par, unit, 2023, None, None, note="không xếp hạng")
    sipas = await f.score_index(session, "SIPAS", ScoreKind.PERCENT)
    await f.index_result(session, sipas, found["20"], 2024, "82.35", 20, 34, score_places=2)
    await f.index_result(session, sipas, found["04"], 2024, "79.10", 28, 34, score_places=2)
    dti = await f.score_index(session, "DTI")
    await f.index_result(session, dti, found["20"], 2024, "0.5100", None, score_places=4)
    return found


async def _month(session: AsyncSession, index: ScoreIndex, unit: Unit, month: int, score: str) -> IndexResult:
    return await f.index_result(
        session, index, unit, 2026, score, None, period="month", period_number=month, score_places=2
    )


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    async with sessions() as session:
        found = await _provinces(session)
        ls, cb = found["20"], found["04"]
        cchc = await f.score_index(session, "CCHC", names=("Chỉ số CCHC của tỉnh", "Internal CCHC index"))
        snv = await f.unit(session, "LS.SNV", UnitKind.DEPARTMENT, ls, "Sở Nội vụ")
        for code, name, score, rank in [("STP", "Sở Tư pháp", "88.50", 1), ("SYT", "Sở Y tế", "80.00", 3)]:
            unit = await f.unit(session, f"LS.{code}", UnitKind.DEPARTMENT, ls, name)
            await f.index_result(session, cchc, unit, 2024, score, rank, 3, score_places=2)
        await f.index_result(session, cchc, snv, 2024, "84.25", 2, 3, score_places=2)
        service = await f.score_index(session, "766", components=GROUPS, names=("Chỉ số 766", "Index 766"))
        tt = await f.unit(session, "LS.TT", UnitKind.COMMUNE, ls, "Xã Tân Thành")
        yt = await f.unit(session, "LS.YT", UnitKind.COMMUNE, ls, "Xã Yên Thịnh")
        dd = await f.unit(session, "LS.DD", UnitKind.WARD, ls, "Phường Đồng Đăng")
        kl = await f.unit(session, "LS.KL", UnitKind.WARD, ls, "Phường Kỳ Lừa")
        october = {
            tt: ("72.50", ["14.00", "16.00", "12.50", "14.00", "16.00"]),
            yt: ("80.00", ["16.00"] * 5),
            dd: ("85.00", ["17.00"] * 5),
            kl: ("90.50", ["18.00", "18.00", "18.50", "18.00", "18.00"]),
        }
        for unit, (score, groups) in october.items():
            result = await _month(session, service, unit, 10, score)
            for number, value in enumerate(groups, start=1):
                await f.component_result(session, result, number, value, score_places=2)
        for unit, score in [(tt, "70.00"), (yt, "81.00"), (dd, "84.00"), (kl, "89.00")]:
            await _month(session, service, unit, 9, score)
        ms = await f.unit(session, "LS.MS", UnitKind.COMMUNE, ls, "Xã Minh Sơn")
        hl = await f.unit(session, "LS.HL", UnitKind.COMMUNE, ls, "Xã Hòa Lạc")
        for unit, score in [(ms, "82.00"), (hl, "78.00"), (yt, "85.00")]:
            await f.index_result(session, cchc, unit, 2024, score, None, score_places=2)
        for old in (ms, hl):
            await link(session, old, tt, LineageKind.FORMED_FROM, date(2025, 7, 1))
        dt = await f.unit(session, "CB.DT", UnitKind.COMMUNE, cb, "Xã Đàm Thủy")
        await f.index_result(session, cchc, dt, 2024, "99.00", None, score_places=2)
        world = World(
            await f.official(session, ls, Role.LEADER, name="Lãnh đạo tỉnh"),
            await f.official(session, tt, Role.UNIT_HEAD, name="Chủ tịch xã Tân Thành"),
            await f.official(session, yt, Role.OFFICER, name="Công chức xã Yên Thịnh"),
            await f.official(session, snv, Role.OFFICER, name="Chuyên viên Sở Nội vụ"),
            await f.official(session, cb, Role.LEADER, name="Lãnh đạo Cao Bằng"),
        )
        await session.commit()
        return world


def router(sessions: async_sessionmaker[AsyncSession]) -> Router:
    return Router(sessions, clock=FrozenClock(at=NOW), settings=HandlerConfig())


async def replies(sessions: async_sessionmaker[AsyncSession], who: Official, text: str) -> tuple[str, list[Reply]]:
    chat = f"u{who.id}"
    return await router(sessions).handle(Incoming("console", chat, chat, text))


async def ask(
    sessions: async_sessionmaker[AsyncSession], who: Official, text: str, lang: str | None = None, fmt: str = "text"
) -> str:
    got_lang, got = await replies(sessions, who, text)
    return "\n\n".join(Renderer().render(lang or got_lang, reply, fmt) for reply in got)


async def test_a_province_against_all_34_each_year_with_its_fields_side_by_side(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(sessions, world.leader, "/sosanh")  # a leader's default: the province on PAR INDEX
    mean_2024 = average([par_2024(i) for i in range(34)])
    mean_2023 = average([par_2023(i) for i in range(33)])
    assert "So sánh PAR INDEX: UBND tỉnh Lạng Sơn" in text
    assert "Với trung bình, cao nhất và thấp nhất của các tỉnh, thành phố có kết quả trong hệ thống." in text
    gap = par_2024(LS_AT) - mean_2024
    assert (
        f"Năm 2024: 87,04 điểm, xếp thứ 9/34, cao hơn trung bình {comma(gap)} điểm, "
        "kém đơn vị cao nhất 2,96 điểm." in text
    )
    assert (
        f"Trung bình của các tỉnh, thành phố (34 đơn vị): {comma(mean_2024)} điểm; "
        "cao nhất: Thành phố Hà Nội (90,00 điểm); thấp nhất: Tỉnh Cà Mau (77,79 điểm)." in text
    )
    assert f"Năm 2023: 87,00 điểm, xếp thứ 25/34, thấp hơn trung bình {comma(mean_2023 - par_2023(LS_AT))} điểm" in text
    assert f"Trung bình của các tỉnh, thành phố (33 đơn vị): {comma(mean_2023)} điểm" in text  # Cà Mau: no score
    assert text.index("Năm 2024") < text.index("Năm 2023")  # the latest first
    field_two = average([Decimal("10.00")] + [Decimal("12.00") + Decimal("0.1") * i for i in range(34) if i != LS_AT])
    assert "Các lĩnh vực, chỉ số thành phần, năm 2024 (đơn vị · trung bình · cao nhất)" in text
    assert "1. Công tác chỉ đạo, điều hành: 8,00 · 8,00 · 8,00" in text
    assert f"▶ 2. Xây dựng và tổ chức thực hiện thể chế: 10,00 · {comma(field_two)} · 15,30 (Tỉnh Cà Mau)" in text
    assert (
        "Lĩnh vực thấp hơn trung bình nhiều nhất: Xây dựng và tổ chức thực hiện thể chế "
        f"(thấp hơn {comma(field_two - Decimal('10.00'))} điểm)." in text
    )
    assert "vùng" not in text  # regions are not in the data: nothing is said of them


async def test_a_year_asked_is_the_one_detailed_and_later_years_are_left_out(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(sessions, world.leader, "/sosanh par 2023")
    assert "Năm 2023: 87,00 điểm" in text
    assert "Năm 2024" not in text
    assert "Các lĩnh vực" not in text  # no field of 2023 was published


async def test_a_commune_chair_sees_its_766_months_against_the_provinces_communes(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(sessions, world.chair, "/sosanh")  # a commune's default: the 766 index
    assert "So sánh Chỉ số 766: UBND xã Tân Thành" in text
    assert "Với trung bình, cao nhất và thấp nhất của các xã, phường của tỉnh." in text
    assert (
        "Tháng 10/2026: 72,50 điểm, xếp thứ 4/4, thấp hơn trung bình 9,50 điểm, kém đơn vị cao nhất 18,00 điểm." in text
    )
    assert (
        "Trung bình của các xã, phường (4 đơn vị): 82,00 điểm; cao nhất: Phường Kỳ Lừa (90,50 điểm); "
        "thấp nhất: Xã Tân Thành (72,50 điểm)." in text
    )
    assert "Tháng 9/2026: 70,00 điểm, xếp thứ 4/4, thấp hơn trung bình 11,00 điểm" in text
    assert "Xã Đàm Thủy" not in text and "99,00" not in text  # another province's commune is no peer
    assert "Các nhóm chỉ số, tháng 10/2026 (đơn vị · trung bình · cao nhất)" in text
    assert "1. Công khai, minh bạch: 14,00 · 16,25 · 18,00 (Phường Kỳ Lừa)" in text
    assert "▶ 3. Dịch vụ trực tuyến: 12,50 · 16,00 · 18,50 (Phường Kỳ Lừa)" in text
    assert "Nhóm chỉ số thấp hơn trung bình nhiều nhất: Dịch vụ trực tuyến (thấp hơn 3,50 điểm)." in text
    html = await ask(sessions, world.chair, "/sosanh", fmt="html")
    assert "<b>3. Dịch vụ trực tuyến: 12,50 · 16,00 · 18,50 (Phường Kỳ Lừa)</b>" in html


async def test_a_month_asked_is_the_latest_shown(sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    for typed in ("/sosanh 766 thang 9/2026", "/sosanh 766 tháng 9/2026", "so sanh 766 9/2026"):
        text = await ask(sessions, world.chair, typed)
        assert "Tháng 9/2026: 70,00 điểm" in text, typed
        assert "Tháng 10/2026" not in text, typed


async def _more_months(
    sessions: async_sessionmaker[AsyncSession], months: dict[tuple[int, int], dict[str, str]]
) -> None:
    """766 results of Lạng Sơn's communes (by code) for more (year, month)s."""
    async with sessions() as session:
        service = (await session.execute(select(ScoreIndex).where(ScoreIndex.code == "766"))).scalar_one()
        units = {u.code: u for u in (await session.execute(select(Unit).where(Unit.code.startswith("LS.")))).scalars()}
        for (year, month), scores in months.items():
            for code, score in scores.items():
                await f.index_result(
                    session,
                    service,
                    units[code],
                    year,
                    score,
                    None,
                    period="month",
                    period_number=month,
                    score_places=2,
                )
        await session.commit()


async def test_a_month_only_other_communes_have_is_neither_listed_nor_mixed_into_another(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    await _more_months(
        sessions,
        {
            (2026, 8): {"LS.YT": "60.00", "LS.DD": "61.00", "LS.KL": "62.00"},
            (2026, 7): {"LS.TT": "75.00", "LS.YT": "77.00"},
        },
    )
    text = await ask(sessions, world.chair, "/sosanh")
    assert "Tháng 10/2026: 72,50 điểm" in text and "Tháng 9/2026: 70,00 điểm" in text
    assert "Tháng 8/2026" not in text and "60,00" not in text
    assert "Tháng 7/2026: 75,00 điểm, xếp thứ 2/2, thấp hơn trung bình 1,00 điểm" in text
    assert "Trung bình của các xã, phường (2 đơn vị): 76,00 điểm; cao nhất: Xã Yên Thịnh (77,00 điểm)" in text


async def test_months_across_the_new_year_are_each_against_their_own_month(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    await _more_months(
        sessions,
        {
            (2025, 12): {"LS.TT": "66.00", "LS.YT": "70.00", "LS.KL": "71.00"},
            (2026, 1): {"LS.TT": "68.00", "LS.YT": "64.00"},
            (2026, 2): {"LS.YT": "99.00"},
        },
    )
    text = await ask(sessions, world.chair, "/sosanh 766 thang 1/2026")
    assert "Tháng 1/2026: 68,00 điểm, xếp thứ 1/2, cao hơn trung bình 2,00 điểm" in text
    assert "Tháng 12/2025: 66,00 điểm, xếp thứ 3/3, thấp hơn trung bình 3,00 điểm" in text
    assert "Tháng 10/2026" not in text and "99,00" not in text


async def test_a_year_before_the_merger_shows_the_communes_it_was_formed_from(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(sessions, world.chair, "/sosanh cchc")
    assert "Năm 2024 — Số liệu của các xã trước hợp nhất:" in text
    assert "– Xã Minh Sơn: 82,00 điểm, xếp thứ 2/3, cao hơn trung bình 0,33 điểm" in text
    assert "– Xã Hòa Lạc: 78,00 điểm, xếp thứ 3/3, thấp hơn trung bình 3,67 điểm" in text
    assert "Trung bình của các xã, phường (3 đơn vị): 81,67 điểm; cao nhất: Xã Yên Thịnh (85,00 điểm)" in text


async def test_a_department_against_the_departments_and_on_par_its_province(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(sessions, world.snv, "/sosanh")
    assert "So sánh Chỉ số CCHC: Sở Nội vụ" in text
    assert "Năm 2024: 84,25 điểm, xếp thứ 2/3, bằng trung bình, kém đơn vị cao nhất 4,25 điểm." in text
    assert "Trung bình của các sở, ban, ngành (3 đơn vị): 84,25 điểm" in text
    assert "So sánh PAR INDEX: UBND tỉnh Lạng Sơn" in await ask(sessions, world.snv, "/sosanh par")
    assert "So sánh SIPAS: UBND tỉnh Lạng Sơn" in await ask(sessions, world.yt, "/sosanh sipas")  # as /diem does


async def test_two_provinces_by_name_for_anyone(sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    text = await ask(sessions, world.yt, "/sosanh par Lạng Sơn với Cao Bằng")
    assert "So sánh PAR INDEX: UBND tỉnh Lạng Sơn và UBND tỉnh Cao Bằng" in text
    assert "– Tỉnh Lạng Sơn: 87,04 điểm, xếp thứ 9/34\n– Tỉnh Cao Bằng: 89,63 điểm, xếp thứ 2/34" in text
    assert "Tỉnh Lạng Sơn thấp hơn 2,59 điểm." in text
    assert "1. Công tác chỉ đạo, điều hành: 8,00 · 8,00 (bằng điểm)" in text
    assert "2. Xây dựng và tổ chức thực hiện thể chế: 10,00 · 12,10 (thấp hơn 2,10 điểm)" in text
    percent = await ask(sessions, world.cb_leader, "/sosanh sipas lang son vs cao bang")
    assert "Tỉnh Lạng Sơn cao hơn 3,25 điểm phần trăm." in percent
    assert "82,35%" in percent


async def test_a_leader_compares_two_units_of_the_province(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(sessions, world.leader, "/sosanh Xã Tân Thành voi Phường Kỳ Lừa")
    assert "So sánh Chỉ số 766: UBND xã Tân Thành và UBND phường Kỳ Lừa" in text
    assert "Xã Tân Thành thấp hơn 18,00 điểm." in text
    assert "3. Dịch vụ trực tuyến: 12,50 · 18,50 (thấp hơn 6,00 điểm)" in text
    departments = await ask(sessions, world.leader, "/sosanh Sở Tư pháp với Sở Nội vụ")
    assert "Sở Tư pháp cao hơn 4,25 điểm." in departments


async def test_english(sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    text = await ask(sessions, world.chair, "/sosanh", lang="en")
    assert "Index 766 compared: Tân Thành Commune People's Committee" in text
    assert (
        "October 2026: 72.50 points, ranked 4/4, 9.50 points below the average, 18.00 points behind the best." in text
    )
    assert "Average of the communes and wards (4 units): 82.00 points; best: Kỳ Lừa Ward (90.50 points)" in text
    assert "Group furthest below the average: Online services (3.50 points below)." in text
    two = await ask(sessions, world.yt, "/sosanh par Lạng Sơn với Cao Bằng", lang="en")
    assert "Lạng Sơn Province: 2.59 points lower." in two


@pytest.mark.parametrize(
    ("who", "typed", "template", "said"),
    [
        ("chair", "/sosanh xyz", "errors/compare_unknown_index", "Không có chỉ số hay đơn vị nào là “xyz”."),
        ("chair", "/sosanh Xã Tân Thanhh cchc", "errors/compare_unknown_unit", "Có phải: UBND xã Tân Thành"),
        ("chair", "/sosanh Xã Yên Thịnh", "errors/compare_not_yours", "không so sánh được “Xã Yên Thịnh”"),
        ("leader", "/sosanh Xã Đàm Thủy", "errors/compare_not_yours", "“Xã Đàm Thủy”"),
        ("chair", "/sosanh 766 thang 3/2020", "errors/compare_no_data", "Chưa có kết quả Chỉ số 766 tháng 3/2020"),
        ("chair", "/sosanh 766 2020", "errors/compare_no_data", "Chưa có kết quả Chỉ số 766 năm 2020 của UBND xã Tân"),
        ("leader", "/sosanh Sở Nội vụ 766", "errors/compare_no_data", "Chưa có kết quả Chỉ số 766 của Sở Nội vụ."),
        ("leader", "/sosanh dti", "errors/compare_no_peers", "Chưa có kết quả DTI của các tỉnh, thành phố khác"),
        ("chair", "/sosanh voi Lạng Sơn", "errors/compare_usage", "Chưa rõ yêu cầu so sánh “voi Lạng Sơn”."),
        ("yt", "/sosanh Xã Tân Thành với Phường Kỳ Lừa", "errors/compare_not_yours", "“Xã Tân Thành”"),
    ],
)
async def test_each_error_is_one_line_quoting_the_input(
    sessions: async_sessionmaker[AsyncSession], world: World, who: str, typed: str, template: str, said: str
) -> None:
    official = getattr(world, who)
    _, got = await replies(sessions, official, typed)
    assert [reply.template for reply in got] == [template]
    text = await ask(sessions, official, typed)
    assert said in text
    assert len(text.strip().splitlines()) == 1
    english = await ask(sessions, official, typed, lang="en")
    assert "Traceback" not in english and len(english.strip().splitlines()) == 1


async def test_the_no_data_line_lists_the_periods_there_are(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    text = await ask(sessions, world.chair, "/sosanh 766 thang 3/2020")
    assert "Các kỳ có số liệu: tháng 10/2026, tháng 9/2026." in text


async def test_in_a_group_too(sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    chat = f"u{world.leader.id}"
    _, got = await router(sessions).handle(Incoming("console", "group-1", chat, "/sosanh", is_group=True))
    assert got[0].template == "compare/one"


async def test_on_the_demo(demo: Router) -> None:
    chair = await demo_ask(demo, "chair", "/sosanh")
    assert "So sánh Chỉ số 766: UBND xã Tuấn Sơn" in chair
    assert "Trung bình của các xã, phường (65 đơn vị)" in chair
    assert "Nhóm chỉ số thấp hơn trung bình nhiều nhất:" in chair
    head = await demo_ask(demo, "head", "/sosanh")
    assert "So sánh Chỉ số CCHC: Sở Tư pháp" in head
    assert "Năm 2023: 84,20 điểm, xếp thứ 9/14" in head
    assert "Trung bình của các sở, ban, ngành (14 đơn vị)" in head
    merged = await demo_ask(demo, "chair", "/sosanh cchc")
    assert "Năm 2024 — Số liệu của các xã trước hợp nhất:" in merged
    leader = await demo_ask(demo, "leader", "/sosanh par")  # the demo stores Lạng Sơn's PAR INDEX alone
    assert leader.startswith("Chưa có kết quả PAR INDEX của các tỉnh, thành phố khác")
    two = await demo_ask(demo, "leader", "/sosanh Sở Tư pháp với Sở Nội vụ 2022")
    assert "Sở Tư pháp cao hơn 3,04 điểm." in two


async def test_the_chart_draws_the_groups_or_the_periods(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    _, got = await replies(sessions, world.chair, "/sosanh")
    spec = got[0].chart
    assert spec is not None and spec["kind"] == "compare" and spec["index"] == "766"
    assert (spec["year"], spec["period"], spec["number"]) == (2026, "month", 10)
    async with sessions() as session:
        bars = await compare_bars(session, "766", 2026, "month", 10, int(spec["unit_id"]))
        lines = await compare_bars(session, "766", 2026, "month", 9, int(spec["unit_id"]))
    assert bars is not None and bars.fields
    group = bars.points[2]  # Dịch vụ trực tuyến: 12,50 against 16,00 and the best 18,50
    assert (group.mine, group.average, group.best) == (Decimal("12.50"), Decimal("16.00"), Decimal("18.50"))
    assert lines is not None and not lines.fields  # September has no groups: the month as a line point
    assert [(p.mine, p.average) for p in lines.points] == [(Decimal("70.00"), Decimal("81.00"))]
    charts = Charts(sessions, FrozenClock(at=NOW), Renderer())
    _, par = await replies(sessions, world.leader, "/sosanh par 2023")  # no fields in 2023: lines
    for lang in ("vi", "en"):
        for drawn in (spec, par[0].chart or {}):
            png = await charts.draw(lang, drawn)
            assert png is not None and png.startswith(b"\x89PNG")


async def test_a_chart_button_of_a_unit_the_sender_may_not_compare_is_refused(
    sessions: async_sessionmaker[AsyncSession], world: World
) -> None:
    _, own = await replies(sessions, world.chair, "/sosanh")
    line = chart_line(own[0].chart or {})
    assert line is not None
    chat = f"u{world.chair.id}"
    _, drawn = await router(sessions).handle(Incoming("console", chat, chat, callback=line))
    assert drawn[0].chart_now
    chat = f"u{world.yt.id}"  # another commune's officer pressing Tân Thành's
    _, forged = await router(sessions).handle(Incoming("console", chat, chat, callback=line))
    assert forged[0].template == "telegram/button_expired"
    chat = f"u{world.cb_leader.id}"  # another province's leader: not a unit of theirs either
    _, elsewhere = await router(sessions).handle(Incoming("console", chat, chat, callback=line))
    assert elsewhere[0].template == "telegram/button_expired"
    _, province = await replies(sessions, world.leader, "/sosanh")
    _, national = await router(sessions).handle(
        Incoming("console", chat, chat, callback=chart_line(province[0].chart or {}))
    )
    assert national[0].chart_now  # a province's chart is anyone's, as its comparison is
