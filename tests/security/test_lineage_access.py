"""Lineage opens one's own unit's past and nothing else (issue 12): on the reform province of
``tests/handlers/_history_fixtures.py``, with a second province beside it,

- each new commune's official opens the 2023 task details assigned to their own unit's predecessors, and
  no other (another commune's predecessors stay closed, whatever the task number typed);
- /diem of a year before the reform lists their own predecessors only;
- a predecessor's evidence opens to its successor's officials only;
- a leader of another province asking about a commune gets its public ranking, never its predecessors.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import HandlerConfig
from handlers.router import Router
from models import FrozenClock, ProgressReport, Role, UnitKind
from tests import factories as f
from tests.handlers._history_fixtures import NOW, build_reform
from tests.handlers.conftest import Bot

MARK = "Số liệu của các xã trước hợp nhất"
# the 2023 tasks each new commune's past holds (task 4: Hòa Thắng lead, Minh Sơn cooperating)
OWN_PAST = {"ts": {1, 2, 4}, "vn": {3}, "kk": set()}
PREDECESSORS = {"ts": {"Minh Sơn", "Minh Hòa", "Hòa Thắng"}, "vn": {"Yên Thịnh"}, "kk": {"Khánh Khê"}}
OLD_COMMUNES = {"Minh Sơn", "Minh Hòa", "Hòa Thắng", "Yên Thịnh", "Khánh Khê", "Tràng Các"}


async def _bot(sessions: async_sessionmaker[AsyncSession]) -> Bot:
    async with sessions() as session:
        await build_reform(session)
        elsewhere = await f.unit(session, "19", UnitKind.PROVINCE, name="Tỉnh Thái Nguyên")
        await f.official(session, elsewhere, Role.LEADER, name="Lãnh đạo Thái Nguyên", external_id="tn")
        await session.commit()
    return Bot(Router(sessions, clock=FrozenClock(at=NOW), settings=HandlerConfig()))


async def test_each_commune_opens_its_own_predecessors_tasks_and_no_others(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bot = await _bot(sessions)
    for who, own in OWN_PAST.items():
        for number in (1, 2, 3, 4):
            text = await bot.ask(f"/nhiemvu 2023 {number}", as_=who)
            opened = f"Nhiệm vụ số {number} – Kế hoạch CCHC năm 2023" in text
            assert opened == (number in own), (who, number, text)
        listed = await bot.ask("/nhiemvu 2023", as_=who)
        shown = {name for name in OLD_COMMUNES if f"UBND xã {name}, huyện" in listed}
        assert shown == (PREDECESSORS[who] & {"Minh Sơn", "Minh Hòa", "Hòa Thắng", "Yên Thịnh"}), (who, listed)


async def test_diem_before_the_reform_lists_only_ones_own_predecessors(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bot = await _bot(sessions)
    for who, mine in PREDECESSORS.items():
        text = await bot.ask("/diem 2024", as_=who)
        shown = {name for name in OLD_COMMUNES if f"UBND xã {name}, huyện" in text}
        assert shown == mine, (who, text)


async def test_a_predecessors_evidence_opens_to_its_successors_officials_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bot = await _bot(sessions)
    async with sessions() as session:
        report = (await session.execute(select(ProgressReport.id))).scalar_one()
    for who in ("ts", "vn", "kk", "tn"):
        text = await bot.ask(f"/minhchung {report}", as_=who)
        assert ("Minh chứng nhiệm vụ số 4" in text) == (who == "ts"), (who, text)


async def test_another_provinces_leader_gets_the_public_ranking_without_the_lineage(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bot = await _bot(sessions)
    text = await bot.ask("/diem 2025 Xã Tuấn Sơn", as_="tn")
    assert "Chỉ số CCHC 2025: 86,20 điểm, xếp thứ 12/65" in text
    assert MARK not in text and "Minh Sơn" not in text
    assert MARK in await bot.ask("/diem 2024 Xã Tuấn Sơn", as_="leader")  # the province's own leader
