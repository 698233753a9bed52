"""An index published by month (the 766 service index) across one province: the latest months published,
and a month's board of the province's communes and of its departments, each unit with its score, its place
among the units of its kind, the change from the month before and its groups (what the month's pushes and the
leaders' digest say). A few set-based queries per province and month; no ORM objects come back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import UnitKind
from models.indices import PERIOD_MONTH, ComponentResult, IndexComponent, IndexResult, ScoreIndex
from models.queries.score_periods import peers_of
from models.rules import Change, change
from models.system import OutboxMessage
from models.units import Unit

BOTTOM = 5  # "the province's bottom five" of each kind ...


def bottom_places(total: int) -> int:
    """... but never the upper half of a small board: of 3 departments only the last is told it is at the
    bottom, of 65 communes the five lowest."""
    return min(BOTTOM, total // 2)


# the units ranked together on a monthly board: communes with wards (and special zones), departments with agencies
PEER_GROUPS = {"local": peers_of(UnitKind.COMMUNE), "bodies": peers_of(UnitKind.DEPARTMENT)}
CHUNK = 1_000

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True)
class GroupLine:
    """One group of a unit's month: its score against its maximum and its change from the month before."""

    number: int
    name_vi: str
    name_en: str
    score: Decimal | None
    max_score: Decimal | None
    points: Decimal | None  # change from the month before; None when either month is unknown
    digits: int | None


@dataclass(frozen=True)
class UnitMonth:
    unit_id: int
    peers: str  # "local" or "bodies" (PEER_GROUPS)
    score: Decimal
    digits: int | None
    rank: int  # among the province's units of its kind (as published, else counted by score; ties share)
    total: int
    bottom: bool  # among the ``bottom_places`` lowest of its kind (fewer units of its kind below it than that)
    bottom_of: int  # how many that is (5 in a province's communes)
    change: Change  # from the month before: points and places (None where that month is unknown)
    groups: list[GroupLine] = field(default_factory=list)

    @property
    def fell(self) -> bool:
        return self.change.points is not None and self.change.points < 0


@dataclass(frozen=True)
class MonthBoard:
    index_id: int
    code: str
    month: Month
    previous: Month | None  # the province's month before it with results of the index
    units: list[UnitMonth]


async def monthly_indices(session: AsyncSession) -> list[tuple[int, str]]:
    """(id, code) of every index with a monthly result."""
    rows = await session.execute(
        select(ScoreIndex.id, ScoreIndex.code)
        .where(
            select(IndexResult.id)
            .where(IndexResult.index_id == ScoreIndex.id, IndexResult.period == PERIOD_MONTH)
            .exists()
        )
        .order_by(ScoreIndex.id)
    )
    return [(index_id, code) for index_id, code in rows]


async def provinces(session: AsyncSession) -> list[Unit]:
    """The root units (provinces), in id order."""
    return list((await session.execute(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))).scalars())


def _in_province(province: Unit) -> list[ColumnElement[bool]]:
    return [Unit.path >= province.path, Unit.path < province.path[:-1] + "0"]  # "/1/" .. "/10": the subtree


async def latest_months(session: AsyncSession, index_id: int, province: Unit, count: int = 2) -> list[Month]:
    """The last ``count`` months (newest first) with a result of the index for a unit of ``province``."""
    rows = await session.execute(
        select(IndexResult.year, IndexResult.period_number)
        .join(Unit, Unit.id == IndexResult.unit_id)
        .where(IndexResult.index_id == index_id, IndexResult.period == PERIOD_MONTH, *_in_province(province))
        .group_by(IndexResult.year, IndexResult.period_number)
        .order_by(IndexResult.year.desc(), IndexResult.period_number.desc())
        .limit(count)
    )
    return [(int(year), int(month)) for year, month in rows]


@dataclass
class _Row:
    result_id: int
    unit_id: int
    peers: str
    score: Decimal
    digits: int | None
    rank: int | None  # as published
    rank_total: int | None


async def _results(session: AsyncSession, index_id: int, province: Unit, month: Month) -> list[_Row]:
    kinds = {str(k): name for name, group in PEER_GROUPS.items() for k in group}
    rows = await session.execute(
        select(
            IndexResult.id,
            IndexResult.unit_id,
            Unit.kind,
            IndexResult.score,
            IndexResult.score_places,
            IndexResult.rank,
            IndexResult.rank_total,
        )
        .join(Unit, Unit.id == IndexResult.unit_id)
        .where(
            IndexResult.index_id == index_id,
            IndexResult.period == PERIOD_MONTH,
            IndexResult.year == month[0],
            IndexResult.period_number == month[1],
            IndexResult.score.is_not(None),
            Unit.kind.in_(sorted(kinds)),
            *_in_province(province),
        )
        .order_by(IndexResult.unit_id)
    )
    return [
        _Row(rid, uid, kinds[str(kind)], score, places, rank, total)
        for rid, uid, kind, score, places, rank, total in rows
        if score is not None  # (filtered in SQL too: for the type)
    ]


