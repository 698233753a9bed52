"""/sosanh: a unit's published results against its peers, or two units side by side.

Peers are the units ranked together with it (``score_periods.peers_of``: communes with wards, departments
with agencies, provinces with provinces) in the same province, or every province stored for a province.
For each period shown: the unit's score and rank, the peers' average (two decimals, over the units with
a score), the best and the worst; for the latest period the components side by side. A period before the
unit existed shows the units it was formed from (``ids`` of a ``Side``: the unit first, then them).
Nothing is re-published: scores keep their decimals, ranks are the published ones, else counted by score
among the peers of the same period (ties share a place). Regions are not stored, so nothing is said of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from sqlalchemy import BigInteger, bindparam, select, tuple_, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Exact, exact
from models.db import read_cache
from models.enums import UnitKind
from models.indices import ComponentResult, IndexComponent, IndexResult, period_key
from models.naming import DISTRICT_LEVEL, LOCAL, PROVINCE_LEVEL, PROVINCIAL_BODIES
from models.queries.score_periods import peers_of
from models.queries.scores import Bound, IndexInfo, published_bound
from models.tree import subtree_bounds, subtree_range
from models.units import Unit

# the periods a reply lists, two lines each: a phone screen (and a hundred peers' results per period read)
PERIODS_SHOWN = {"month": 6, "quarter": 4, "half": 4}
YEARS_SHOWN = 10
CENT = Decimal("0.01")

PeriodKey = tuple[int, str, int]  # year, period (models.indices), number (0 for a year)


@dataclass(frozen=True)
class Side:
    """One unit compared: the unit, and the ids whose results are its own (itself, then the units it was
    formed from that the asker may read)."""

    unit: Unit
    ids: tuple[int, ...]


@dataclass(frozen=True)
class Mark:
    """One unit's result in one period."""

    unit_id: int
    score: Decimal | None
    digits: int | None
    rank: int | None
    rank_total: int | None
    bound: Bound | None = None
    earlier: bool = False  # a result of a unit this one was formed from


@dataclass(frozen=True)
class Spread:
    """The peers' results in one period: how many have a score, their average, the best and the worst."""

    count: int
    average: Decimal | None  # two decimals, half up
    best: list[Mark]  # several when tied
    worst: list[Mark]

    def gap(self, mark: Mark) -> Decimal | None:
        """``mark``'s score minus the average as shown (so the sentence agrees with its numbers)."""
        return None if mark.score is None or self.average is None else mark.score - self.average


@dataclass(frozen=True)
class PeriodLine:
    year: int
    period: str
    period_number: int
    marks: list[list[Mark]]  # per side: its own result, else its predecessors'; [] when none
    spread: Spread


@dataclass(frozen=True)
class FieldLine:
    """One component of the latest period: each side's score, the peers' average and best."""

    number: int
    name_vi: str
    name_en: str
    max_score: Decimal | None
    marks: list[Mark | None]  # per side
    spread: Spread


@dataclass(frozen=True)
class Comparison:
    index: IndexInfo
    sides: list[Side]
    peers: str  # "local", "bodies", "districts", "provinces", "units" (score_periods' names)
    national: bool  # the peers are every province stored
    lines: list[PeriodLine]  # newest first
    fields: list[FieldLine]  # of ``lines[0]``
    weakest: FieldLine | None  # the field furthest below the peers' average (one side only)


class _Result(NamedTuple):  # a tuple, not a frozen dataclass: a commune's /sosanh reads ~600 of them
    id: int
    unit_id: int
    stored: int | None  # the score as stored (``models.base.Exact``'s integer): compared and added as it is,
    digits: int | None  # made a Decimal only for the few results a reply shows (``exact``)
    rank: int | None
    rank_total: int | None
    note: str
    kind: str  # the unit's


_COLUMNS = (
    IndexResult.id,
    IndexResult.unit_id,
    IndexResult.year,
    IndexResult.period_number,
    type_coerce(IndexResult.score, BigInteger),
    IndexResult.score_places,
    IndexResult.rank,
    IndexResult.rank_total,
    IndexResult.note,
)


