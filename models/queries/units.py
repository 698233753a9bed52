"""How units are named to people: "UBND xã Minh Sơn, huyện Hữu Lũng" needs the parent's name too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.db import read_cache
from models.enums import UnitKind
from models.units import Unit

_PARENT = aliased(Unit)
_KNOWN = "unit_names"  # in models.db.read_cache: unit id -> UnitName


@dataclass(frozen=True)
class UnitName:
    id: int
    code: str
    name: str  # "Xã Minh Sơn"
    kind: UnitKind
    parent_name: str | None  # "Huyện Hữu Lũng"; None for a root
    parent_kind: UnitKind | None


def parent_of() -> Any:
    """An alias of the units table for a unit's parent, for an outer join
    ``.outerjoin(parent, parent.id == Unit.parent_id)`` whose ``name`` and ``kind`` ``known_name`` takes."""
    return _PARENT


def known_name(session: AsyncSession, unit: Unit, parent_name: str | None, parent_kind: str | None) -> UnitName:
    """Remember ``unit``'s name for the rest of this session (one message), so that ``unit_names`` does
    not read it again; returns it."""
    name = UnitName(unit.id, unit.code, unit.name, UnitKind(unit.kind), parent_name, _kind(parent_kind))
    read_cache(session).setdefault(_KNOWN, {})[unit.id] = name
    return name


async def unit_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, UnitName]:
    """Names of the given units with their parents', in one query (none for those already read in this
    session)."""
    known: dict[int, UnitName] = read_cache(session).setdefault(_KNOWN, {})
    wanted = set(ids)
    missing = [unit_id for unit_id in wanted if unit_id not in known]
    if missing:
        for row in await session.execute(_NAMES, {"ids": missing}):
            known[row[0]] = UnitName(row[0], row[1], row[2], UnitKind(row[3]), row[4], _kind(row[5]))
    return {unit_id: known[unit_id] for unit_id in wanted if unit_id in known}


def _kind(value: str | None) -> UnitKind | None:
    return UnitKind(value) if value else None


_NAMES = (
    select(Unit.id, Unit.code, Unit.name, Unit.kind, _PARENT.name, _PARENT.kind)
    .outerjoin(_PARENT, _PARENT.id == Unit.parent_id)
    .where(Unit.id.in_(bindparam("ids", expanding=True)))
)


async def unit_name(session: AsyncSession, unit_id: int) -> UnitName:
    return (await unit_names(session, [unit_id]))[unit_id]


def pick_dated(candidates: Iterable[Unit], on: date | None = None) -> Unit | None:
    """Of the units one code or name may mean (a code reused by a successor), the one valid ``on`` (None
    when none is); with no date the one still in existence, else the one that ended last."""
    units = list(candidates)
    if on is not None:
        return next((u for u in units if u.valid_on(on)), None)
    return max(
        units, key=lambda u: (u.valid_to is None, u.valid_to or date.min, u.valid_from or date.min), default=None
    )


async def find_unit(
    session: AsyncSession, text: str, within: Unit | None = None, on: date | None = None
) -> Unit | None:
    """A unit by code, else by name as people write it (``models.resolver``: "xa minh son"); with ``within``,
    only that unit and the units below it (names repeat from one province to the next). With ``on``, only
    a unit valid that day (models.lineage.units_named lists every candidate, for a numbered choice);
    without, the one still in existence is preferred over one a successor replaced."""
    from models.resolver import resolver_of
    from models.tree import subtree_clause

    scope = subtree_clause(within) if within is not None else true()
    candidates = (await session.execute(select(Unit).where(scope).order_by(Unit.path))).scalars()
    return pick_dated((await resolver_of(session, candidates)).named(text), on)
