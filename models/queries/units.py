"""How units are named to people: "UBND xã Minh Sơn, huyện Hữu Lũng" needs the parent's name too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.enums import UnitKind
from models.units import Unit

_PARENT = aliased(Unit)  # built once: aliasing on every call costs as much as the query


@dataclass(frozen=True)
class UnitName:
    id: int
    code: str
    name: str  # "Xã Minh Sơn"
    kind: UnitKind
    parent_name: str | None  # "Huyện Hữu Lũng"; None for a root
    parent_kind: UnitKind | None


async def unit_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, UnitName]:
    """Names of the given units with their parents', in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    parent = _PARENT
    rows = await session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.kind, parent.name, parent.kind)
        .outerjoin(parent, parent.id == Unit.parent_id)
        .where(Unit.id.in_(wanted))
    )
    return {
        row[0]: UnitName(row[0], row[1], row[2], UnitKind(row[3]), row[4], UnitKind(row[5]) if row[5] else None)
        for row in rows
    }


async def unit_name(session: AsyncSession, unit_id: int) -> UnitName:
    return (await unit_names(session, [unit_id]))[unit_id]


async def find_unit(session: AsyncSession, text: str, within: Unit | None = None) -> Unit | None:
    """A unit by exact code, else by name ignoring case and diacritics ("xa minh son"); with ``within``,
    only that unit and the units below it (names repeat from one province to the next)."""
    from models.text import fold
    from models.tree import subtree_clause

    scope = subtree_clause(within) if within is not None else true()
    unit = (await session.execute(select(Unit).where(Unit.code == text.strip(), scope))).scalar_one_or_none()
    if unit is not None:
        return unit
    wanted = fold(text)
    for candidate in (await session.execute(select(Unit).where(scope).order_by(Unit.path))).scalars():
        if fold(candidate.name) == wanted or fold(candidate.code) == wanted:
            return candidate
    return None
