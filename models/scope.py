"""The one scope rule: a province's secretariat reads and writes inside its own province only.

A ``Scope`` is a province (a root of the unit tree, or the nearest ``province`` unit above a unit): a
unit is inside it when the unit's materialised path starts with the province's. Imports (chat uploads
and the CLI), plans, drives, the admin lists and the alerts all ask this one question; ``handlers/access.py``
builds the scope of the asking admin, the CLI the scope of ``--province``.

Plans and drives belong to the province of their issuing (organising) unit. A plan or drive with no
issuing unit (made before revision 0002 and not backfilled) belongs to no province: no chat user sees
it and no chat upload writes into it; only the CLI operator can reach it (by naming it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from models.enums import UnitKind
from models.tree import subtree_clause
from models.units import Unit


@dataclass(frozen=True)
class Scope:
    """The province an import, a list or an alert is limited to."""

    province: Unit

    @property
    def id(self) -> int | None:
        """None for a province a units file is about to create (``Scope.new``)."""
        return self.province.id

    @classmethod
    def new(cls, code: str) -> Scope:
        """The scope of a province that does not exist yet: a units file may create it (as a root) and
        units below it, and touch nothing stored."""
        return cls(Unit(code=code, path=""))

    @property
    def code(self) -> str:
        return self.province.code

    def contains(self, unit: Unit | None) -> bool:
        """True when ``unit`` is the province or lies below it."""
        return unit is not None and self.contains_path(unit.path)

    def contains_path(self, path: str) -> bool:
        return bool(self.province.path) and path.startswith(self.province.path)

    def clause(self) -> ColumnElement[bool]:
        """A WHERE clause on ``Unit`` selecting the province's units (an index range; none for a new one)."""
        return subtree_clause(self.province) if self.province.path else Unit.id.is_(None)


async def scope_of(session: AsyncSession, unit: Unit) -> Scope:
    """The scope of an official of ``unit``: their province."""
    from models.queries.scores import province_of  # the nearest province above a unit: one definition

    return Scope(await province_of(session, unit))


async def provinces(session: AsyncSession) -> list[Unit]:
    """Every province (root units and units of kind province or centrally-run city), by code."""
    kinds = [UnitKind.PROVINCE.value, UnitKind.CENTRAL_CITY.value]
    rows = await session.execute(
        select(Unit).where((Unit.parent_id.is_(None)) | (Unit.kind.in_(kinds))).order_by(Unit.code)
    )
    return list(rows.scalars())


async def own_provinces(session: AsyncSession) -> list[Unit]:
    """The provinces that hold units of their own, by code: not those a national results table created as
    reference data (a bare root), which an import or invite without ``--province`` does not mean."""
    found = await provinces(session)
    below = select(Unit.parent_id).where(Unit.parent_id.in_([unit.id for unit in found])).distinct()
    holding = set((await session.execute(below)).scalars())
    return [unit for unit in found if unit.id in holding]


async def find_province(session: AsyncSession, code: str) -> Unit | None:
    """The province whose unit code is ``code`` (case ignored), or None."""
    wanted = code.strip().casefold()
    return next((unit for unit in await provinces(session) if unit.code.casefold() == wanted), None)


__all__ = ["Scope", "find_province", "own_provinces", "provinces", "scope_of"]
