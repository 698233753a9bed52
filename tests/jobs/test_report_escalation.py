"""The periodic report's pushes around its due date (issue 17, point 3), on the province of conftest.py and
the 6-month report of 2024 (due 20/06/2024; owing: SNV, HL, MS, YT): the secretariat told who is missing
on [reports].secretariat_day; after the due date a unit that gave nothing is told on its notice days and
escalated once to its parent's heads and the secretariat, like an overdue task; and the outbox's promise
with a fixed clock — a re-run queues nothing twice, a day missed while the bot was down is sent late."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import config as configuration
from bot.config import ConfigError
from bot.render import Renderer
from handlers.base import Reply
from jobs import report_inputs
from jobs.due import due_pushes
from jobs.kinds import MANDATORY, REPORT_ESCALATION, REPORT_OVERDUE, REPORT_STATUS, PushRules
from jobs.outbox import Push, enqueue
from models import DEFAULT_TZ
from models.queries.report_inputs import save_input
from models.settings import ReportsConfig, ScheduleConfig
from tests.jobs.conftest import SETTINGS, World

CATCH_UP = PushRules(schedule=ScheduleConfig(catch_up_days=1))


def at(day: int, month: int = 6) -> datetime:
    return datetime(2024, month, day, 8, 45, tzinfo=DEFAULT_TZ)


def render(push: Push, lang: str = "vi") -> str:
    return Renderer().render(lang, Reply(push.template, push.context), "text")


async def answer(session: AsyncSession, world: World, unit: str, day: int, month: int = 6) -> None:
    await save_input(
        session, world.units[unit], "2024-H1", "issues", "Thiếu máy", by_id=world.people["ms"], now=at(day, month)
    )


async def test_the_secretariat_is_told_before_the_due_date_who_has_answered_and_who_has_not(
    session: AsyncSession, world: World
) -> None:
    await answer(session, world, "MS", 12)
    assert list(await report_inputs.report_input_pushes(session, at(16), SETTINGS)) == []
    pushes = list(await report_inputs.report_input_pushes(session, at(17), SETTINGS))
    assert {p.kind for p in pushes} == {REPORT_STATUS} and REPORT_STATUS in MANDATORY
    assert [p.official_id for p in pushes] == [world.people["admin"]]  # the province's admins, no one else
    (push,) = pushes
    assert push.dedupe_key == f"report_status:2024-H1:province {world.units['LS']}:official {world.people['admin']}"
    assert (push.context["answered"], push.context["total"], push.context["more"]) == (1, 4, 0)
    text = render(push)
    assert "Báo cáo CCHC 6 tháng đầu năm 2024" in text
    assert "Hạn báo cáo ngày 20/06/2024 (còn 3 ngày). Đã có 1/4 đơn vị gửi ý kiến." in text
    assert "Còn thiếu: Huyện Hữu Lũng, Sở Nội vụ, Xã Yên Thịnh." in text
    assert "/tinhhinhbaocao" in text and "Lấy bản dự thảo báo cáo: /baocao" in text
    english = render(push, "en")
    assert "The report is due on 20/06/2024 (3 days left). 1/4 units have sent their inputs." in english
    assert "Still missing: Hữu Lũng District, Sở Nội vụ, Yên Thịnh Commune." in english


async def test_a_long_list_of_missing_units_names_the_first_and_counts_the_rest(
    session: AsyncSession, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_inputs, "LISTED_UNITS", 2)
    (push,) = list(await report_inputs.report_input_pushes(session, at(17), SETTINGS))
    assert "Còn thiếu: Huyện Hữu Lũng, Sở Nội vụ và 2 đơn vị khác." in render(push)
    assert "Still missing: Hữu Lũng District, Sở Nội vụ and 2 other units." in render(push, "en")
    for unit in ("SNV", "HL", "MS", "YT"):
        await answer(session, world, unit, 16)
    (done,) = list(
        await report_inputs.report_input_pushes(session, at(20), PushRules(reports=ReportsConfig(secretariat_day=20)))
    )
    assert "Hôm nay (20/06/2024) là hạn báo cáo." in render(done) and "Tất cả các đơn vị đã gửi ý kiến." in render(done)


async def test_after_the_due_date_a_silent_unit_is_told_on_its_notice_days_like_an_overdue_task(
    session: AsyncSession, world: World
) -> None:
    await answer(session, world, "MS", 12)
    assert list(await report_inputs.report_input_pushes(session, at(20), SETTINGS)) == []  # the due date itself
    day1 = list(await report_inputs.report_input_pushes(session, at(21), SETTINGS))
    assert {p.kind for p in day1} == {REPORT_OVERDUE} and REPORT_OVERDUE in MANDATORY
    # the heads of HL; SNV and YT have none: their active officials; MS answered
    assert sorted(p.official_id for p in day1) == sorted(world.who("hl", "admin", "yt"))
    hl = next(p for p in day1 if p.official_id == world.people["hl"])
    assert hl.dedupe_key == f"report_overdue:2024-H1:unit {world.units['HL']}:day 1:official {world.people['hl']}"
    assert not hl.urgent
    text = render(hl)
    assert "Đơn vị chưa gửi ý kiến; hạn gửi là ngày 20/06/2024, đã quá hạn 1 ngày." in text
    assert "Đề nghị đồng chí gửi bổ sung đến hết ngày 30/06/2024: /ykienbaocao" in text
    assert "they were due on 20/06/2024, 1 day overdue." in render(hl, "en")
    assert list(await report_inputs.report_input_pushes(session, at(22), SETTINGS)) == []
    await answer(session, world, "YT", 22)  # a late answer stops the notices
    day3 = list(await report_inputs.report_input_pushes(session, at(23), SETTINGS))
    assert sorted(p.official_id for p in day3) == sorted(world.who("hl", "admin"))
    assert all(":day 3:" in p.dedupe_key for p in day3)
    assert list(await report_inputs.report_input_pushes(session, at(1, 7), SETTINGS)) == []  # past the late window


async def test_escalation_goes_once_to_the_parent_units_heads_and_the_secretariat(
    session: AsyncSession, world: World
) -> None:
    await answer(session, world, "MS", 12)
    pushes = list(await report_inputs.report_input_pushes(session, at(25), SETTINGS))  # due + escalate_after_days
    assert {p.kind for p in pushes} == {REPORT_ESCALATION} and REPORT_ESCALATION in MANDATORY
    assert all(p.urgent for p in pushes)
    admin, hl = world.people["admin"], world.people["hl"]
    # one push each, naming the silent units they oversee: YT's parent HL has a head; HL's and SNV's parent,
    # the province, has none (a leader is no unit head); the secretariat oversees all three
    told = {p.official_id: [u["name"] for u in p.context["units"]] for p in pushes}
    assert told == {admin: ["Huyện Hữu Lũng", "Sở Nội vụ", "Xã Yên Thịnh"], hl: ["Xã Yên Thịnh"]}
    to_hl = next(p for p in pushes if p.official_id == hl)
    assert to_hl.dedupe_key == f"report_escalation:2024-H1:official {hl}"
    text = render(to_hl)
    assert "Đơn vị chậm gửi ý kiến báo cáo CCHC" in text
    assert "UBND xã Yên Thịnh, huyện Hữu Lũng chưa gửi ý kiến cho báo cáo CCHC 6 tháng đầu năm 2024;" in text
    assert "đã quá hạn 5 ngày." in text and "đôn đốc đơn vị gửi bổ sung đến hết ngày 30/06/2024." in text
    assert "/tinhhinhbaocao" not in text  # a unit head does not read the province's status
    english = render(to_hl, "en")
    assert "Yên Thịnh Commune People's Committee, Hữu Lũng District has not sent its inputs" in english
    to_admin = render(next(p for p in pushes if p.official_id == admin))
    assert "3 đơn vị chưa gửi ý kiến cho báo cáo CCHC 6 tháng đầu năm 2024; hạn gửi là ngày 20/06/2024" in to_admin
    assert "- UBND huyện Hữu Lũng\n- Sở Nội vụ\n- UBND xã Yên Thịnh, huyện Hữu Lũng\n" in to_admin
    assert "đôn đốc các đơn vị" in to_admin and "/tinhhinhbaocao 2024-H1" in to_admin
    assert await enqueue(session, pushes) == 2
    assert await enqueue(session, await report_inputs.report_input_pushes(session, at(25), SETTINGS)) == 0
    assert await enqueue(session, await report_inputs.report_input_pushes(session, at(26), CATCH_UP)) == 0
    assert list(await report_inputs.report_input_pushes(session, at(26), SETTINGS)) == []


async def test_a_long_escalation_names_the_first_units_and_counts_the_rest(
    session: AsyncSession, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_inputs, "LISTED_UNITS", 2)
    pushes = await report_inputs.report_input_pushes(session, at(25), SETTINGS)
    to_admin = next(p for p in pushes if p.official_id == world.people["admin"])
    assert to_admin.context["count"] == 4 and to_admin.context["more"] == 2
    assert "- UBND huyện Hữu Lũng\n- Sở Nội vụ\n- và 2 đơn vị khác\n" in render(to_admin)
    assert "- and 2 other units" in render(to_admin, "en")


async def test_a_day_missed_while_the_bot_was_down_is_sent_late_once_and_a_rerun_queues_nothing(
    session: AsyncSession, world: World
) -> None:
    """The bot is down on 21/06 (notice day 1): the run of 22/06 sends day 1's notices, under day 1's keys;
    the jobs run twice that day queue nothing more; 23/06 brings day 3's."""
    first = list(await due_pushes(session, at(22), CATCH_UP, ["report_inputs"]))
    assert first and all(":day 1:" in p.dedupe_key for p in first)
    assert await enqueue(session, first) == len(first) == 4  # SNV (admin), HL (hl), MS (msh), YT (yt)
    assert await enqueue(session, await due_pushes(session, at(22), CATCH_UP, ["report_inputs"])) == 0
    third = list(await due_pushes(session, at(23), CATCH_UP, ["report_inputs"]))
    assert all(":day 3:" in p.dedupe_key for p in third) and await enqueue(session, third) == 4
    assert await enqueue(session, await due_pushes(session, at(24), CATCH_UP, ["report_inputs"])) == 0


