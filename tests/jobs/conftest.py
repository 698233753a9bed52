"""A small province for the push jobs, on 01/06/2024 at 08:00 (the frozen clock):

LS Tỉnh Lạng Sơn (leader) ── SNV Sở Nội vụ (admin)
                          └─ HL Huyện Hữu Lũng (head "hl") ── MS Xã Minh Sơn, YT Xã Yên Thịnh
MS: officer "ms", unit head "msh", "quiet" (opted out of optional pushes), "gone" (inactive).
YT: officer "yt".
Plan 2024: 1 MS+YT due 08/06 (T-7), 2 MS due 04/06 (T-3), 3 YT due 02/06 (T-1), 4 MS due 01/06 (T-0),
5 MS due 25/05 (7 days overdue: escalated), 6 YT due 31/05 (1 day overdue), 7 MS due 08/06 done,
8 MS due 05/06 (4 days: no offset), 9 HL+MS due 31/12.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.kinds import PushRules
from models import DEFAULT_TZ, Role, UnitKind
from models.calendar import CalendarConfig
from models.settings import ScheduleConfig
from tests import factories as f

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=DEFAULT_TZ)
# 01/06/2024 is a Saturday: the tests of offsets, keys and recipients run on a calendar whose every day
# around it is a working day; days off have their own tests (tests/jobs/test_calendar_pushes.py)
EVERY_DAY = CalendarConfig(holidays=False, working_days=[NOW.date() + timedelta(days=n) for n in range(-120, 240)])
SETTINGS = PushRules(schedule=ScheduleConfig(catch_up_days=0), calendar=EVERY_DAY)


@dataclass
class World:
    units: dict[str, int]
    people: dict[str, int]  # key -> official id
    tasks: dict[int, int]  # number -> task id

    def who(self, *keys: str) -> set[int]:
        return {self.people[k] for k in keys}


async def build_world(session: AsyncSession) -> World:
    ls = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    snv = await f.unit(session, "SNV", UnitKind.DEPARTMENT, ls, name="Sở Nội vụ")
    hl = await f.unit(session, "HL", UnitKind.DISTRICT, ls, name="Huyện Hữu Lũng")
    ms = await f.unit(session, "MS", UnitKind.COMMUNE, hl, name="Xã Minh Sơn")
    yt = await f.unit(session, "YT", UnitKind.COMMUNE, hl, name="Xã Yên Thịnh")
    people = {
        "leader": await f.official(session, ls, Role.LEADER, name="Hồ Tiến Thiệu"),
        "admin": await f.official(session, snv, Role.ADMIN, name="Trần Thị Hoa"),
        "hl": await f.official(session, hl, Role.UNIT_HEAD, name="Vi Văn Hùng"),
        "ms": await f.official(session, ms, Role.OFFICER, name="Nguyễn Văn An"),
        "msh": await f.official(session, ms, Role.UNIT_HEAD, name="Hoàng Văn Minh"),
        "quiet": await f.official(session, ms, Role.OFFICER, name="Lý Thị Lặng"),
        "gone": await f.official(session, ms, Role.OFFICER, name="Đã Nghỉ"),
        "yt": await f.official(session, yt, Role.OFFICER, name="Lê Thị Bình"),
    }
    people["quiet"].push_opt_out = True
    people["gone"].active = False
    plan = await f.plan(session, 2024)
    old = await f.plan(session, 2023)
    await f.task(session, old, 1, date(2023, 6, 30), ms)  # an old plan's task: not in the overdue notices
    due = {
        1: (date(2024, 6, 8), ms, [yt], 0),
        2: (date(2024, 6, 4), ms, [], 30),
        3: (date(2024, 6, 2), yt, [], 0),
        4: (date(2024, 6, 1), ms, [], 50),
        5: (date(2024, 5, 25), ms, [], 40),
        6: (date(2024, 5, 31), yt, [], 0),
        7: (date(2024, 6, 8), ms, [], 100),
        8: (date(2024, 6, 5), ms, [], 0),
        9: (date(2024, 12, 31), hl, [ms], 0),
    }
    tasks = {}
    for number, (day, lead, others, progress) in due.items():
        done = date(2024, 5, 20) if progress == 100 else None
        made = await f.task(
            session,
            plan,
            number,
            day,
            lead,
            cooperating=others,
            progress=progress,
            completed_on=done,
            content=f"Nhiệm vụ {number}",
        )
        tasks[number] = made.id
    await session.commit()
    units = {u.code: u.id for u in (ls, snv, hl, ms, yt)}
    return World(units, {k: p.id for k, p in people.items()}, tasks)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)
