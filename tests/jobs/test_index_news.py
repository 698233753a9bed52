"""A month of the 766 index arrives: who is told (fell, among the province's lowest) and who is not (rose),
the group named, the tasks listed from the plan's fields for that group, once per month whatever is re-run or
re-imported; and the movers in the leaders' Friday digest. On a hand-built province with two months, and on
the demo (six months of 65 communes)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import Reply
from jobs.digests import leader_digest_pushes
from jobs.dispatcher import Dispatcher
from jobs.index_news import index_month_pushes
from jobs.kinds import PushRules
from jobs.outbox import Push, enqueue
from jobs.scheduler import run_job
from models import (
    DEFAULT_TZ,
    ComponentResult,
    FrozenClock,
    IndexResult,
    Official,
    OutboxMessage,
    Role,
    Unit,
    UnitKind,
)
from models.demo import load_demo
from models.indices import PERIOD_MONTH, IndexComponent, ScoreIndex
from models.quiet import QuietHours
from models.standard_indices import ensure_indices
from tests import factories as f
from tests.handlers._demo_support import NOW as DEMO_DAY
from tests.jobs.support import Recorder

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=DEFAULT_TZ)  # a Monday; October's results are in
RULES = PushRules()
SEP, OCT, NOV = (2026, 9), (2026, 10), (2026, 11)
# the five groups (maxima 18, 20, 22, 18, 22) in September and October; the total is their sum
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "C1": (["17", "19", "21", "17", "20"], ["17", "19", "21", "17", "21"]),  # 94 → 95: rose, first
    "C2": (["16", "18", "20", "16", "20"], ["16", "18", "20", "16", "17"]),  # 90 → 87: fell, số hóa hồ sơ −3
    "C3": (["16", "18", "19", "16", "19"], ["16", "18", "20", "16", "19"]),  # 88 → 89: rose
    "C4": (["16", "17", "19", "16", "17"], ["16", "17", "19", "16", "18"]),  # 85 → 86: rose
    "C5": (["15", "17", "19", "16", "17"], ["15", "17", "19", "16", "17.5"]),  # 84 → 84,5: rose, 5 below it
    "C6": (["14", "15", "16", "14", "16"], ["15", "16", "17", "15", "17"]),  # 75 → 80: rose, but 4 below it
    "C7": (["14", "16", "16", "15", "18"], ["14", "16", "16", "13", "19"]),  # 79 → 78: fell, hài lòng −2
    "C8": (["13", "15", "15", "13", "14"], ["13", "15", "15", "13", "14"]),  # 70 → 70: unchanged, bottom
    "C9": (["12", "12", "12", "12", "12"], ["13", "13", "13", "13", "13"]),  # 60 → 65: only an officer
    "C10": (["13", "13", "12", "12", "12"], ["12", "12", "12", "12", "12"]),  # 62 → 60: nobody to tell
    "D1": (["17", "17", "18", "16", "17"], ["17", "17", "19", "16", "17"]),  # 85 → 86: rose
    "D2": (["16", "16", "17", "15", "16"], ["16", "15", "17", "15", "16"]),  # 80 → 79: fell, tiến độ −1
    "D3": (["12", "12", "12", "12", "12"], ["13", "13", "13", "13", "13"]),  # 60 → 65: last of 3 departments
}


class Province:
    def __init__(self, units: dict[str, Unit], people: dict[str, int], index: ScoreIndex) -> None:
        self.units, self.people, self.index = units, people, index

    def unit(self, key: str) -> int:
        return self.units[key].id


async def month_result(
    session: AsyncSession, index: ScoreIndex, unit_id: int, month: tuple[int, int], groups: list[str]
) -> None:
    """A unit's result for a month with its five groups (two decimals, as the portal publishes); the total
    is their sum."""
    components = {
        c.number: c.id
        for c in (await session.execute(select(IndexComponent).where(IndexComponent.index_id == index.id))).scalars()
    }
    values = [Decimal(s) for s in groups]
    result = IndexResult(
        index_id=index.id,
        unit_id=unit_id,
        year=month[0],
        period=PERIOD_MONTH,
        period_number=month[1],
        score=sum(values, Decimal(0)),
        score_places=2,
    )
    session.add(result)
    await session.flush()
    for number, value in enumerate(values, start=1):
        session.add(ComponentResult(result_id=result.id, component_id=components[number], score=value, score_places=2))
    await session.flush()


async def add_month(session: AsyncSession, p: Province, month: tuple[int, int], groups: dict[str, list[str]]) -> None:
    for code, scores in groups.items():
        await month_result(session, p.index, p.unit(code), month, scores)


async def remove_month(session: AsyncSession, p: Province, month: tuple[int, int]) -> None:
    ids = select(IndexResult.id).where(IndexResult.year == month[0], IndexResult.period_number == month[1])
    await session.execute(delete(ComponentResult).where(ComponentResult.result_id.in_(ids)))
    await session.execute(
        delete(IndexResult).where(IndexResult.year == month[0], IndexResult.period_number == month[1])
    )


async def build(session: AsyncSession) -> Province:
    """Tỉnh Thái Nguyên with ten communes (C1-C10) and three departments (D1-D3); a head in each, except C9
    (an officer only) and C10 (nobody); C2 also has an officer and a head who turned pushes off, C6 an officer;
    a leader."""
    index = (await ensure_indices(session))["766"]
    tn = await f.unit(session, "TN", UnitKind.PROVINCE, name="Tỉnh Thái Nguyên")
    units = {"TN": tn}
    for n in range(1, 11):
        units[f"C{n}"] = await f.unit(session, f"C{n}", UnitKind.COMMUNE, tn, name=f"Xã Số {n}")
    for n in range(1, 4):
        units[f"D{n}"] = await f.unit(session, f"D{n}", UnitKind.DEPARTMENT, tn, name=f"Sở Số {n}")
    people = {"leader": (await f.official(session, tn, Role.LEADER, name="Lãnh đạo tỉnh")).id}
    for code in [*(f"C{n}" for n in range(1, 9)), "D1", "D2", "D3"]:
        people[f"h:{code}"] = (await f.official(session, units[code], Role.UNIT_HEAD, name=f"Thủ trưởng {code}")).id
    people["o:C2"] = (await f.official(session, units["C2"], name="Cán bộ C2")).id
    quiet = await f.official(session, units["C2"], Role.UNIT_HEAD, name="Phó chủ tịch C2")
    quiet.push_opt_out = True
    people["quiet"] = quiet.id
    people["o:C6"] = (await f.official(session, units["C6"], name="Cán bộ C6")).id
    people["o:C9"] = (await f.official(session, units["C9"], name="Cán bộ C9", language="en")).id
    plan = await f.plan(session, 2026)
    c2, c6, c7, d2 = units["C2"], units["C6"], units["C7"], units["D2"]
    tasks = [  # (number, due, unit, field, progress, content)
        (1, date(2026, 12, 15), c2, 7, 20, "Số hóa hồ sơ đất đai"),
        (2, date(2026, 11, 30), c2, 7, 0, "Số hóa kết quả giải quyết thủ tục hành chính"),
        (3, date(2026, 11, 1), c2, 7, 100, "Số hóa hồ sơ hộ tịch"),
        (4, date(2026, 11, 20), c2, 3, 0, "Niêm yết thủ tục hành chính"),
        (5, date(2026, 12, 20), c2, 7, 0, "Tập huấn số hóa"),
        (6, date(2026, 12, 31), c2, 7, 0, "Kiểm tra số hóa"),
        (7, date(2026, 12, 1), c7, 1, 0, "Ban hành kế hoạch CCHC"),
        (8, date(2026, 12, 10), c6, 7, 0, "Dịch vụ công trực tuyến toàn trình"),
        (9, date(2026, 12, 31), d2, 3, 0, "Rút ngắn thời gian giải quyết hồ sơ"),
    ]
    for number, due, unit, field, progress, content in tasks:
        done = date(2026, 10, 30) if progress == 100 else None
        await f.task(
            session, plan, number, due, unit, field=field, progress=progress, completed_on=done, content=content
        )
    p = Province(units, people, index)
    await add_month(session, p, SEP, {code: g[0] for code, g in GROUPS.items()})
    await add_month(session, p, OCT, {code: g[1] for code, g in GROUPS.items()})
    await session.commit()
    return p


@pytest.fixture
async def tn(session: AsyncSession) -> Province:
    return await build(session)


async def pushes(session: AsyncSession, at: datetime = NOW) -> list[Push]:
    return list(await index_month_pushes(session, at, RULES))


def by_unit(found: list[Push]) -> dict[int, Push]:
    return {int(p.dedupe_key.split(":unit ")[1].split(":")[0]): p for p in found}


def rendered(push: Push, lang: str = "vi") -> str:
    """The push as its official reads it, from the JSON the outbox keeps."""
    return Renderer().render(lang, Reply(f"push/{push.kind}", json.loads(json.dumps(push.context))), "text")


async def test_units_that_fell_or_are_among_the_lowest_are_told_and_those_that_rose_are_not(
    session: AsyncSession, tn: Province
) -> None:
    found = await pushes(session)
    told = {tn.units[code].id: code for code in GROUPS}
    assert sorted(told[u] for u in by_unit(found)) == sorted(["C2", "C6", "C7", "C8", "C9", "D2", "D3"])
    assert {p.official_id for p in found} == {tn.people[k] for k in ("h:C2", "h:C6", "h:C7", "h:C8", "o:C9")} | {
        tn.people["h:D2"],
        tn.people["h:D3"],
    }  # the heads; C9 has none, so its officer; C2's officer and the head who opted out are not told
    assert all(p.kind == "index_month" and not p.urgent for p in found)  # optional, held in quiet hours
    c2 = by_unit(found)[tn.unit("C2")]
    assert (
        c2.dedupe_key
        == f"index_month:766:2026-10:province {tn.unit('TN')}:local:unit {tn.unit('C2')}:official {tn.people['h:C2']}"
    )
    ctx = c2.context
    assert (ctx["score"], ctx["rank"], ctx["total"], ctx["fell"], ctx["bottom"]) == ("87.00", 3, 10, True, False)
    assert ctx["change"] == {"amount": "3.00", "dir": "down", "places": -1, "digits": 2}
    c6 = by_unit(found)[tn.unit("C6")].context
    assert (c6["rank"], c6["fell"], c6["bottom"], c6["bottom_of"]) == (6, False, True, 5)
    d3 = by_unit(found)[tn.unit("D3")].context  # of three departments only the last is "at the bottom"
    assert (d3["rank"], d3["total"], d3["bottom"], d3["bottom_of"], d3["peers"]) == (3, 3, True, 1, "bodies")


async def test_a_head_who_turned_pushes_off_is_not_replaced_by_the_units_officers(
    session: AsyncSession, tn: Province
) -> None:
    head = await session.get(Official, tn.people["h:C6"])
    assert head is not None
    head.push_opt_out = True
    await session.flush()
    assert tn.unit("C6") not in by_unit(await pushes(session))  # neither the head nor the officer o:C6


async def test_the_group_that_fell_most_and_the_units_open_tasks_on_it(session: AsyncSession, tn: Province) -> None:
    found = by_unit(await pushes(session))
    c2 = found[tn.unit("C2")].context
    assert (c2["group"]["number"], c2["group"]["fell"], c2["group"]["amount"]) == (5, True, "3.00")
    # số hóa hồ sơ → field 7: the open ones, earliest due first (the done one and the field-3 one are not listed)
    assert [t["number"] for t in c2["tasks"]] == [2, 1, 5] and c2["task_count"] == 4 and c2["in_area"]
    c7 = found[tn.unit("C7")].context  # mức độ hài lòng → fields 3 and 8: C7 has none, so its tasks due soonest
    assert c7["group"]["number"] == 4 and [t["number"] for t in c7["tasks"]] == [7] and not c7["in_area"]
    c6 = found[tn.unit("C6")].context  # nothing fell: the group furthest below its maximum (22 − 17)
    assert (c6["group"]["number"], c6["group"]["fell"], c6["group"]["amount"]) == (3, False, "5.00")
    assert [t["number"] for t in c6["tasks"]] == [8] and c6["in_area"]
    assert found[tn.unit("C8")].context["tasks"] == []


async def test_the_push_reads_as_an_official_writes_in_both_languages(session: AsyncSession, tn: Province) -> None:
    found = by_unit(await pushes(session))
    assert rendered(found[tn.unit("C2")]).splitlines() == [
        "📉 Chỉ số 766, tháng 10/2026",
        "Kết quả của đơn vị: 87,00/100 điểm, xếp thứ 3/10 trong các xã, phường của tỉnh. "
        "So với tháng 9/2026: giảm 1 bậc, giảm 3,00 điểm.",
        "Nhóm giảm nhiều nhất: Số hóa hồ sơ (17,00/22 điểm, giảm 3,00 điểm).",
        "Đơn vị còn 4 nhiệm vụ chưa hoàn thành liên quan đến nhóm này, hạn sớm nhất:",
        "• Nhiệm vụ số 2: Số hóa kết quả giải quyết thủ tục hành chính (hạn 30/11/2026)",
        "• Nhiệm vụ số 1: Số hóa hồ sơ đất đai (hạn 15/12/2026)",
        "• Nhiệm vụ số 5: Tập huấn số hóa (hạn 20/12/2026)",
        "Đề nghị đồng chí cập nhật tiến độ: /capnhat 2",
    ]
    c6 = rendered(found[tn.unit("C6")])
    assert c6.startswith("📊 Chỉ số 766, tháng 10/2026\n")  # it rose: no falling arrow
    assert "So với tháng 9/2026: tăng 1 bậc, tăng 5,00 điểm." in c6
    assert "Đơn vị thuộc nhóm 5 xã, phường có điểm thấp nhất tỉnh." in c6
    assert (
        "Nhóm còn thiếu nhiều điểm nhất: Dịch vụ trực tuyến (17,00/22 điểm, thiếu 5,00 điểm so với điểm tối đa)." in c6
    )
    c8 = rendered(found[tn.unit("C8")])
    assert "điểm số giữ nguyên" in c8 and c8.endswith("Đề nghị đồng chí xem chi tiết các nhóm chỉ số: /diem 766")
    assert "Đơn vị có điểm thấp nhất trong các sở, ban, ngành của tỉnh." in rendered(found[tn.unit("D3")])
    english = rendered(found[tn.unit("C7")], "en")
    assert "Your unit's result: 78.00/100 points, ranked 7/10 among the province's communes and wards." in english
    assert "Compared with September 2026: down 1 place, down 1.00 points." in english
    assert "Group that fell most: Satisfaction (13.00/18 points, down 2.00 points)." in english
    assert "Your unit has no task left on this group; 1 other task not done, earliest due:" in english
    assert "Task no. 7: Ban hành kế hoạch CCHC (due 01/12/2026)" in english


async def test_a_month_is_told_once_whatever_is_run_or_imported_again(session: AsyncSession, tn: Province) -> None:
    assert await enqueue(session, await pushes(session)) == 7
    assert await pushes(session) == []  # a re-run (or another process) finds the month told
    await remove_month(session, tn, OCT)  # the same table imported again
    await add_month(session, tn, OCT, {code: g[1] for code, g in GROUPS.items()})
    assert await pushes(session) == []
    await remove_month(session, tn, OCT)  # a correction: C3 now fell, C6 rose more
    corrected = {code: g[1] for code, g in GROUPS.items()} | {"C3": ["16", "18", "19", "16", "17"]}
    await add_month(session, tn, OCT, corrected)
    assert await pushes(session) == []
    later = NOW + timedelta(days=30)  # November arrives: C3 (87 → 80) is told, C2 again only if it fell or is low
    await add_month(session, tn, NOV, corrected | {"C3": ["14", "16", "16", "16", "18"]})
    told = by_unit(await pushes(session, later))
    assert tn.unit("C3") in told and told[tn.unit("C3")].context["month"] == 11
    assert tn.unit("C1") not in told and tn.unit("C2") not in told  # unchanged and not low: nothing


async def test_the_departments_table_arriving_after_the_communes_is_told_too(
    session: AsyncSession, tn: Province
) -> None:
    departments = [tn.unit(code) for code in ("D1", "D2", "D3")]
    october = (IndexResult.year == 2026) & (IndexResult.period_number == 10) & IndexResult.unit_id.in_(departments)
    await session.execute(
        delete(ComponentResult).where(ComponentResult.result_id.in_(select(IndexResult.id).where(october)))
    )
    await session.execute(delete(IndexResult).where(october))
    assert await enqueue(session, await pushes(session)) == 5  # the communes' table alone
    await add_month(session, tn, OCT, {code: GROUPS[code][1] for code in ("D1", "D2", "D3")})
    told = by_unit(await pushes(session))
    assert set(told) == {tn.unit("D2"), tn.unit("D3")}  # the departments' month is news for them


async def test_only_the_latest_month_and_not_an_old_one(session: AsyncSession, tn: Province) -> None:
    assert await pushes(session, datetime(2027, 3, 1, 9, 0, tzinfo=DEFAULT_TZ)) == []  # October is history by then
    await remove_month(session, tn, OCT)
    told = await pushes(session)
    assert {p.context["month"] for p in told} == {9}  # September, the latest; no previous month: no change
    assert all(p.context["previous"] is None and not p.context["fell"] for p in told)


async def test_quiet_hours_and_weekends_hold_the_push(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, tn: Province
) -> None:
    saturday = datetime(2026, 11, 21, 9, 0, tzinfo=DEFAULT_TZ)
    clock = FrozenClock(at=saturday)
    assert await run_job("index_news", sessions, clock, RULES) == 7
    assert await run_job("index_news", sessions, clock, RULES) == 0
    sender = Recorder()
    await Dispatcher(sessions, sender, clock=clock, quiet=QuietHours()).drain_all()
    assert sender.sent == []
    async with sessions() as s:
        waits = set((await s.execute(select(OutboxMessage.not_before))).scalars())
    assert waits == {datetime(2026, 11, 23, 7, 0, tzinfo=DEFAULT_TZ)}  # Monday morning


async def test_the_leaders_digest_names_the_months_movers_once(session: AsyncSession, tn: Province) -> None:
    friday = datetime(2026, 11, 20, 16, 0, tzinfo=DEFAULT_TZ)
    (digest,) = await leader_digest_pushes(session, friday, RULES)
    movers = digest.context["movers"]
    assert (movers["year"], movers["month"], movers["previous"]) == (2026, 10, [2026, 9])
    names = {u.id: code for code, u in tn.units.items()}
    assert [names[u["unit"]["id"]] for u in movers["rose"]] == ["C6", "C9", "D3"]  # +5 each
    assert [names[u["unit"]["id"]] for u in movers["fell"]] == ["C2", "C10", "C7"]  # −3, −2, −1
    assert (movers["low"], movers["total"]) == (3, 13)  # C9, C10, D3 below 70
    text = rendered(digest)
    assert "Chỉ số 766, tháng 10/2026\n" in text
    assert "Tăng nhiều nhất: Xã Số 6 (tăng 1 bậc, tăng 5,00 điểm); Xã Số 9 (tăng 1 bậc, tăng 5,00 điểm);" in text
    assert "Giảm nhiều nhất: Xã Số 2 (giảm 1 bậc, giảm 3,00 điểm);" in text
    assert "Dưới 70 điểm: 3/13 cơ quan, đơn vị." in text
    assert "Below 70 points: 3/13 agencies and units." in rendered(digest, "en")
    await enqueue(session, [digest])
    (next_week,) = await leader_digest_pushes(session, friday + timedelta(days=7), RULES)
    assert next_week.context["movers"] is None and "Chỉ số 766" not in rendered(next_week)
    await enqueue(session, [next_week])
    await add_month(session, tn, NOV, {code: g[1] for code, g in GROUPS.items()})
    (third,) = await leader_digest_pushes(session, friday + timedelta(days=14), RULES)
    assert third.context["movers"]["month"] == 11


@pytest.fixture
async def demo(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    async with sessions() as session:
        await load_demo(session, FrozenClock(at=DEMO_DAY))
        await session.commit()
    return sessions


async def _demo_month(session: AsyncSession, month: int) -> dict[int, Decimal]:
    rows = await session.execute(
        select(IndexResult.unit_id, IndexResult.score)
        .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
        .where(ScoreIndex.code == "766", IndexResult.year == 2026, IndexResult.period_number == month)
    )
    return {unit_id: score for unit_id, score in rows}


async def test_on_the_demo_february_is_told_to_the_communes_that_fell_or_are_lowest(
    demo: async_sessionmaker[AsyncSession],
) -> None:
    async with demo() as session:
        feb, jan = await _demo_month(session, 2), await _demo_month(session, 1)
        assert len(feb) == 65
        lowest = sorted(feb.values())[4]
        expected = {u for u, score in feb.items() if score <= lowest or (u in jan and score < jan[u])}
        found = await pushes(session, DEMO_DAY)
        told = set(by_unit(found))
        assert told and told <= expected  # only units with someone to tell: the demo accounts' communes
        assert all(p.context["month"] == 2 and p.context["previous"] == [2026, 1] for p in found)
        risen = {u for u, score in feb.items() if u in jan and score > jan[u] and score > lowest}
        assert not told & risen
        for p in found:
            assert "tháng 2/2026" in rendered(p) and "February 2026" in rendered(p, "en")
        (digest,) = await leader_digest_pushes(session, DEMO_DAY, RULES)
        movers = digest.context["movers"]
        assert len(movers["rose"]) == len(movers["fell"]) == 3
        assert movers["low"] == sum(1 for score in feb.values() if score < 70) and movers["total"] == 65