async def test_the_days_come_from_the_reports_settings(session: AsyncSession, world: World) -> None:
    rules = PushRules(
        schedule=ScheduleConfig(catch_up_days=0),
        reports=ReportsConfig(overdue_days=[2], escalate_after_days=2, late_days=2),
    )
    assert list(await report_inputs.report_input_pushes(session, at(21), rules)) == []
    both = list(await report_inputs.report_input_pushes(session, at(22), rules))
    assert {p.kind for p in both} == {REPORT_OVERDUE, REPORT_ESCALATION}
    assert "đến hết ngày 22/06/2024" in render(both[0])
    assert list(await report_inputs.report_input_pushes(session, at(23), rules)) == []
    with pytest.raises(ValidationError, match="late_days"):
        ReportsConfig(escalate_after_days=5, late_days=3)  # a notice asking for what is no longer taken
    with pytest.raises(ValidationError, match="secretariat_day"):
        ReportsConfig(secretariat_day=5)  # before the ask day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[reports]\nescalate_after_days = 12\n", r"\[reports\]\.late_days must be at least escalate_after_days"),
        ("[reports]\noverdue_days = [1, 3, 14]\n", r"\[reports\]\.late_days must be at least .* overdue_days"),
        ("[reports]\nsecretariat_day = 25\n", r"\[reports\]\.secretariat_day must lie between ask_day and due_day"),
    ],
)
def test_bad_report_days_stop_the_bot_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        configuration.load(path, environ={})
    assert "\n" not in str(caught.value)
