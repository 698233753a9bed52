"""Ranking tables (/xephang): one index's published table for one period, as the publisher ranked it.

A table is a level of units: the provinces (PAR INDEX, SIPAS, PAPI, PCI, DTI: every province stored), or
within one province its communes, departments or districts (the internal CCHC index). Ranks are the
published ones: tied units share a rank, units without one come last ("không xếp hạng"); nothing is
re-ranked here, except a table published by period without ranks (the 766 index's months): its ranks are
counted by score as /diem 766 counts them (ties share a rank, no score: "không xếp hạng"), and the table
says so (``Table.counted``). ``ranking_table`` takes the period (a year as an int for yearly indices).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, exists, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import UnitKind
from models.indices import PERIOD_YEAR, PERIODS, IndexResult, Period
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
    result_id: int | None = None  # the stored result (its groups or fields: ``component_scores``)


@dataclass(frozen=True)
class Table:
    index: IndexInfo
    period: Period
    level: str
    rows: list[Row]  # ranked first, by rank (ties by score then unit), then the unranked
    total: int  # the denominator of "47/63": the published one, else the number of ranked units
    counted: bool = False  # no rank was published: the ranks were counted by score

    @property
    def year(self) -> int:
        return self.period.year

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


async def ranking_periods(session: AsyncSession, index: IndexInfo, level: Level) -> list[Period]:
    """The periods with a table of ``index`` at ``level``, newest first (a year after its months)."""
    rows = await session.execute(
        select(IndexResult.year, IndexResult.period, IndexResult.period_number)
        .join(Unit, Unit.id == IndexResult.unit_id)
        .where(*_query(index, level))
        .distinct()
    )
    return sorted((Period(*row) for row in rows), key=lambda period: period.key, reverse=True)


async def ranking_years(session: AsyncSession, index: IndexInfo, level: Level) -> list[int]:
    """The years with a yearly table of ``index`` at ``level``, newest first."""
    return [p.year for p in await ranking_periods(session, index, level) if p.kind == PERIOD_YEAR]


def latest_period(periods: list[Period]) -> Period:
    """The table a bare ``/xephang`` shows: the latest of the finest kind published (the 766 index's
    latest month; a yearly index's latest year). ``periods`` newest first, not empty."""
    finest = max(PERIODS.index(p.kind) if p.kind in PERIODS else 0 for p in periods)
    return next(p for p in periods if p.kind == PERIODS[finest])


async def ranking_levels(session: AsyncSession, index: IndexInfo, province: Unit) -> list[str]:
    """The levels ``index`` has results at, for an official of ``province`` (provinces: anywhere; the
    others: inside ``province``), in the order of ``LEVELS``."""
    has_result = exists().where(IndexResult.index_id == index.id, IndexResult.unit_id == Unit.id)
    everywhere = select(Unit.kind).where(Unit.kind.in_([str(k) for k in LEVELS["provinces"]]), has_result)
    inside = select(Unit.kind).where(subtree_clause(province), Unit.id != province.id, has_result)
    kinds = set((await session.execute(union(everywhere, inside))).scalars())
    return [name for name, group in LEVELS.items() if kinds & group]


async def ranking_table(session: AsyncSession, index: IndexInfo, period: Period | int, level: Level) -> Table:
    """``index``'s table for ``period`` (an int: that year) at ``level``: every result stored, as
    published; ranked by score when the index is published by period and this table has no rank."""
    period = period if isinstance(period, Period) else Period(period)
    rows = await session.execute(
        select(
            IndexResult.unit_id,
            IndexResult.score,
            IndexResult.score_places,
            IndexResult.rank,
            IndexResult.rank_total,
            IndexResult.note,
            IndexResult.id,
        )
        .join(Unit, Unit.id == IndexResult.unit_id)
        .where(
            IndexResult.year == period.year,
            IndexResult.period == period.kind,
            IndexResult.period_number == period.number,
            *_query(index, level),
        )
    )
    found = list(rows)
    counted = not any(row.rank is not None for row in found) and await _by_period(session, index)
    ranks = _counted_ranks([(row.unit_id, row.score) for row in found]) if counted else {}
    ties = Counter(ranks.get(row.unit_id, row.rank) for row in found)
    table = []
    for unit_id, score, digits, stored, _, note, result_id in found:
        rank = ranks.get(unit_id, stored)
        bound = published_bound(note or "") if score is None else None
        table.append(
            Row(unit_id, score, digits, rank, rank is not None and ties[rank] > 1, note or "", bound, result_id)
        )
    lowest = Decimal("-1e30")
    table.sort(
        key=lambda row: (
            row.rank is None,
            row.rank or 0,
            -(row.score if row.score is not None else lowest),
            row.unit_id,
        )
    )
    totals = [row.rank_total for row in found if row.rank_total]
    total = max(totals) if totals else sum(1 for row in table if row.rank is not None)
    return Table(index, period, level.kind, table, total, counted)


def _counted_ranks(scores: list[tuple[int, Decimal | None]]) -> dict[int, int]:
    """Places by score, best first; equal scores share a place and the next place skips (1, 2, 2, 4)."""
    scored = sorted((score for _, score in scores if score is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for place, score in enumerate(scored, start=1):
        first.setdefault(score, place)
    return {unit_id: first[score] for unit_id, score in scores if score is not None}


async def _by_period(session: AsyncSession, index: IndexInfo) -> bool:
    """Whether ``index`` is published by period (months, quarters), not only by year."""
    query = select(exists().where(IndexResult.index_id == index.id, IndexResult.period != PERIOD_YEAR))
    return bool(await session.scalar(query))
