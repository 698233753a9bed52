"""The numbers behind the charts: an index's results for one unit over the years (or periods), an index's
ranking table for a year or a period, a unit against its peers (/sosanh), and a drive's leaderboard with
unit names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.drives import Drive
from models.indices import PERIOD_YEAR, IndexResult, Period, ScoreIndex, period_key
from models.queries.compare import Mark, Side, Spread, compare, periods_of
from models.queries.drives import DriveInfo, drive_board
from models.queries.rankings import LEVELS, Level, ranking_table
from models.queries.scores import find_index, province_of
from models.queries.units import UnitName, unit_name, unit_names
from models.units import Unit


@dataclass(frozen=True)
class YearPoint:
    year: int
    score: Decimal | None
    rank: int | None
    rank_total: int | None
    period: str = PERIOD_YEAR  # a point of an index published by period: month, quarter, half
    period_number: int = 0


@dataclass(frozen=True)
class IndexHistory:
    code: str
    name_vi: str
    name_en: str
    score_kind: str
    max_score: Decimal | None
    unit: UnitName  # the chart's title names it in the reader's language (labels/charts.j2)
    points: list[YearPoint]  # oldest first


@dataclass(frozen=True)
class BoardBar:
    unit: str
    points: Decimal
    rank: int


@dataclass(frozen=True)
class DriveBars:
    title: str
    as_of: date
    bars: list[BoardBar]  # best first


async def index_history(session: AsyncSession, code: str, unit_id: int) -> IndexHistory | None:
    """Every published year of index ``code`` for ``unit_id`` (for an index published by period, every
    period of the kind of its latest one: the months when the latest is a month); None when the index is
    unknown or the unit has no result in it."""
    index = (await session.execute(select(ScoreIndex).where(ScoreIndex.code == code.upper()))).scalar_one_or_none()
    if index is None:
        return None
    rows = (
        await session.execute(
            select(
                IndexResult.year,
                IndexResult.score,
                IndexResult.rank,
                IndexResult.rank_total,
                IndexResult.period,
                IndexResult.period_number,
            ).where(IndexResult.index_id == index.id, IndexResult.unit_id == unit_id)
        )
    ).all()
    if not rows:
        return None
    ordered = sorted(rows, key=lambda row: period_key(row.year, row.period, row.period_number))
    kind = ordered[-1].period
    name = await unit_name(session, unit_id)
    points = [YearPoint(*row) for row in ordered if row.period == kind]
    return IndexHistory(index.code, index.name_vi, index.name_en, str(index.score_kind), index.max_score, name, points)


async def drive_bars(session: AsyncSession, drive_id: int, today: date, limit: int = 30) -> DriveBars | None:
    """The first ``limit`` of a drive's leaderboard as of ``today``; None for an unknown drive."""
    drive = await session.get(Drive, drive_id)
    if drive is None:
        return None
    board = await drive_board(
        session, DriveInfo(drive.id, drive.code, drive.title, drive.starts_on, drive.ends_on), today
    )
    shown = board.standings[:limit]
    names = await unit_names(session, [s.unit_id for s in shown])
    bars = [BoardBar(names[s.unit_id].name, s.points, s.rank) for s in shown]
    return DriveBars(drive.title, min(today, drive.ends_on), bars)


@dataclass(frozen=True)
class RankBar:
    unit: UnitName
    score: Decimal
    rank: int | None
    mine: bool  # the unit the chart was asked for: coloured


@dataclass(frozen=True)
class RankingBars:
    code: str
    period: Period
    level: str
    score_kind: str
    bars: list[RankBar]  # as the table lists them: by rank, then the unranked


async def ranking_bars(
    session: AsyncSession, code: str, year: int | str, level: str, unit_id: int, limit: int = 100
) -> RankingBars | None:
    """``code``'s table of ``year`` (a year, or a period's token: "2026-10") at ``level`` as bars (units
    with a score), ``unit_id`` marked; a table of a province's units is the table of ``unit_id``'s
    province. The first ``limit`` bars, and the marked unit's after them when it lies further down.
    None: nothing to draw."""
    index = await find_index(session, code)
    unit = await session.get(Unit, unit_id)
    period = Period.from_token(str(year))
    if index is None or unit is None or level not in LEVELS or period is None:
        return None
    within = None if level == "provinces" else await province_of(session, unit)
    table = await ranking_table(session, index, period, Level(level, within))
    rows = [row for row in table.rows if row.score is not None]
    shown = rows[:limit] + [row for row in rows[limit:] if row.unit_id == unit_id]
    if not shown:
        return None
    names = await unit_names(session, [row.unit_id for row in shown])
    bars = [
        RankBar(names[row.unit_id], row.score, row.rank, row.unit_id == unit_id)
        for row in shown
        if row.score is not None
    ]
    return RankingBars(index.code, period, level, index.score_kind, bars)


@dataclass(frozen=True)
class ComparePoint:
    """One group of a comparison chart: a component (its number) or a period, the unit's score beside
    its peers' average, best and worst."""

    label: tuple[int, str, int]  # a component: (number, "", 0); a period: (year, period, number)
    mine: Decimal | None
    average: Decimal | None
    best: Decimal | None
    worst: Decimal | None


@dataclass(frozen=True)
class CompareBars:
    code: str
    score_kind: str
    unit: UnitName
    peers: str  # models.queries.compare's names: "local", "bodies", "districts", "provinces"
    fields: bool  # the points are the components of one period (grouped bars), else periods (lines)
    points: list[ComparePoint]  # components in order, or periods oldest first
    names: list[tuple[str, str]]  # the components' names (vi, en), as many as points when ``fields``


async def compare_bars(
    session: AsyncSession, code: str, year: int, period: str, number: int, unit_id: int
) -> CompareBars | None:
    """/sosanh's chart of ``unit_id`` in ``code``: the components of the period (unit · average · best)
    where they were published, else the periods up to it as lines; None: nothing to draw."""
    index = await find_index(session, code)
    unit = await session.get(Unit, unit_id)
    if index is None or unit is None:
        return None
    side = Side(unit, (unit.id,))
    if (year, period, number) not in await periods_of(session, index, [side]):
        return None
    found = await compare(session, index, [side], await province_of(session, unit), (year, period, number))
    name = await unit_name(session, unit.id)
    if found.fields:
        points = [_point((f.number, "", 0), f.marks[0], f.spread) for f in found.fields]
        names = [(f.name_vi, f.name_en) for f in found.fields]
        return CompareBars(index.code, index.score_kind, name, found.peers, True, points, names)
    lines = [line for line in reversed(found.lines) if line.spread.count]
    points = [_point((ln.year, ln.period, ln.period_number), _own(ln.marks[0]), ln.spread) for ln in lines]
    return CompareBars(index.code, index.score_kind, name, found.peers, False, points, []) if points else None


def _own(marks: list[Mark]) -> Mark | None:
    return marks[0] if len(marks) == 1 else None


def _point(label: tuple[int, str, int], mark: Mark | None, spread: Spread) -> ComparePoint:
    best = spread.best[0].score if spread.best else None
    worst = spread.worst[0].score if spread.worst else None
    return ComparePoint(label, mark.score if mark else None, spread.average, best, worst)
