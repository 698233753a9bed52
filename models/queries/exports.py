"""The numbers behind an exported ranking table (/xephang … xlsx): the table as /xephang shows it, the
index's groups or fields with their maxima, each row's scores in them, the unit names and the province."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.indices import ComponentResult, IndexComponent, Period, ScoreIndex
from models.queries.rankings import LEVELS, Level, Table, ranking_table
from models.queries.scores import find_index, province_of
from models.queries.units import UnitName, unit_names
from models.units import Unit


@dataclass(frozen=True)
class Column:
    """A group or field of the index, in report order."""

    id: int
    number: int
    name_vi: str
    name_en: str
    max_score: Decimal | None


@dataclass(frozen=True)
class TableExport:
    table: Table
    max_score: Decimal | None  # the index's maximum ("Điểm (100)")
    columns: list[Column]
    parts: dict[tuple[int, int], tuple[Decimal | None, int | None]]  # (result id, column id) -> score, decimals
    names: dict[int, UnitName]
    province: UnitName  # whose table: the province of an internal table, the asker's of a national one
    marked: int  # the asker's unit (or province): its row in bold


async def table_export(
    session: AsyncSession, code: str, period: Period, level: str, unit_id: int
) -> TableExport | None:
    """``code``'s table of ``period`` at ``level`` with its groups; a table of a province's units is the
    one of ``unit_id``'s province. None when the index, the unit or the level is unknown."""
    index = await find_index(session, code)
    unit = await session.get(Unit, unit_id)
    if index is None or unit is None or level not in LEVELS:
        return None
    within = None if level == "provinces" else await province_of(session, unit)
    table = await ranking_table(session, index, period, Level(level, within))
    stored = await session.get(ScoreIndex, index.id)
    components = await session.execute(
        select(IndexComponent).where(IndexComponent.index_id == index.id).order_by(IndexComponent.number)
    )
    columns = [Column(c.id, c.number, c.name_vi, c.name_en, c.max_score) for c in components.scalars()]
    results = [row.result_id for row in table.rows if row.result_id is not None]
    found = await session.execute(
        select(ComponentResult.result_id, ComponentResult.component_id, ComponentResult.score,
               ComponentResult.score_places).where(ComponentResult.result_id.in_(results))
    )  # fmt: skip
    parts = {(result, column): (score, places) for result, column, score, places in found}
    province = within or unit  # a national table is asked for by a province's official: the province
    names = await unit_names(session, [row.unit_id for row in table.rows] + [province.id])
    return TableExport(table, stored.max_score if stored else None, columns, parts, names, names[province.id], unit_id)
