"""Ranking tables (/xephang): one index's published table for one year, as the publisher ranked it.

A table is a level of units: the provinces (PAR INDEX, SIPAS, PAPI, PCI, DTI: every province stored), or
within one province its communes, departments or districts (the internal CCHC index). Ranks are the
published ones: tied units share a rank, units without one come last ("không xếp hạng"); nothing is
re-ranked here. ``ranking_table`` takes (index, year) and the level: periods (month, quarter) plug in
beside the year later without changing its callers' shape.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, exists, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import UnitKind
from models.indices import IndexResult
from models.naming import DISTRICT_LEVEL, LOCAL, PROVINCE_LEVEL, PROVINCIAL_BODIES
from models.queries.scores import Bound, IndexInfo, published_bound
from models.tree import subtree_clause
from models.units import Unit

# the levels a table can hold, and the kinds of unit each one ranks
LEVELS: dict[str, frozenset[UnitKind]] = {
    "provinces": PROVINCE_LEVEL,
    "communes": LOCAL | {UnitKind.SPECIAL_ZONE},
    "departments": PROVINCIAL_BODIES,
    "districts": DISTRICT_LEVEL,
}


@dataclass(frozen=True)
class Level:
    """Which units a table ranks: ``kind`` a key of ``LEVELS``; ``within`` the province whose units
    (None: every province stored, the national table)."""

    kind: str
    within: Unit | None = None


@dataclass(frozen=True)
class Row:
    """One unit's line of a table."""

    unit_id: int
    score: Decimal | None
    digits: int | None  # the decimals the score was published with
    rank: int | None
    tied: bool  # another unit shares this rank ("đồng hạng")
    note: str
    bound: Bound | None = None  # the score published only as a bound ("trên 79%")


@dataclass(frozen=True)
class Table:
    index: IndexInfo
    year: int
    level: str
    rows: list[Row]  # ranked first, by rank (ties by score then unit), then the unranked
    total: int  # the denominator of "47/63": the published one, else the number of ranked units

    def position(self, unit_id: int) -> int | None:
        """The place of ``unit_id``'s row in ``rows`` (0-based), or None."""
        return next((i for i, row in enumerate(self.rows) if row.unit_id == unit_id), None)

    def above(self, unit_id: int) -> list[Row]:
        """The units ranked just better than ``unit_id`` (several when tied), nearest first."""
        mine = self._rank(unit_id)
        better = [row for row in self.rows if row.rank is not None and mine is not None and row.rank < mine]
        return [row for row in better if row.rank == better[-1].rank] if better else []

    def below(self, unit_id: int) -> list[Row]:
        """The units ranked just worse than ``unit_id`` (several when tied)."""
        mine = self._rank(unit_id)
        worse = [row for row in self.rows if row.rank is not None and mine is not None and row.rank > mine]
        return [row for row in worse if row.rank == worse[0].rank] if worse else []

    def _rank(self, unit_id: int) -> int | None:
        at = self.position(unit_id)
        return self.rows[at].rank if at is not None else None


def _query(index: IndexInfo, level: Level) -> tuple[ColumnElement[bool], ...]:
    """The results of ``index`` at ``level``. The units are picked first, in a subquery (a province's
    subtree is a range of the path index), and their results looked up by the (index, unit, …) unique
    index: SQLite, having no statistics, would otherwise walk every result of the index to keep one
    province's (the 766 index holds ~98,000 at national scale: 15-50 ms a statement)."""
    units = select(Unit.id).where(Unit.kind.in_([str(k) for k in LEVELS[level.kind]]))
    if level.within is not None:
        units = units.where(subtree_clause(level.within), Unit.id != level.within.id)
    return IndexResult.index_id == index.id, IndexResult.unit_id.in_(units)


async def ranking_years(session: AsyncSession, index: IndexInfo, level: Level) -> list[int]:
    """The years with a table of ``index`` at ``level``, newest first."""
    rows = await session.execute(
        select(IndexResult.year).join(Unit, Unit.id == IndexResult.unit_id).where(*_query(index, level)).distinct()
    )
    return sorted(rows.scalars(), reverse=True)


async def ranking_levels(session: AsyncSession, index: IndexInfo, province: Unit) -> list[str]:
    """The levels ``index`` has results at, for an official of ``province`` (provinces: anywhere; the
    others: inside ``province``), in the order of ``LEVELS``."""
    has_result = exists().where(IndexResult.index_id == index.id, IndexResult.unit_id == Unit.id)
    everywhere = select(Unit.kind).where(Unit.kind.in_([str(k) for k in LEVELS["provinces"]]), has_result)
    inside = select(Unit.kind).where(subtree_clause(province), Unit.id != province.id, has_result)
    kinds = set((await session.execute(union(everywhere, inside))).scalars())
    return [name for name, group in LEVELS.items() if kinds & group]


async def ranking_table(session: AsyncSession, index: IndexInfo, year: int, level: Level) -> Table:
    """``index``'s table for ``year`` at ``level``: every result stored, as published."""
    rows = await session.execute(
        select(
            IndexResult.unit_id,
            IndexResult.score,
            IndexResult.score_places,
            IndexResult.rank,
            IndexResult.rank_total,
            IndexResult.note,
        )
        .join(Unit, Unit.id == IndexResult.unit_id)
        .where(IndexResult.year == year, *_query(index, level))
    )
    found = list(rows)
    ties = Counter(rank for _, _, _, rank, _, _ in found if rank is not None)
    table = [
        Row(
            unit_id,
            score,
            digits,
            rank,
            rank is not None and ties[rank] > 1,
            note or "",
            published_bound(note or "") if score is None else None,
        )
        for unit_id, score, digits, rank, _, note in found
    ]
    lowest = Decimal("-1e30")
    table.sort(
        key=lambda row: (
            row.rank is None,
            row.rank or 0,
            -(row.score if row.score is not None else lowest),
            row.unit_id,
        )
    )
    totals = [total for *_, total, _ in found if total]
    total = max(totals) if totals else sum(1 for row in table if row.rank is not None)
    return Table(index, year, level.kind, table, total)
