"""Dated units and their lineage: which unit a code or a name means on a day, what a unit was formed
from, what replaced it, and the rule that two units valid on one day never share a code.

A unit is valid on day d when ``valid_from`` is empty or ≤ d and ``valid_to`` is empty or ≥ d. Since the
1/7/2025 reform a new commune may carry the official code of one of the communes it was formed from, so a
code names one unit *on a day*, not for ever. Every look-up that is about a date (a plan's year, a
drive's period, a question about 2024) passes that date or period here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from models.enums import LineageKind
from models.units import Unit, UnitLineage

Period = tuple[date | None, date | None]  # first and last day; None: no limit


class CodeClash(ValueError):
    """Two units with one code would be valid on the same day."""

    def __init__(self, code: str, other: Unit, day: date | None) -> None:
        self.code, self.other, self.day = code, other, day
        on = f" ngày {day:%d/%m/%Y}" if day else ""
        super().__init__(f"Mã đơn vị '{code}' đã dùng cho {other.name} cùng hiệu lực{on}")


def year_period(year: int) -> Period:
    return date(year, 1, 1), date(year, 12, 31)


def valid_clause(start: date | None, end: date | None = None) -> ColumnElement[bool]:
    """A WHERE clause on ``Unit``: valid on some day from ``start`` to ``end`` (one day when ``end`` is
    left out; None for both: every unit)."""
    end = start if end is None else end
    conditions = []
    if end is not None:
        conditions.append(or_(Unit.valid_from.is_(None), Unit.valid_from <= end))
    if start is not None:
        conditions.append(or_(Unit.valid_to.is_(None), Unit.valid_to >= start))
    return and_(*conditions) if conditions else Unit.id.is_not(None)


def overlap(a: Period, b: Period) -> tuple[bool, date | None]:
    """Whether the periods share a day, and the first such day (None: unbounded below)."""
    start = max((d for d in (a[0], b[0]) if d is not None), default=None)
    end = min((d for d in (a[1], b[1]) if d is not None), default=None)
    return not (start is not None and end is not None and start > end), start


def period_of(unit: Unit) -> Period:
    return unit.valid_from, unit.valid_to


async def code_clash(
    session: AsyncSession, code: str, period: Period, exclude: Iterable[int] = ()
) -> tuple[Unit, date | None] | None:
    """A stored unit with ``code`` (case ignored) valid on a day of ``period``, with the first such day;
    None when the code is free for the whole period. ``exclude``: ids not to count (the unit itself)."""
    skip = set(exclude)
    query = select(Unit).where(func.lower(Unit.code) == code.strip().lower(), valid_clause(*period))
    for unit in (await session.execute(query.order_by(Unit.id))).scalars():
        if unit.id not in skip:
            return unit, overlap(period, period_of(unit))[1]
    return None


async def check_code_free(session: AsyncSession, code: str, period: Period, exclude: Iterable[int] = ()) -> None:
    """Raise ``CodeClash`` when another unit with ``code`` is valid on a day of ``period``."""
    if clash := await code_clash(session, code, period, exclude):
        raise CodeClash(code, *clash)


async def units_named(session: AsyncSession, text: str, period: Period, within: Unit | None = None) -> list[Unit]:
    """The units a code or a name ("xa minh son", "UBND xã Minh Sơn", "Minh Sơn") means during ``period``
    (``models.resolver``), valid on a day of it; inside ``within`` when given."""
    from models.resolver import resolver_of
    from models.tree import subtree_clause

    query = select(Unit).where(valid_clause(*period)).order_by(Unit.path)
    if within is not None:
        query = query.where(subtree_clause(within))
    return (await resolver_of(session, (await session.execute(query)).scalars())).named(text)


async def unit_on(session: AsyncSession, text: str, day: date, within: Unit | None = None) -> list[Unit]:
    """The units ``text`` names on ``day``: one, none, or several to choose from (a name two units share)."""
    return await units_named(session, text, (day, day), within)


def _step(backwards: bool) -> Any:
    this, other = (UnitLineage.successor_id, UnitLineage.predecessor_id)
    if not backwards:
        this, other = other, this
    return select(other).where(this.in_(bindparam("frontier", expanding=True)))


# built once: a message's /nhiemvu and /diem walk the official's unit's history
_BACK, _FORWARD = _step(True), _step(False)
UNITS_BY_ID = select(Unit).where(Unit.id.in_(bindparam("ids", expanding=True)))  # {"ids": [...]}


async def _walk(session: AsyncSession, start: Unit, backwards: bool) -> list[Unit]:
    """Every unit reached through lineage from ``start`` (not itself), nearest first."""
    step = _BACK if backwards else _FORWARD
    seen: dict[int, int] = {start.id: 0}
    frontier = [start.id]
    while frontier:
        rows = (await session.execute(step, {"frontier": frontier})).scalars().all()
        frontier = [i for i in dict.fromkeys(rows) if i not in seen]
        for unit_id in frontier:
            seen[unit_id] = len(seen)
    ids = [i for i in seen if i != start.id]
    if not ids:
        return []
    units = {u.id: u for u in (await session.execute(UNITS_BY_ID, {"ids": ids})).scalars()}
    return [units[i] for i in sorted(ids, key=seen.__getitem__) if i in units]


async def predecessors(session: AsyncSession, unit: Unit) -> list[Unit]:
    """The units ``unit`` was formed from, theirs in turn, and so on (its whole history), nearest first."""
    return await _walk(session, unit, backwards=True)


async def successors(session: AsyncSession, unit: Unit) -> list[Unit]:
    """The units that carried ``unit`` on, and theirs in turn, nearest first."""
    return await _walk(session, unit, backwards=False)


async def successors_on(session: AsyncSession, unit: Unit, day: date) -> list[Unit]:
    """The units that carry an abolished ``unit`` on ``day`` (today's commune for an old one)."""
    return [u for u in await successors(session, unit) if u.valid_on(day)]


async def link(session: AsyncSession, predecessor: Unit, successor: Unit, how: LineageKind, on: date) -> None:
    """Record that ``successor`` carries ``predecessor`` on from ``on`` (once; a second call updates it)."""
    if predecessor.id == successor.id:
        raise ValueError("a unit cannot be its own predecessor")
    found = (
        await session.execute(
            select(UnitLineage).where(
                UnitLineage.predecessor_id == predecessor.id, UnitLineage.successor_id == successor.id
            )
        )
    ).scalar_one_or_none()
    if found is None:
        session.add(UnitLineage(predecessor_id=predecessor.id, successor_id=successor.id, on=on, how=how))
    else:
        found.on, found.how = on, how
    await session.flush()


def ended_on(unit: Unit) -> date | None:
    """The first day ``unit`` no longer exists ("đã kết thúc hoạt động từ 01/07/2025"), or None."""
    return unit.valid_to + timedelta(days=1) if unit.valid_to is not None else None


__all__ = [
    "CodeClash",
    "Period",
    "check_code_free",
    "code_clash",
    "ended_on",
    "link",
    "overlap",
    "period_of",
    "predecessors",
    "successors",
    "successors_on",
    "unit_on",
    "units_named",
    "valid_clause",
    "year_period",
]
