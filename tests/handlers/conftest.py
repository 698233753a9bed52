"""A small province and a bot to talk to, with no network: ``await ask("/nhiemvu", as_="ms")`` returns the
text the official would read.

The province on 01/06/2024 (the frozen clock):
    LS Tỉnh Lạng Sơn ── SNV Sở Nội vụ (admin)
                     └─ HL Huyện Hữu Lũng (head) ── MS Xã Minh Sơn (ms), YT Xã Yên Thịnh (yt)
    leader at LS. Plan 2024: 1 MS overdue since 31/03 (62 days, 40 %), 2 MS due 15/06 with YT cooperating,
    3 HL due 31/12 with MS cooperating, 4 MS done 10/05 (due 15/05), 5 YT overdue, 6 SNV field 2.
    Plan 2023: 1 MS done.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import FileRef, HandlerConfig, Incoming, Reply
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock, Role, UnitKind
from models.demo import load_demo
from tests import factories as f
from tests.handlers._demo_support import NOW as DEMO_DAY
from tests.handlers._scores_fixtures import Province, build

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)
PEOPLE = {
    "admin": ("SNV", Role.ADMIN, "Trần Thị Hoa"),
    "leader": ("LS", Role.LEADER, "Hồ Tiến Thiệu"),
    "head": ("HL", Role.UNIT_HEAD, "Vi Văn Hùng"),
    "ms": ("MS", Role.OFFICER, "Nguyễn Văn An"),
    "yt": ("YT", Role.OFFICER, "Lê Thị Bình"),
}


async def build_province(session: AsyncSession) -> dict[str, int]:
    """The units above, their officials (chat ids = the keys of PEOPLE) and the two plans.
    Returns the ids of the units by code, and of the 2024 plan as "plan2024"."""
    ls = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    snv = await f.unit(session, "SNV", UnitKind.DEPARTMENT, ls, name="Sở Nội vụ")
    hl = await f.unit(session, "HL", UnitKind.DISTRICT, ls, name="Huyện Hữu Lũng")
    ms = await f.unit(session, "MS", UnitKind.COMMUNE, hl, name="Xã Minh Sơn")
    yt = await f.unit(session, "YT", UnitKind.COMMUNE, hl, name="Xã Yên Thịnh")
    units = {u.code: u for u in (ls, snv, hl, ms, yt)}
    for key, (code, role, name) in PEOPLE.items():
        await f.official(session, units[code], role, name=name, external_id=key)
    old = await f.plan(session, 2023)
    await f.task(session, old, 1, date(2023, 6, 30), ms, progress=100, completed_on=date(2023, 6, 1))
    plan = await f.plan(session, 2024)
    await f.task(session, plan, 1, date(2024, 3, 31), ms, progress=40, content="Rà soát thủ tục hành chính")
    await f.task(session, plan, 2, date(2024, 6, 15), ms, cooperating=[yt], content="Số hóa hồ sơ một cửa")
    await f.task(session, plan, 3, date(2024, 12, 31), hl, cooperating=[ms], content="Kiểm tra công vụ")
    await f.task(
        session, plan, 4, date(2024, 5, 15), ms, progress=100, completed_on=date(2024, 5, 10), content="Tuyên truyền"
    )
    await f.task(session, plan, 5, date(2024, 4, 30), yt, content="Niêm yết thủ tục của xã Yên Thịnh")
    await f.task(session, plan, 6, date(2024, 9, 30), snv, field=2, content="Xây dựng văn bản quy phạm")
    await session.commit()
    return {**{code: u.id for code, u in units.items()}, "plan2024": plan.id}


@dataclass
class Bot:
    """Talks to the router like a channel would and renders what comes back."""

    router: Router
    renderer: Renderer = field(default_factory=Renderer)
    last: list[Reply] = field(default_factory=list)
    lang: str = "vi"

    async def ask(
        self,
        text: str = "",
        as_: str = "ms",
        *,
        callback: str | None = None,
        file: FileRef | None = None,
        numbered: bool = False,
        fmt: str = "text",
        group: bool = False,
    ) -> str:
        incoming = Incoming(
            "console", as_, as_, text, callback=callback, file=file, display_name=f"Tài khoản {as_}", is_group=group
        )
        self.lang, self.last = await self.router.handle(incoming, numbered_buttons=numbered)
        return "\n\n".join(self.renderer.render(self.lang, r, fmt, numbered_buttons=numbered) for r in self.last)

    def buttons(self) -> list[Any]:
        return [b for reply in self.last for row in reply.buttons for b in row]


Ask = Callable[..., Awaitable[str]]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(at=NOW)


@pytest.fixture
def settings() -> HandlerConfig:
    return HandlerConfig(bot_username="cchc_bot")


@pytest.fixture
async def province(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as session:
        return await build_province(session)


@pytest.fixture
def bot(
    sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, settings: HandlerConfig, province: dict[str, int]
) -> Bot:
    return Bot(Router(sessions, clock=clock, settings=settings))


@pytest.fixture
def ask(bot: Bot) -> Ask:
    return bot.ask


@pytest.fixture
async def ls(sessions: async_sessionmaker[AsyncSession]) -> Province:
    """Lạng Sơn with the published figures of DOMAIN.md, and Thái Nguyên beside it (see _scores_fixtures)."""
    async with sessions() as session:
        return await build(session)


@pytest.fixture
async def demo(sessions: async_sessionmaker[AsyncSession]) -> Router:
    """The demo loaded on 10/03/2026, and a router whose clock reads that day."""
    async with sessions() as session:
        await load_demo(session, FrozenClock(at=DEMO_DAY))
        await session.commit()
    return Router(sessions, clock=FrozenClock(at=DEMO_DAY), settings=HandlerConfig())