async def _peer_kinds(session: AsyncSession, kinds: frozenset[str], within: Unit | None) -> dict[int, str]:
    """The units that may be peers, with their kinds: of ``kinds``, below ``within`` (None: anywhere)."""
    if within is None:
        rows = await (await session.connection()).execute(_KINDS, {"kinds": sorted(kinds)})
    else:  # an index range on the path, not a LIKE that SQLite scans every unit for
        params = {"kinds": sorted(kinds), "within": within.id, **subtree_bounds(within)}
        rows = await (await session.connection()).execute(_KINDS_BELOW, params)
    return {unit_id: str(kind) for unit_id, kind in rows.all()}


# the statements of a /sosanh, built once (building them anew was a tenth of the call)
_KINDS = select(Unit.id, Unit.kind).where(Unit.kind.in_(bindparam("kinds", expanding=True)))
_KINDS_BELOW = _KINDS.where(subtree_range(), Unit.id != bindparam("within"))
_PEER_RESULTS = select(*_COLUMNS).where(
    IndexResult.unit_id.in_(bindparam("units", expanding=True)),
    IndexResult.index_id == bindparam("index"),
    IndexResult.period == bindparam("period"),
)
# periods within one year (the months of a /sosanh, most of the year): the unique index's last two columns
# as a range, every probe of it a result to keep (a month a side lacks but peers have is read and dropped)
_WITHIN_YEAR = _PEER_RESULTS.where(
    IndexResult.year == bindparam("year"),
    IndexResult.period_number.between(bindparam("first"), bindparam("last")),
)
# across years: a unit's periods of those years (the index's third column), the pairs wanted among them
_ACROSS_YEARS = _PEER_RESULTS.where(
    IndexResult.year.in_(bindparam("years", expanding=True)),
    tuple_(IndexResult.year, IndexResult.period_number).in_(bindparam("periods", expanding=True)),
)


async def _results(
    session: AsyncSession, kinds: dict[int, str], index: IndexInfo, shown: list[PeriodKey]
) -> dict[PeriodKey, list[_Result]]:
    """The results of the units of ``kinds`` in the periods ``shown`` (all of one kind), by period (looked
    up by unit through the results' unique index: a province's hundred units, not the country's results
    of the index). Plain rows through the session's connection, fetched at once, the scores as integers:
    the ORM's row loading, then each row's Decimal, were most of a commune's /sosanh."""
    found: dict[PeriodKey, list[_Result]] = defaultdict(list)
    if not shown:
        return found
    period, years = shown[0][1], sorted({key[0] for key in shown})
    params: dict[str, object] = {"units": list(kinds), "index": index.id, "period": period}
    if len(years) == 1:
        numbers = [key[2] for key in shown]
        query, params = _WITHIN_YEAR, params | {"year": years[0], "first": min(numbers), "last": max(numbers)}
    else:
        query, params = _ACROSS_YEARS, params | {"years": years, "periods": [(key[0], key[2]) for key in shown]}
    wanted = set(shown)
    for r in (await (await session.connection()).execute(query, params)).all():
        if (key := (r[2], period, r[3])) in wanted:
            found[key].append(_Result(r[0], r[1], r[4], r[5], r[6], r[7], r[8] or "", kinds[r[1]]))
    return found


def _score(stored: int | None) -> Decimal | None:
    return None if stored is None else exact(stored)


def _sort_key(key: PeriodKey) -> tuple[int, int, int]:
    return period_key(*key)


async def periods_of(session: AsyncSession, index: IndexInfo, sides: list[Side]) -> list[PeriodKey]:
    """Every period any side (or a unit it was formed from) has a result of ``index`` in, newest first;
    read once per message (``models.db.read_cache``: /sosanh asks it to choose the index, then again)."""
    ids = frozenset(unit_id for side in sides for unit_id in side.ids)
    known: dict[tuple[int, frozenset[int]], list[PeriodKey]] = read_cache(session).setdefault(_PERIODS, {})
    if (index.id, ids) not in known:
        rows = await session.execute(_PERIODS_OF, {"index": index.id, "ids": list(ids)})
        known[(index.id, ids)] = sorted({(y, p, n) for y, p, n in rows}, key=_sort_key, reverse=True)
    return list(known[(index.id, ids)])


