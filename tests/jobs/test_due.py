"""Deadline reminders, the daily overdue notice, escalations and the quarterly review reminder."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.due import (
    deadline_pushes,
    due_pushes,
    escalation_pushes,
    overdue_pushes,
    quarterly_pushes,
    reminder_dates,
    review_due,
)
from jobs.kinds import MANDATORY, PushRules
from jobs.outbox import Push
from models import DEFAULT_TZ
from models.settings import RemindersConfig, ScheduleConfig
from tests.jobs.conftest import NOW, SETTINGS, World


def by_official(pushes: list[Push]) -> Counter[int]:
    return Counter(p.official_id for p in pushes)


def test_reminder_offsets_fall_on_exact_days_without_catch_up() -> None:
    today = date(2024, 6, 1)
    assert reminder_dates(today, [7, 3, 1, 0], 0) == {
        date(2024, 6, 8): 7,
        date(2024, 6, 4): 3,
        date(2024, 6, 2): 1,
        date(2024, 6, 1): 0,
    }


def test_a_missed_offset_is_still_reminded_within_the_catch_up_days() -> None:
    found = reminder_dates(date(2024, 6, 1), [7, 3, 1, 0], 1)
    assert found[date(2024, 6, 7)] == 7  # T-7 missed yesterday: still due today
    assert found[date(2024, 6, 3)] == 3
    assert date(2024, 6, 6) not in found  # two days after T-7: wait for T-3


async def test_deadline_reminders_go_to_every_active_official_of_each_assigned_unit(
    session: AsyncSession, world: World
) -> None:
    pushes = list(await deadline_pushes(session, NOW, SETTINGS))
    by_task = Counter((p.context["task"]["number"], p.context["offset"]) for p in pushes)
    assert by_task == {(1, 7): 4, (2, 3): 3, (3, 1): 1, (4, 0): 3}  # MS has 3 active officials, YT 1
    assert world.people["gone"] not in by_official(pushes)
    assert world.people["quiet"] in by_official(pushes)  # deadline reminders are mandatory


async def test_deadline_reminder_keys_name_task_unit_offset_deadline_and_official(
    session: AsyncSession, world: World
) -> None:
    pushes = list(await deadline_pushes(session, NOW, SETTINGS))
    ms, task = world.people["ms"], world.tasks[2]
    push = next(p for p in pushes if p.official_id == ms and p.context["task"]["number"] == 2)
    assert push.dedupe_key == f"deadline:task {task}:unit {world.units['MS']}:T-3:2024-06-04:official {ms}"
    assert push.context == {
        "task": {"id": task, "number": 2, "content": "Nhiệm vụ 2", "due": "2024-06-04"},
        "role": "lead",
        "progress": 30,
        "offset": 3,
        "days_left": 3,
        "working": False,
        "last_day": None,
    }
    assert push.template == "push/deadline" and push.kind == "deadline" and not push.urgent
    on_the_day = [p for p in pushes if p.context["offset"] == 0]
    assert on_the_day and all(p.urgent for p in on_the_day)


async def test_each_offset_is_reminded_on_its_own_day(session: AsyncSession, world: World) -> None:
    for days, number in ((7, 1), (3, 2), (1, 3), (0, 4)):
        day = datetime(2024, 6, 8, 8, tzinfo=DEFAULT_TZ) - timedelta(days=days)
        if number != 1:  # tasks 2, 3, 4 are due before 08/06: move the clock to their own offset
            due = {2: date(2024, 6, 4), 3: date(2024, 6, 2), 4: date(2024, 6, 1)}[number]
            day = datetime(due.year, due.month, due.day, 8, tzinfo=DEFAULT_TZ) - timedelta(days=days)
        pushes = list(await deadline_pushes(session, day, SETTINGS))
        assert {p.context["offset"] for p in pushes if p.context["task"]["number"] == number} == {days}


async def test_done_tasks_and_tasks_between_offsets_get_no_reminder(session: AsyncSession, world: World) -> None:
    numbers = {p.context["task"]["number"] for p in await deadline_pushes(session, NOW, SETTINGS)}
    assert 7 not in numbers  # done
    assert 8 not in numbers  # 4 days left: between T-7 and T-3


async def test_overdue_notice_goes_to_the_units_head_one_push_per_task_on_its_notice_day(
    session: AsyncSession, world: World
) -> None:
    pushes = list(await overdue_pushes(session, NOW, SETTINGS))
    # task 5 of Minh Sơn is 7 days overdue, task 6 of Yên Thịnh 1 day: both notice days
    assert by_official(pushes) == {world.people["msh"]: 1, world.people["yt"]: 1}  # YT has no head: its officer
    msh = next(p for p in pushes if p.official_id == world.people["msh"])
    assert msh.dedupe_key == (
        f"overdue:task {world.tasks[5]}:unit {world.units['MS']}:2024-05-25:day 7:official {world.people['msh']}"
    )
    assert msh.context == {
        "task": {"id": world.tasks[5], "number": 5, "content": "Nhiệm vụ 5", "due": "2024-05-25"},
        "role": "lead",
        "progress": 40,
        "days_late": 7,
    }  # the 2023 plan's task is not nagged about


async def test_overdue_notices_can_be_switched_off(session: AsyncSession, world: World) -> None:
    assert list(await overdue_pushes(session, NOW, PushRules(RemindersConfig(overdue_daily=False)))) == []


async def test_escalation_after_n_days_goes_to_the_parent_unit_head_and_the_admins(
    session: AsyncSession, world: World
) -> None:
    pushes = list(await escalation_pushes(session, NOW, SETTINGS))
    assert set(by_official(pushes)) == world.who("hl", "admin")
    push = pushes[0]
    assert push.context["unit"]["code"] == "MS" and push.context["days_late"] == 7 and push.urgent
    assert push.dedupe_key.startswith(f"escalation:task {world.tasks[5]}:unit {world.units['MS']}:2024-05-25:")
    assert (
        list(
            await escalation_pushes(
                session, NOW, PushRules(RemindersConfig(escalate_after_days=3), ScheduleConfig(catch_up_days=0))
            )
        )
        == []
    )


async def test_quarterly_review_reminder_comes_days_before_the_quarter_ends(
    session: AsyncSession, world: World
) -> None:
    assert review_due(date(2024, 6, 23), 7, 0) == (2, date(2024, 6, 30))
    assert review_due(date(2024, 6, 24), 7, 0) is None
    assert review_due(date(2024, 6, 24), 7, 1) == (2, date(2024, 6, 30))
    assert list(await quarterly_pushes(session, NOW, SETTINGS)) == []
    pushes = list(await quarterly_pushes(session, datetime(2024, 6, 23, 8, tzinfo=DEFAULT_TZ), SETTINGS))
    assert set(by_official(pushes)) == world.who("ms", "msh", "quiet", "yt", "hl")
    ms = next(p for p in pushes if p.official_id == world.people["ms"])
    assert ms.dedupe_key == f"quarterly:2024-Q2:unit {world.units['MS']}:official {world.people['ms']}"
    assert ms.context == {"quarter": 2, "year": 2024, "review": "2024-06-30", "open": 6, "overdue": 5}


async def test_mandatory_pushes_reach_officials_who_opted_out(session: AsyncSession, world: World) -> None:
    pushes = list(await due_pushes(session, NOW, SETTINGS))
    quiet = {p.kind for p in pushes if p.official_id == world.people["quiet"]}
    assert quiet and quiet <= MANDATORY


async def test_inactive_officials_get_nothing(session: AsyncSession, world: World) -> None:
    for when in (NOW, datetime(2024, 6, 23, 8, tzinfo=DEFAULT_TZ)):
        pushes = list(await due_pushes(session, when, SETTINGS))
        assert pushes and world.people["gone"] not in by_official(pushes)
