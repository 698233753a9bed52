"""An index published by period (the 766 service index: month, quarter, year) for one unit: its latest
period with the five groups against their maxima, its rank among the province's units of its kind, the
change from the previous period of the same kind, and its series over the periods (the trend)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import UnitKind
from models.indices import IndexResult, ScoreIndex, period_key
from models.naming import DISTRICT_LEVEL, LOCAL, PROVINCE_LEVEL, PROVINCIAL_BODIES
from models.queries.scores import ComponentLine, IndexInfo, SeriesPoint, component_lines, series_of
from models.rules import Change, change
from models.tree import subtree_bounds, subtree_range
from models.units import Unit

SERVICE_INDEX = "766"
SERIES_SHOWN = 12  # the periods a reply lists (the chart draws them all)

# units ranked together: communes with wards and special zones, departments with agencies and centres
_PEERS = (LOCAL | {UnitKind.SPECIAL_ZONE}, PROVINCIAL_BODIES, DISTRICT_LEVEL, PROVINCE_LEVEL)


@dataclass(frozen=True)
class PeriodDetail:
    index: IndexInfo
    max_score: Decimal | None
    unit_id: int
    year: int
    period: str  # models.indices: year, half, quarter, month
    period_number: int  # 0 for a year
    score: Decimal | None
    digits: int | None
    rank: int | None  # among the province's units of its kind (as published, else counted by score)
    rank_total: int | None
    previous: tuple[int, str, int] | None  # the previous period of the same kind: year, period, number
    change: Change  # from the previous period: points and places
    components: list[ComponentLine]  # the groups with their maxima
    series: list[SeriesPoint]  # the last ``SERIES_SHOWN`` periods of the same kind, oldest first
    weakest: ComponentLine | None  # the group furthest below its maximum, in points (what pulls the unit down)
    peers: str  # who it is ranked among: "local" (communes, wards), "bodies" (departments), "districts", "provinces"


def _peer_name(kind: str) -> str:
    names = ("local", "bodies", "districts", "provinces")
    return next((name for name, group in zip(names, _PEERS, strict=True) if kind in group), "units")


def _weakest(components: list[ComponentLine]) -> ComponentLine | None:
    scored = [c for c in components if c.score is not None and c.max_score is not None]
    if not scored:
        return None
    worst = max(scored, key=lambda c: (c.max_score or 0) - (c.score or 0))
    return worst if worst.score != worst.max_score else None


def peers_of(kind: str) -> frozenset[str]:
    """The kinds of unit ranked together with a unit of ``kind``."""
    for group in _PEERS:
        if kind in group:
            return frozenset(str(k) for k in group)
    return frozenset({kind})


_HAS_RESULTS = select(
    exists().where(
        IndexResult.unit_id == bindparam("unit_id"),
        IndexResult.index_id == ScoreIndex.id,
        ScoreIndex.code == bindparam("code"),
    )
)


async def has_period_results(session: AsyncSession, unit_id: int, code: str = SERVICE_INDEX) -> bool:
    """Whether ``unit_id`` has any result of index ``code`` (the commune chair's default view of /diem)."""
    return bool(await session.scalar(_HAS_RESULTS, {"unit_id": unit_id, "code": code}))


def _peer_scores() -> Any:
    """The count of the scores of a period's results among the province's units of some kinds, and of
    those above a score; built once (the province's peers first, a range of the path index, then their
    results by the unique index: joined the other way, SQLite walks every result of the index in the
    country)."""
    units = select(Unit.id).where(subtree_range(), Unit.kind.in_(bindparam("kinds", expanding=True)))
    peers = (
        select(IndexResult.score)
        .where(
            IndexResult.index_id == bindparam("index_id"),
            IndexResult.unit_id.in_(units),
            IndexResult.year == bindparam("year"),
            IndexResult.period == bindparam("period"),
            IndexResult.period_number == bindparam("period_number"),
            IndexResult.score.is_not(None),
        )
        .subquery()
    )
    return select(func.count(), func.count().filter(peers.c.score > bindparam("score"))).select_from(peers)


_PEER_SCORES = _peer_scores()
_UNIT_RESULTS = select(IndexResult).where(
    IndexResult.unit_id == bindparam("unit_id"), IndexResult.index_id == bindparam("index_id")
)


async def _rank(
    session: AsyncSession, result: IndexResult, unit: Unit, province: Unit
) -> tuple[int | None, int | None]:
    """The published rank, else the place of ``result`` among the scores of the province's units of the
    same kind for the same period (ties share a place)."""
    if result.rank is not None:
        return result.rank, result.rank_total
    if result.score is None:
        return None, None
    params = {
        "kinds": sorted(peers_of(str(unit.kind))),
        "index_id": result.index_id,
        "year": result.year,
        "period": result.period,
        "period_number": result.period_number,
        "score": result.score,
    }
    total, above = (await session.execute(_PEER_SCORES, params | subtree_bounds(province))).one()
    return int(above) + 1, int(total)


async def latest_period(
    session: AsyncSession, index: IndexInfo, unit: Unit, province: Unit, year: int | None = None
) -> PeriodDetail | None:
    """The unit's latest result of ``index`` (in ``year`` when given): a year's result comes after the
    months of that year; the previous period is the one before of the same kind (October after September,
    a year after the year before). None when the unit has no result of the index."""
    rows = (await session.execute(_UNIT_RESULTS, {"unit_id": unit.id, "index_id": index.id})).scalars()
    results = sorted(rows, key=lambda r: period_key(r.year, r.period, r.period_number))
    if year is not None:
        results = [r for r in results if r.year <= year]
        if not any(r.year == year for r in results):
            return None
    if not results:
        return None
    latest = results[-1]
    same = [r for r in results if r.period == latest.period]
    before = same[-2] if len(same) > 1 else None
    rank, total = await _rank(session, latest, unit, province)
    previous_rank = (await _rank(session, before, unit, province))[0] if before is not None else None
    moved = change(
        latest.score,
        rank,
        before.score if before else None,
        previous_rank,
        latest.score_delta,
        latest.rank_delta,
        digits=(latest.score_places, before.score_places if before else None, latest.delta_places),
    )
    index_row = await session.get(ScoreIndex, index.id)
    components = await component_lines(session, latest.id, before.id if before else None)
    return PeriodDetail(
        index=index,
        max_score=index_row.max_score if index_row else None,
        unit_id=unit.id,
        year=latest.year,
        period=latest.period,
        period_number=latest.period_number,
        score=latest.score,
        digits=latest.score_places,
        rank=rank,
        rank_total=total,
        previous=(before.year, before.period, before.period_number) if before else None,
        change=moved,
        components=components,
        series=series_of(same)[-SERIES_SHOWN:],  # a phone screen: the last year of months
        weakest=_weakest(components),
        peers=_peer_name(str(unit.kind)),
    )