def _places(rows: list[_Row]) -> dict[int, tuple[int, int, int]]:
    """Unit id -> (rank, total, units of its kind below it) within each peer group: the published rank
    when there is one, else 1 + the number of units of its kind with a higher score."""
    found: dict[int, tuple[int, int, int]] = {}
    for name in PEER_GROUPS:
        scores = sorted(r.score for r in rows if r.peers == name)
        for r in (r for r in rows if r.peers == name):
            higher = sum(1 for s in scores if s > r.score)
            lower = sum(1 for s in scores if s < r.score)
            rank = r.rank if r.rank is not None else higher + 1
            found[r.unit_id] = (rank, r.rank_total or len(scores), lower)
    return found


async def _groups(
    session: AsyncSession, result_ids: Iterable[int]
) -> dict[int, dict[int, tuple[Decimal | None, int | None]]]:
    """Result id -> group number -> (score, decimals)."""
    found: dict[int, dict[int, tuple[Decimal | None, int | None]]] = {}
    ordered = sorted(set(result_ids))
    for start in range(0, len(ordered), CHUNK):
        rows = await session.execute(
            select(
                ComponentResult.result_id, IndexComponent.number, ComponentResult.score, ComponentResult.score_places
            )
            .join(IndexComponent, IndexComponent.id == ComponentResult.component_id)
            .where(ComponentResult.result_id.in_(ordered[start : start + CHUNK]))
        )
        for result_id, number, score, places in rows:
            found.setdefault(result_id, {})[number] = (score, places)
    return found


async def _components(session: AsyncSession, index_id: int) -> list[IndexComponent]:
    rows = await session.execute(
        select(IndexComponent).where(IndexComponent.index_id == index_id).order_by(IndexComponent.number)
    )
    return list(rows.scalars())


def _group_lines(
    components: list[IndexComponent],
    now: dict[int, tuple[Decimal | None, int | None]],
    before: dict[int, tuple[Decimal | None, int | None]],
) -> list[GroupLine]:
    lines = []
    for c in components:
        score, digits = now.get(c.number, (None, None))
        earlier = before.get(c.number, (None, None))[0]
        points = score - earlier if score is not None and earlier is not None else None
        lines.append(GroupLine(c.number, c.name_vi, c.name_en, score, c.max_score, points, digits))
    return lines


async def month_board(
    session: AsyncSession, index: tuple[int, str], province: Unit, month: Month, previous: Month | None
) -> MonthBoard:
    """The province's communes and departments with a score for ``month``, each against ``previous``."""
    index_id, code = index
    rows = await _results(session, index_id, province, month)
    before = await _results(session, index_id, province, previous) if previous else []
    places, earlier_places = _places(rows), _places(before)
    earlier = {r.unit_id: r for r in before}
    groups = await _groups(session, [r.result_id for r in rows] + [r.result_id for r in before])
    components = await _components(session, index_id)
    units = []
    for r in rows:
        rank, total, lower = places[r.unit_id]
        bottom_of = bottom_places(sum(1 for o in rows if o.peers == r.peers))
        b = earlier.get(r.unit_id)
        moved = change(
            r.score,
            rank,
            b.score if b else None,
            earlier_places[b.unit_id][0] if b else None,
            digits=(r.digits, b.digits if b else None, None),
        )
        lines = _group_lines(components, groups.get(r.result_id, {}), groups.get(b.result_id, {}) if b else {})
        units.append(
            UnitMonth(r.unit_id, r.peers, r.score, r.digits, rank, total, lower < bottom_of, bottom_of, moved, lines)
        )
    return MonthBoard(index_id, code, month, previous, units)


async def announced(session: AsyncSession, kind: str, prefix: str) -> bool:
    """Whether a push of ``kind`` whose key starts with ``prefix`` was ever queued (sent or not)."""
    found = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.dedupe_key.startswith(prefix, autoescape=True))
    )
    return bool(found)


async def last_context(session: AsyncSession, kind: str, prefix: str, not_prefix: str) -> dict[str, object] | None:
    """The context of the newest push of ``kind`` whose key starts with ``prefix`` but not ``not_prefix``."""
    row = await session.scalar(
        select(OutboxMessage.context)
        .where(
            OutboxMessage.kind == kind,
            OutboxMessage.dedupe_key.startswith(prefix, autoescape=True),
            ~OutboxMessage.dedupe_key.startswith(not_prefix, autoescape=True),
        )
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    )
    return dict(row) if row is not None else None
