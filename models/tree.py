"""The unit tree: adding units with their materialised path, and subtree look-ups."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from models.enums import UnitKind
from models.lineage import check_code_free
from models.units import Unit


async def add_unit(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    kind: UnitKind,
    parent: Unit | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Unit:
    """Insert a unit below ``parent`` (or as a root) and give it its path ``/<ids from the root>/``.
    Raises ``models.lineage.CodeClash`` when another unit with ``code`` is valid on a day of its period."""
    await check_code_free(session, code, (valid_from, valid_to))
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent_id=parent.id if parent else None,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(unit)
    await session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await session.flush()
    return unit


def subtree_clause(unit: Unit) -> ColumnElement[bool]:
    """A WHERE clause selecting ``unit`` and every unit below it, as an index range: a path holds only
    digits and '/', and '0' is the character after '/', so the subtree of '/1/5/' is every path from
    '/1/5/' up to (not including) '/1/50'. Paths compare byte-wise on both databases (SQLite's binary
    collation; the column's "C" collation on PostgreSQL), which a LIKE prefix would not get from SQLite."""
    return and_(Unit.path >= unit.path, Unit.path < unit.path[:-1] + "0")


def subtree_bounds(unit: Unit, prefix: str = "") -> dict[str, str]:
    """The values of ``subtree_range(prefix)`` for ``unit``'s subtree."""
    return {f"{prefix}lo": unit.path, f"{prefix}hi": unit.path[:-1] + "0"}


def subtree_range(prefix: str = "") -> ColumnElement[bool]:
    """``subtree_clause`` with the bounds as parameters (``subtree_bounds``), for statements built once."""
    return and_(Unit.path >= bindparam(f"{prefix}lo"), Unit.path < bindparam(f"{prefix}hi"))


async def subtree_ids(session: AsyncSession, unit: Unit) -> list[int]:
    return list((await session.execute(select(Unit.id).where(subtree_clause(unit)))).scalars())


async def ancestors(session: AsyncSession, unit: Unit) -> list[Unit]:
    """The chain from the root down to ``unit``'s parent, root first."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    if not ids:
        return []
    rows = (await session.execute(select(Unit).where(Unit.id.in_(ids)))).scalars().all()
    by_id = {u.id: u for u in rows}
    return [by_id[i] for i in ids if i in by_id]
