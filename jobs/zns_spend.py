"""The monthly ZNS spend (``models.zalo_oa.ZnsSpend``): what the dispatcher asks before routing a push
to ZNS (``room``), what the ZNS sender records after each delivered message (``record``), and the one
warning a month to the admins when the spend passes ``[zalo_oa.zns].warn_percent`` of the cap (a
``push/zns_spend_low`` push through the outbox, to the active admins of provinces with officials on the
OA).

The count lives in the database, so several processes share one cap; ``record`` is one UPDATE that adds
to the stored values (no read-modify-write race)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.outbox import Push, enqueue
from models.queries.due import admins_of_channel
from models.settings_oa import ZnsConfig
from models.zalo_oa import ZnsSpend

LOW_KIND = "zns_spend_low"
OA_CHANNEL = "zalo_oa"


@dataclass(frozen=True)
class Spent:
    month: str
    messages: int
    vnd: int
    cap_vnd: int

    @property
    def percent(self) -> int:
        return self.vnd * 100 // self.cap_vnd if self.cap_vnd else 100


def month_of(now: datetime) -> str:
    return now.strftime("%Y-%m")


async def spent(session: AsyncSession, now: datetime, config: ZnsConfig) -> Spent:
    row = await session.get(ZnsSpend, month_of(now))
    messages, vnd = (row.messages, row.vnd) if row is not None else (0, 0)
    return Spent(month_of(now), messages, vnd, config.monthly_cap_vnd)


async def room(session: AsyncSession, now: datetime, config: ZnsConfig) -> int:
    """How many more ZNS messages the month's cap allows (a price of 0: as many as wanted)."""
    if config.unit_price_vnd == 0:
        return 1_000_000
    state = await spent(session, now, config)
    return max(0, (config.monthly_cap_vnd - state.vnd) // config.unit_price_vnd)


async def record(session: AsyncSession, now: datetime, config: ZnsConfig) -> Spent:
    """Count one delivered ZNS message; the first time this month the spend passes the warning share,
    queue the admins' warning. Runs in the caller's transaction."""
    month = month_of(now)
    connection = await session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    await session.execute(
        insert(ZnsSpend).values(month=month, messages=0, vnd=0, warned=False).on_conflict_do_nothing()
    )
    await session.execute(
        update(ZnsSpend)
        .where(ZnsSpend.month == month)
        .values(messages=ZnsSpend.messages + 1, vnd=ZnsSpend.vnd + config.unit_price_vnd)
        .execution_options(synchronize_session=False)
    )
    state = await spent(session, now, config)
    if state.vnd * 100 >= state.cap_vnd * config.warn_percent:
        claimed = await session.execute(
            update(ZnsSpend)
            .where(ZnsSpend.month == month, ZnsSpend.warned.is_(False))
            .values(warned=True)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0):
            await warn(session, now, state)
    return state


async def warn(session: AsyncSession, now: datetime, state: Spent) -> None:
    context = {"month": state.month, "messages": state.messages, "vnd": state.vnd, "cap": state.cap_vnd,
               "percent": state.percent}  # fmt: skip
    admins = await admins_of_channel(session, OA_CHANNEL)
    await enqueue(
        session,
        [Push(LOW_KIND, f"{LOW_KIND}:{state.month}:official {a}", a, context, now, urgent=True) for a in admins],
    )


async def months(session: AsyncSession) -> list[ZnsSpend]:
    """Every month's spend, the latest first (for an admin's look)."""
    return list((await session.scalars(select(ZnsSpend).order_by(ZnsSpend.month.desc()))).all())