_PERIODS = "compare_periods"  # in models.db.read_cache: (index id, unit ids) -> periods_of
_PERIODS_OF = (
    select(IndexResult.year, IndexResult.period, IndexResult.period_number)
    .where(IndexResult.index_id == bindparam("index"), IndexResult.unit_id.in_(bindparam("ids", expanding=True)))
    .distinct()
)


def pick_period(periods: list[PeriodKey], year: int | None, wanted: PeriodKey | None) -> PeriodKey | None:
    """The period compared in detail: the one asked, else the latest of ``year``, else the latest; a
    year's result before its months (the year closes them)."""
    if wanted is not None:
        return wanted if wanted in periods else None
    return next((key for key in periods if year is None or key[0] == year), None)


def _peer_scope(sides: list[Side], province: Unit) -> tuple[frozenset[str], Unit | None]:
    kinds = frozenset().union(*(peers_of(str(side.unit.kind)) for side in sides))
    national = all(side.unit.kind in PROVINCE_LEVEL for side in sides)
    return kinds, None if national else province


async def compare(
    session: AsyncSession,
    index: IndexInfo,
    sides: list[Side],
    province: Unit,
    chosen: PeriodKey,
    periods: list[PeriodKey] | None = None,
) -> Comparison:
    """``sides`` (one unit, or two) in ``index`` over the periods of ``chosen``'s kind up to ``chosen``
    (the last ``PERIODS_SHOWN`` or ``YEARS_SHOWN``), against their peers; the components of ``chosen``.
    ``periods``: the sides' ``periods_of``, when the caller has it already."""
    kinds, within = _peer_scope(sides, province)
    periods = periods if periods is not None else await periods_of(session, index, sides)
    shown = [key for key in periods if key[1] == chosen[1]]
    shown = [key for key in shown if _sort_key(key) <= _sort_key(chosen)][: PERIODS_SHOWN.get(chosen[1], YEARS_SHOWN)]
    by_period = await _results(session, await _peer_kinds(session, kinds, within), index, shown)
    lines = [_period_line(key, by_period[key], sides) for key in shown]
    peer_ids = {result.unit_id for result in _group(by_period[chosen], str(sides[0].unit.kind))}
    fields = await _fields(session, by_period[chosen], peer_ids, lines[0] if lines else None)
    first = sides[0].unit
    return Comparison(
        index,
        sides,
        _peer_name(str(first.kind)),
        within is None,
        lines,
        fields,
        _weakest(fields) if len(sides) == 1 else None,
    )


def _peer_name(kind: str) -> str:
    """Who a unit of ``kind`` is compared with, in score_periods' words."""
    groups = {"local": LOCAL | {UnitKind.SPECIAL_ZONE}, "bodies": PROVINCIAL_BODIES}
    groups |= {"districts": DISTRICT_LEVEL, "provinces": PROVINCE_LEVEL}
    return next((name for name, group in groups.items() if kind in group), "units")


def _mark(result: _Result, peers: list[_Result], earlier: bool) -> Mark:
    rank, total = result.rank, result.rank_total
    scored = [peer.stored for peer in peers if peer.stored is not None]
    if rank is None and result.stored is not None:
        rank = 1 + sum(1 for stored in scored if stored > result.stored)
    if rank is not None and total is None:
        total = max(len(scored), sum(1 for peer in peers if peer.rank is not None), rank)
    bound = published_bound(result.note) if result.stored is None else None
    return Mark(result.unit_id, _score(result.stored), result.digits, rank, total, bound, earlier)


class _Score(NamedTuple):
    """A peer's score, before it is worth a ``Mark`` (only the best and the worst become one)."""

    unit_id: int
    stored: int | None  # as ``_Result.stored``
    digits: int | None
    rank: int | None = None
    rank_total: int | None = None


