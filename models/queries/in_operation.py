"""Which unit a name means on a day. A unit operates from ``valid_from`` to ``valid_to`` (both days
included; an empty date is open); after the 2025 reform a name or an official code may belong to an
abolished unit and to the current one ("Phường Tam Thanh"), and then the one in operation is meant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.resolver import resolver_of
from models.tree import subtree_clause
from models.units import Unit


def in_operation(unit: Unit, day: date) -> bool:
    """True when ``unit`` operates on ``day``."""
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or day <= unit.valid_to)


def ended_on(unit: Unit) -> date | None:
    """The first day ``unit`` no longer operates ("đã kết thúc hoạt động từ 01/07/2025"), or None."""
    return unit.valid_to + timedelta(days=1) if unit.valid_to is not None else None


@dataclass(frozen=True)
class UnitsNamed:
    """The units a text names, split by whether they operate on the day asked about."""

    operating: list[Unit]  # by their place in the tree
    not_operating: list[Unit]  # the one that ended last first, then those not yet begun


async def units_named(session: AsyncSession, text: str, day: date, within: Unit | None = None) -> UnitsNamed:
    """The units ``text`` names (``models.resolver``: a code, or the name as people write it, "xa tuan
    son", "UBND xã Tuấn Sơn", "Tuấn Sơn"); with ``within``, only that unit and the units below it."""
    scope = subtree_clause(within) if within is not None else true()
    everything = (await session.execute(select(Unit).where(scope).order_by(Unit.path))).scalars()
    found = (await resolver_of(session, everything)).named(text)
    operating = [unit for unit in found if in_operation(unit, day)]
    others = [unit for unit in found if not in_operation(unit, day)]
    others.sort(key=lambda unit: _latest_ended_first(unit, day))
    return UnitsNamed(operating, others)


def _latest_ended_first(unit: Unit, day: date) -> tuple[bool, int]:
    if unit.valid_to is not None and unit.valid_to < day:
        return False, -unit.valid_to.toordinal()
    return True, (unit.valid_from or day).toordinal()


async def closest_named(session: AsyncSession, text: str, day: date, within: Unit | None = None) -> list[Unit]:
    """The units in operation on ``day`` whose names are nearest to ``text``, a name that means none
    ("Có phải: …?"); with ``within``, only that unit and the units below it."""
    scope = subtree_clause(within) if within is not None else true()
    everything = (await session.execute(select(Unit).where(scope).order_by(Unit.path))).scalars()
    return [unit for unit in (await resolver_of(session, everything)).closest(text) if in_operation(unit, day)]
