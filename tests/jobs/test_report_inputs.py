"""The periodic report's pushes: each unit that owes inputs is asked on the ask day (its head; its officials
when it has none) and reminded once on the remind day if it has given nothing; keys per period, unit and
official, so a re-run queues nothing again. The province of conftest.py, June 2024 (the 6-month report,
due 20/06/2024); then the demo (quý I/2026)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import Renderer
from handlers.base import Reply
from jobs.kinds import MANDATORY, REPORT_ASK, REPORT_REMIND, PushRules
from jobs.outbox import enqueue
from jobs.report_inputs import day_reached, report_input_pushes
from models import DEFAULT_TZ, FrozenClock
from models.demo import load_demo
from models.queries.report_inputs import owing_units, save_input
from models.settings import ReportsConfig, ScheduleConfig
from tests.jobs.conftest import SETTINGS, World


def at(day: int, month: int = 6, year: int = 2024) -> datetime:
    return datetime(year, month, day, 8, 45, tzinfo=DEFAULT_TZ)


def test_a_day_is_reached_on_it_and_up_to_the_catch_up_days_after_never_after_the_due_date() -> None:
    assert day_reached(date(2024, 6, 10), date(2024, 6, 10), date(2024, 6, 20), 0)
    assert not day_reached(date(2024, 6, 11), date(2024, 6, 10), date(2024, 6, 20), 0)
    assert day_reached(date(2024, 6, 11), date(2024, 6, 10), date(2024, 6, 20), 1)
    assert not day_reached(date(2024, 6, 9), date(2024, 6, 10), date(2024, 6, 20), 1)
    assert not day_reached(date(2024, 6, 21), date(2024, 6, 20), date(2024, 6, 20), 3)


async def test_on_the_ask_day_each_owing_unit_head_is_asked_once(session: AsyncSession, world: World) -> None:
    assert list(await report_input_pushes(session, at(9), SETTINGS)) == []
    pushes = list(await report_input_pushes(session, at(10), SETTINGS))
    assert {p.kind for p in pushes} == {REPORT_ASK} and REPORT_ASK in MANDATORY
    # heads of HL and MS; YT and SNV have no head: their active officials (never the inactive one)
    assert sorted(p.official_id for p in pushes) == sorted(world.who("hl", "msh", "yt", "admin"))
    msh = next(p for p in pushes if p.official_id == world.people["msh"])
    assert msh.dedupe_key == f"report_ask:2024-H1:unit {world.units['MS']}:official {world.people['msh']}"
    assert msh.context["period"] == {"key": "2024-H1", "year": 2024, "kind": "half", "number": 1}
    assert msh.context["due"] == "2024-06-20" and msh.context["unit"]["name"] == "Xã Minh Sơn"
    assert await enqueue(session, pushes) == 4
    again = await report_input_pushes(session, at(10), PushRules(schedule=ScheduleConfig(catch_up_days=1)))
    assert await enqueue(session, again) == 0  # the same keys: nothing twice
    assert list(await report_input_pushes(session, at(12), SETTINGS)) == []


async def test_on_the_remind_day_only_units_that_gave_nothing_are_reminded(session: AsyncSession, world: World) -> None:
    await save_input(session, world.units["MS"], "2024-H1", "issues", "Thiếu máy", by_id=world.people["ms"], now=at(12))
    pushes = list(await report_input_pushes(session, at(15), SETTINGS))
    assert {p.kind for p in pushes} == {REPORT_REMIND}
    assert sorted(p.official_id for p in pushes) == sorted(world.who("hl", "yt", "admin"))
    hl = next(p for p in pushes if p.official_id == world.people["hl"])
    assert hl.context["days_left"] == 5
    text = Renderer().render("vi", Reply("push/report_remind", hl.context), "text")
    assert "Báo cáo CCHC 6 tháng đầu năm 2024" in text and "hết ngày 20/06/2024 (còn 5 ngày)" in text
    assert "/ykienbaocao" in text
    english = Renderer().render("en", Reply("push/report_remind", hl.context), "text")
    assert "due by 20/06/2024 (5 days left)" in english


async def test_the_days_come_from_the_reports_settings(session: AsyncSession, world: World) -> None:
    rules = PushRules(schedule=ScheduleConfig(catch_up_days=0), reports=ReportsConfig(ask_day=3, remind_day=3))
    pushes = list(await report_input_pushes(session, at(3), rules))
    assert {p.kind for p in pushes} == {REPORT_ASK, REPORT_REMIND}  # the same day: both, once each
    assert list(await report_input_pushes(session, at(10), rules)) == []
    ask = next(p for p in pushes if p.kind == REPORT_ASK)
    text = Renderer().render("vi", Reply("push/report_ask", ask.context), "text")
    assert "đến hết ngày 20/06/2024" in text and text.count("/ykienbaocao") == 1


async def test_on_the_demo_every_department_and_commune_is_asked_for_the_first_quarter(
    session: AsyncSession,
) -> None:
    await load_demo(session, FrozenClock(at=at(10, 3, 2026)))
    owing = await owing_units(session, date(2026, 3, 10))
    pushes = list(await report_input_pushes(session, at(10, 3, 2026), SETTINGS))
    assert {p.context["period"]["key"] for p in pushes} == {"2026-Q1"}
    told = {p.context["unit"]["id"] for p in pushes}
    assert told <= {u.id for u in owing} and len(told) >= 2
    assert {u.kind for u in owing} <= {"department", "commune", "ward"}  # no districts since 1/7/2025