def _spread(scores: Sequence[_Score | _Result]) -> Spread:
    values = [one.stored for one in scores if one.stored is not None]
    if not values:
        return Spread(0, None, [], [])
    # the exact sum over the exact count, as the Decimals' would be: the same quotient, rounded once
    average = (Decimal(sum(values)) / (Exact.SCALE * len(values))).quantize(CENT, rounding=ROUND_HALF_UP)
    top, bottom = max(values), min(values)

    def marks(stored: int) -> list[Mark]:
        return [
            Mark(one.unit_id, exact(stored), one.digits, one.rank, one.rank_total)
            for one in scores
            if one.stored == stored
        ]

    return Spread(len(values), average, marks(top), marks(bottom))


def _group(results: list[_Result], unit_kind: str) -> list[_Result]:
    """The results of the units ranked together with a unit of ``unit_kind``."""
    group = peers_of(unit_kind)
    return [result for result in results if result.kind in group]


def _period_line(key: PeriodKey, results: list[_Result], sides: list[Side]) -> PeriodLine:
    marks = []
    for side in sides:
        peers = _group(results, str(side.unit.kind))
        own = [r for r in results if r.unit_id == side.unit.id]
        earlier = not own
        own = own or [r for r in results if r.unit_id in side.ids[1:]]
        marks.append([_mark(result, peers, earlier) for result in own])
    first_peers = _group(results, str(sides[0].unit.kind))
    spread = _spread(first_peers)
    return PeriodLine(key[0], key[1], key[2], marks, spread)


async def _fields(
    session: AsyncSession, results: list[_Result], peers: set[int], line: PeriodLine | None
) -> list[FieldLine]:
    """The components of the latest period: each side's (its single result's), the peers' average and best."""
    if line is None:
        return []
    connection = await session.connection()
    rows = await connection.execute(_GROUPS, {"results": [result.id for result in results]})
    unit_of = {result.id: result.unit_id for result in results}
    scores: dict[int, list[_Score]] = defaultdict(list)
    for result_id, component_id, stored, digits in rows.all():
        scores[component_id].append(_Score(unit_of[result_id], stored, digits))
    if not scores:
        return []
    found = await connection.execute(_COMPONENTS, {"ids": list(scores)})
    components: dict[int, tuple[int, str, str, Decimal | None]] = {
        number: (component_id, vi, en, top) for component_id, number, vi, en, top in found.all()
    }
    chosen = [marks[0].unit_id if len(marks) == 1 else None for marks in line.marks]
    fields = []
    for number in sorted(components):
        component_id, name_vi, name_en, max_score = components[number]
        by_unit = {mark.unit_id: mark for mark in scores[component_id]}
        own = [by_unit.get(unit_id) if unit_id is not None else None for unit_id in chosen]
        mine = [None if one is None else Mark(one.unit_id, _score(one.stored), one.digits, None, None) for one in own]
        if all(mark is None or mark.score is None for mark in mine):
            continue
        spread = _spread([mark for mark in scores[component_id] if mark.unit_id in peers])
        fields.append(FieldLine(number, name_vi, name_en, max_score, mine, spread))
    return fields


_GROUPS = select(
    ComponentResult.result_id,
    ComponentResult.component_id,
    type_coerce(ComponentResult.score, BigInteger),
    ComponentResult.score_places,
).where(ComponentResult.result_id.in_(bindparam("results", expanding=True)))
_COMPONENTS = select(
    IndexComponent.id, IndexComponent.number, IndexComponent.name_vi, IndexComponent.name_en, IndexComponent.max_score
).where(IndexComponent.id.in_(bindparam("ids", expanding=True)))


def _weakest(fields: list[FieldLine]) -> FieldLine | None:
    """The field whose score is furthest below the peers' average; None when none is below it."""
    below = [
        (gap, field)
        for field in fields
        if (mark := field.marks[0]) is not None and (gap := field.spread.gap(mark)) is not None and gap < 0
    ]
    return min(below, key=lambda pair: pair[0])[1] if below else None
