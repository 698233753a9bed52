"""Questions about the units' inputs to the periodic report: save one, read a period's, who still owes them.

The draft of the report (another module) takes ``inputs_of`` — rows with ``unit_id``, ``item`` and
``text`` — and names each unit; the chat and the push jobs use the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.report_inputs import DUE_DAY, ITEMS, OWING_KINDS, ReportInput, ReportPeriod
from models.units import Unit


@dataclass(frozen=True)
class Answered:
    """Who of the units that owe inputs for a period have given at least one item."""

    units: list[Unit]  # every unit that owes them, by name
    answered: set[int]  # ids of those that gave at least one item

    @property
    def missing(self) -> list[Unit]:
        return [unit for unit in self.units if unit.id not in self.answered]


async def save_input(
    session: AsyncSession, unit_id: int, period: str, item: str, text: str, *, by_id: int, now: datetime
) -> ReportInput:
    """Write ``item`` of ``unit_id``'s inputs for ``period``, replacing what was there."""
    assert item in ITEMS, item
    found = await session.scalar(
        select(ReportInput).where(
            ReportInput.unit_id == unit_id, ReportInput.period == period, ReportInput.item == item
        )
    )
    if found is None:
        found = ReportInput(unit_id=unit_id, period=period, item=item, text=text, official_id=by_id, updated_at=now)
        session.add(found)
    else:
        found.text, found.official_id, found.updated_at = text, by_id, now
    await session.flush()
    return found


async def inputs_of(session: AsyncSession, unit_ids: Iterable[int], period: str) -> list[ReportInput]:
    """The inputs the given units wrote for ``period``, by unit, each unit's in the outline's order."""
    wanted = list(set(unit_ids))
    if not wanted:
        return []
    stmt = select(ReportInput).where(ReportInput.unit_id.in_(wanted), ReportInput.period == period)
    rows = (await session.scalars(stmt)).all()
    return sorted(rows, key=lambda r: (r.unit_id, ITEMS.index(r.item)))


async def owing_units(session: AsyncSession, on: date, root: Unit | None = None) -> list[Unit]:
    """The units that owe inputs on ``on`` (departments, the district and commune levels in operation that
    day), of the province ``root`` or of every province, by name."""
    stmt = select(Unit).where(
        Unit.kind.in_([kind.value for kind in OWING_KINDS]),
        or_(Unit.valid_from.is_(None), Unit.valid_from <= on),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= on),
    )
    if root is not None:
        stmt = stmt.where(Unit.path.startswith(root.path))
    return list((await session.scalars(stmt.order_by(Unit.name, Unit.id))).all())


async def answered_ids(
    session: AsyncSession, unit_ids: Iterable[int], period: str, before: datetime | None = None
) -> set[int]:
    """Those of ``unit_ids`` that gave at least one item for ``period`` (with ``before``: written before
    that moment, so a unit that answered only late is told apart from one that answered in time)."""
    wanted = list(set(unit_ids))
    if not wanted:
        return set()
    stmt = select(ReportInput.unit_id).where(ReportInput.unit_id.in_(wanted), ReportInput.period == period)
    if before is not None:
        stmt = stmt.where(ReportInput.updated_at < before)
    return set((await session.scalars(stmt.distinct())).all())


async def answers(session: AsyncSession, province: Unit, period: str, on: date) -> Answered:
    """The units of ``province`` that owe inputs for ``period`` (those in operation on ``on``: the caller
    passes the due date for a closed period) and which of them answered."""
    units = await owing_units(session, on, province)
    return Answered(units, await answered_ids(session, [u.id for u in units], period))


def deadline(period: str, due_day: int = DUE_DAY) -> date | None:
    """The last day inputs are taken for the period keyed ``period`` ("2026-Q3"), None for no such key."""
    found = ReportPeriod.from_key(period)
    return found.due(due_day) if found is not None else None


async def inputs_for_report(
    session: AsyncSession, unit: Unit, province: Unit, period: str, on: date
) -> tuple[list[int], list[ReportInput]]:
    """The units whose inputs go into ``unit``'s report for ``period`` (the unit itself; for the province,
    every unit of it that owes inputs on ``on``, the window's last day) and the inputs they gave."""
    owing = [u.id for u in await owing_units(session, on, province)] if unit.id == province.id else [unit.id]
    return owing, await inputs_of(session, owing, period)


__all__ = [
    "Answered",
    "answered_ids",
    "answers",
    "deadline",
    "inputs_for_report",
    "inputs_of",
    "owing_units",
    "save_input",
]
