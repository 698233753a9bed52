"""Leave and stand-ins (``models/leave.py``): recording and cancelling a leave (/vangmat), who is away on
a day (the push jobs re-route their pushes, ``jobs/leave.py``), the leaves that ended (the catch-up), the
leaves /canbo shows, and the outbox rows held for an official's return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.enums import OutboxStatus
from models.leave import Leave
from models.queries.accounts import audit
from models.system import OutboxMessage
from models.text import fold
from models.units import Official, Unit


@dataclass(frozen=True)
class Away:
    """An official on leave on a day, as the push jobs need it."""

    leave_id: int
    official_id: int
    name: str
    unit_id: int
    starts_on: date
    ends_on: date
    stand_in_id: int | None
    stand_in: str | None  # the stand-in's name
    stand_in_active: bool = False  # a revoked stand-in takes nothing
    stand_in_unit_id: int | None = None  # a stand-in of another unit cannot report for this one


def _away_rows(
    *where: ColumnElement[bool],
) -> Select[int, int, str, int, date, date, int | None, str, bool, int | None]:
    stand_in = aliased(Official)
    return (
        select(
            Leave.id,
            Leave.official_id,
            Official.full_name,
            Official.unit_id,
            Leave.starts_on,
            Leave.ends_on,
            Leave.stand_in_id,
            stand_in.full_name,
            func.coalesce(stand_in.active, False),
            stand_in.unit_id,
        )
        .join(Official, Official.id == Leave.official_id)
        .outerjoin(stand_in, stand_in.id == Leave.stand_in_id)
        .where(Official.active.is_(True), *where)
        .order_by(Leave.official_id, Leave.starts_on)
    )


async def away_on(session: AsyncSession, day: date) -> dict[int, Away]:
    """Official id -> their leave, for every active official on leave on ``day`` (a few rows: an index
    would not pay before thousands of leaves)."""
    rows = await session.execute(_away_rows(Leave.starts_on <= day, Leave.ends_on >= day))
    return {row[1]: Away(*row) for row in rows}


async def returned_between(session: AsyncSession, first: date, last: date) -> list[Away]:
    """The leaves of active officials that ended on a day from ``first`` to ``last`` (the catch-up is due
    the day after the end, or a few days late)."""
    rows = await session.execute(_away_rows(Leave.ends_on >= first, Leave.ends_on <= last))
    return [Away(*row) for row in rows]


async def current_leave(session: AsyncSession, official_id: int, today: date) -> Leave | None:
    """The official's leave that has not ended by ``today`` (the one being taken, or the next)."""
    return (
        await session.execute(
            select(Leave)
            .where(Leave.official_id == official_id, Leave.ends_on >= today)
            .order_by(Leave.starts_on)
            .limit(1)
        )
    ).scalar_one_or_none()


async def record_leave(
    session: AsyncSession,
    official: Official,
    starts_on: date,
    ends_on: date,
    stand_in: Official | None,
    *,
    by_id: int,
    now: datetime,
) -> Leave:
    """Store a leave, replacing the official's leaves not yet ended (one leave at a time: a new
    /vangmat corrects the dates). One audit line."""
    replaced = await session.execute(select(Leave).where(Leave.official_id == official.id, Leave.ends_on >= now.date()))
    for old in replaced.scalars().all():
        await session.delete(old)
    await session.flush()  # before the new row: a database may give it the id just freed
    leave = Leave(
        official_id=official.id,
        starts_on=starts_on,
        ends_on=ends_on,
        stand_in_id=stand_in.id if stand_in is not None else None,
        created_by_id=by_id,
        created_at=now,
    )
    session.add(leave)
    detail = {"from": starts_on.isoformat(), "to": ends_on.isoformat(), "stand_in": leave.stand_in_id}
    audit(session, at=now, actor_id=by_id, action="leave.record", subject=f"official:{official.id}", detail=detail)
    await session.flush()
    return leave


async def cancel_leave(session: AsyncSession, leave: Leave, *, by_id: int, today: date, now: datetime) -> bool:
    """Cancel a leave: one not yet begun is deleted (nothing happened); one being taken ends yesterday, so
    the official is back today and the catch-up comes with the next reminders run. True when it had begun."""
    begun = leave.starts_on <= today
    if begun:
        leave.ends_on = min(leave.ends_on, today - timedelta(days=1))
    else:
        await session.delete(leave)
    audit(session, at=now, actor_id=by_id, action="leave.cancel", subject=f"official:{leave.official_id}")
    await session.flush()
    return begun


async def leaves_of_unit(session: AsyncSession, unit: Unit, today: date) -> dict[int, Away]:
    """Official id -> their leave not yet ended, for the officials of ``unit`` (/canbo)."""
    rows = await session.execute(_away_rows(Official.unit_id == unit.id, Leave.ends_on >= today))
    found: dict[int, Away] = {}
    for row in rows:
        found.setdefault(row[1], Away(*row))
    return found


async def officials_named(session: AsyncSession, unit_id: int, folded: str) -> list[Official]:
    """The active officials of a unit whose name, without diacritics, contains ``folded``."""
    rows = await session.execute(select(Official).where(Official.unit_id == unit_id, Official.active.is_(True)))
    return [o for o in rows.scalars() if folded and folded in fold(o.full_name)]


# --- the outbox rows held for a return ------------------------------------------------------------------


async def take_held(session: AsyncSession, official_id: int, now: datetime) -> list[OutboxMessage]:
    """Remove and return the official's pushes held for their return (pending, never tried, due later than
    ``now``): the catch-up puts them back behind itself, in the same transaction, so that they leave as one
    message and none is lost or doubled (their dedupe keys go back with them)."""
    rows = list(
        (
            await session.execute(
                select(OutboxMessage)
                .where(
                    OutboxMessage.official_id == official_id,
                    OutboxMessage.status == OutboxStatus.PENDING.value,
                    OutboxMessage.attempts == 0,
                    OutboxMessage.not_before > now,
                )
                .order_by(OutboxMessage.id)
            )
        ).scalars()
    )
    for row in rows:
        await session.delete(row)
    await session.flush()
    return rows
