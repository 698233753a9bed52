"""Drive pushes: the start, weekly standings, milestones (half-way, 30/7/1 days left) and the result."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.drives import drive_events, drive_pushes
from jobs.kinds import PushRules
from models import DEFAULT_TZ, Unit
from models.queries.drives import DriveInfo
from models.settings import ScheduleConfig
from tests import factories as f
from tests.jobs.conftest import SETTINGS, World

DRIVE = DriveInfo(1, "MC-90", "Hiện đại hóa một cửa", date(2024, 5, 1), date(2024, 7, 30))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=DEFAULT_TZ)


@pytest.mark.parametrize(
    ("day", "events"),
    [
        (date(2024, 5, 1), ["start"]),
        (date(2024, 5, 2), []),
        (date(2024, 5, 8), ["week 1"]),
        (date(2024, 5, 15), ["week 2"]),
        (date(2024, 6, 15), ["half-way"]),  # 90 days: half-way 45 days after the start
        (date(2024, 6, 30), ["days-left 30"]),
        (date(2024, 7, 23), ["days-left 7"]),
        (date(2024, 7, 29), ["days-left 1"]),
        (date(2024, 7, 31), ["final"]),
        (date(2024, 8, 1), []),
    ],
)
def test_drive_events_fall_on_their_days(day: date, events: list[str]) -> None:
    assert [e.key for e in drive_events(DRIVE, day, SETTINGS)] == events


def test_a_missed_drive_event_is_still_sent_the_day_after_with_catch_up() -> None:
    assert [
        e.key for e in drive_events(DRIVE, date(2024, 5, 2), PushRules(schedule=ScheduleConfig(catch_up_days=1)))
    ] == ["start"]
    assert [
        e.key for e in drive_events(DRIVE, date(2024, 8, 1), PushRules(schedule=ScheduleConfig(catch_up_days=1)))
    ] == ["final"]


async def make_drive(session: AsyncSession) -> None:
    units = {u.code: u for u in (await session.execute(select(Unit))).scalars()}
    drive = await f.drive(
        session,
        "MC-90",
        DRIVE.starts_on,
        DRIVE.ends_on,
        [units["MS"], units["YT"]],
        [("Hồ sơ trực tuyến", "100", "100")],
        organiser=units["LS"],
        title=DRIVE.title,
    )
    await f.measurement(session, drive, units["MS"], 1, date(2024, 5, 5), "60")
    await f.measurement(session, drive, units["YT"], 1, date(2024, 5, 5), "80")
    await f.measurement(session, drive, units["MS"], 1, date(2024, 7, 30), "90")
    await session.commit()


async def test_drive_start_goes_to_participants_officials_but_not_to_those_who_opted_out(
    session: AsyncSession, world: World
) -> None:
    await make_drive(session)
    pushes = list(await drive_pushes(session, at(date(2024, 5, 1)), SETTINGS))
    assert {p.official_id for p in pushes} == world.who("ms", "msh", "yt")  # "quiet" opted out, "gone" left
    assert {p.kind for p in pushes} == {"drive_start"}
    assert pushes[0].context["drive"]["days"] == 91 and pushes[0].context["total"] == 2


async def test_weekly_standings_give_own_rank_gap_to_leader_and_days_left(session: AsyncSession, world: World) -> None:
    await make_drive(session)
    pushes = {p.official_id: p for p in await drive_pushes(session, at(date(2024, 5, 8)), SETTINGS)}
    ms = pushes[world.people["ms"]]
    assert ms.kind == "drive_week" and ms.dedupe_key.endswith(f":week 1:official {world.people['ms']}")
    ctx = ms.context
    assert (ctx["rank"], ctx["total"], ctx["points"], ctx["gap"]) == (2, 2, "60.00", "20.00")
    assert ctx["leader"]["unit"]["code"] == "YT" and ctx["drive"]["days_left"] == 83
    assert pushes[world.people["yt"]].context["rank"] == 1


async def test_milestones_and_final_result(session: AsyncSession, world: World) -> None:
    await make_drive(session)
    half = list(await drive_pushes(session, at(date(2024, 6, 15)), SETTINGS))
    assert {p.kind for p in half} == {"drive_milestone"} and half[0].context["milestone"] == "half-way"
    week_left = list(await drive_pushes(session, at(date(2024, 7, 23)), SETTINGS))
    assert {(p.kind, p.context["milestone"], p.context["drive"]["days_left"]) for p in week_left} == {
        ("drive_milestone", "days-left", 7)
    }
    final = {p.official_id: p for p in await drive_pushes(session, at(date(2024, 7, 31)), SETTINGS)}
    ms = final[world.people["ms"]]
    assert ms.kind == "drive_final" and ms.dedupe_key == f"drive:drive 1:final:official {world.people['ms']}"
    assert ms.context["rank"] == 1 and [t["unit"]["code"] for t in ms.context["top"]] == ["MS", "YT"]
