"""The numbers behind the charts: an index's results for one unit over the years (or periods), and a drive's
leaderboard with unit names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.drives import Drive
from models.indices import PERIOD_YEAR, IndexResult, ScoreIndex, period_key
from models.queries.drives import DriveInfo, drive_board
from models.queries.units import UnitName, unit_name, unit_names


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
