"""Provinces in a national results table (every province, names as the press prints them): which one of
the built-in list a name means in the table's year, the province created for it as reference data when it
is not stored yet, the index and year a published table's title names, and which other provinces keep
their stored results (those with officials of their own here: their secretariat keeps them)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import UnitKind
from models.importers.components import Catalog
from models.importers.indices import STANDARD_INDICES
from models.indices import ScoreIndex
from models.lineage import Period
from models.naming import NamedUnit
from models.provinces import REFORM_DAY, ProvinceEntry, catalogue, find_province
from models.scope import Scope
from models.text import fold
from models.tree import add_unit, subtree_clause
from models.units import Official, Unit

_TITLE_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def catalogued(name: str, year: int | None) -> ProvinceEntry | None:
    """The province of the built-in list ``name`` means (by its name as the press prints it, or its
    official code), of the 63 for a year before the 2025 reform ("Tây Ninh" of 2024 is code 72) and of
    the 34 after; None when none."""
    return find_province(name, before=year is not None and year < REFORM_DAY.year)


def entry_period(entry: ProvinceEntry) -> Period:
    """The days a province of the built-in list exists as that unit: one of the 63 that did not go on
    under its name and code ends the day before the reform; one of the 34 that took a code another
    province held before begins on the reform's day (Tây Ninh 80, formerly Long An's); else no limit."""
    found = catalogue()
    if not entry.current:
        went_on = any(e.code == entry.code and e.name == entry.name for e in found.current)
        return (None, None if went_on else REFORM_DAY - timedelta(days=1))
    took_over = any(e.code == entry.code and e.name != entry.name for e in found.before)
    return (REFORM_DAY if took_over else None, None)


def named(unit: Unit | ProvinceEntry) -> NamedUnit:
    """A stored unit or a province of the built-in list, as a message names it in either language."""
    if isinstance(unit, ProvinceEntry):
        return NamedUnit(unit.name, UnitKind.CENTRAL_CITY if unit.central_city else UnitKind.PROVINCE, unit.code)
    return NamedUnit(unit.name, unit.kind, unit.code)


async def reference_unit(session: AsyncSession, entry: ProvinceEntry, created: dict[str, Unit]) -> Unit:
    """The unit of ``entry``, created once per import (``created``, by official code) as a root with its
    official code, its name and kind (province or centrally-run city) and ``entry_period``."""
    if entry.code not in created:
        kind = UnitKind.CENTRAL_CITY if entry.central_city else UnitKind.PROVINCE
        begins, ends = entry_period(entry)
        created[entry.code] = await add_unit(
            session, code=entry.code, name=entry.name, kind=kind, valid_from=begins, valid_to=ends
        )
    return created[entry.code]


def titled(above: Iterable[str], indices: Catalog) -> tuple[ScoreIndex | None, int | None]:
    """The one index and the year a published table's title names ("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH
    NĂM 2023 …", "PAPI 2024"); None for either it does not name (or names twice over)."""
    title = " ".join(above)
    folded = f" {_NOT_WORD.sub(' ', fold(title))} "
    named = {
        standard.code
        for standard in STANDARD_INDICES
        for alias in (standard.code, standard.name_vi, *standard.aliases)
        if f" {_NOT_WORD.sub(' ', fold(alias)).strip()} " in folded
    }
    found = [indices.by_code[code] for code in named if code in indices.by_code]
    years = _TITLE_YEAR.findall(title)
    return (found[0] if len(found) == 1 else None), (int(years[-1]) if years else None)


async def guarded(session: AsyncSession, units: Iterable[Unit], scope: Scope | None) -> set[int]:
    """Of ``units``, the provinces outside ``scope`` whose stored results an import may add to but not
    change: those with officials of their own in this database."""
    found = set()
    for unit in {u.id: u for u in units if scope is not None and not scope.contains(u)}.values():
        below = select(Official.id).join(Unit, Unit.id == Official.unit_id).where(subtree_clause(unit))
        if (await session.execute(below.limit(1))).first() is not None:
            found.add(unit.id)
    return found


__all__ = ["catalogued", "entry_period", "guarded", "reference_unit", "titled"]
