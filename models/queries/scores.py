"""Published index results of a unit: the latest year of each index with its change against the
previous year, one index's year in detail with its components, and the fields that fell most.

"Previous year" is ``year - 1``. When that year's result is not stored (or lacks the value), the change
is the one the report published with the result (``score_delta``/``rank_delta``), see ``rules.change``;
in one index's detail, when neither is there, the change is from the latest earlier year stored (PAR
INDEX 2023 against 2021 when 2022 is missing), and the detail names that year (``ResultLine.compared``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.db import read_cache
from models.indices import PERIOD_YEAR, YEARLY, ComponentResult, IndexComponent, IndexResult, ScoreIndex, period_key
from models.lineage import UNITS_BY_ID, Period, units_named
from models.naming import PROVINCE_LEVEL
from models.queries.units import UnitName, pick_dated, unit_names
from models.resolver import resolver_of
from models.rules import Change, change, fell_most
from models.standard_indices import STANDARD_INDICES
from models.text import fold
from models.units import Unit

REPORT_ORDER = ("PAR", "SIPAS", "PAPI", "PCI", "DTI", "CCHC", "766")


@dataclass(frozen=True)
class Bound:
    """A value published only as a bound ("trên 79%": the report said no more): the side (above, below,
    at_least, at_most), the number and the decimals it was written with."""

    side: str
    value: Decimal
    digits: int


# "trên 79%", "dưới 50 điểm", "từ 85% trở lên", "không quá 30", folded (no diacritics, lower case)
_BOUND = re.compile(
    r"(?P<side>tren|hon|duoi|tu|it nhat|toi thieu|khong qua|toi da)\s*(?P<value>\d+(?:[.,]\d+)?)\s*(?:%|diem)?"
    r"(?P<up>\s*tro len)?"
)
_SIDES = {"tren": "above", "hon": "above", "duoi": "below", "tu": "at_least", "it nhat": "at_least"}
_SIDES |= {"toi thieu": "at_least", "khong qua": "at_most", "toi da": "at_most"}


def published_bound(text: str) -> Bound | None:
    """The bound ``text`` states when it says nothing else ("trên 79%", "từ 85% trở lên"), else None."""
    found = _BOUND.fullmatch(fold(text).strip())
    if found is None:
        return None
    written = found["value"].replace(",", ".")
    try:
        value = Decimal(written)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
    digits = len(written.partition(".")[2])
    return Bound(_SIDES[found["side"]], value, digits)


@dataclass(frozen=True)
class IndexInfo:
    id: int
    code: str  # PAR, SIPAS, ...
    name_vi: str
    name_en: str
    score_kind: str  # points | percent


@dataclass(frozen=True)
class ResultLine:
    """One unit's result in one index for one year, with the change against the year before."""

    index: IndexInfo
    result_id: int
    unit_id: int
    year: int
    score: Decimal | None
    rank: int | None
    rank_total: int | None
    group_label: str | None
    previous_group_label: str | None
    digits: int | None  # the decimals the score was published with; None: unknown (shown with two)
    note: str
    change: Change
    previous_result_id: int | None
    bound: Bound | None = None  # the score published only as a bound ("trên 79%"), when it is unknown
    compared: int | None = None  # the year the change is from, when not the year before (a gap year)


@dataclass(frozen=True)
class ComponentLine:
    number: int
    name_vi: str
    name_en: str
    score: Decimal | None
    rank: int | None
    rank_total: int | None
    change: Change
    digits: int | None = None  # the decimals the score was published with
    bound: Bound | None = None  # components carry no published bound; here so one macro says both
    max_score: Decimal | None = None  # the component's own maximum (the 766 groups: 18, 20, 22, 18, 22)


@dataclass(frozen=True)
class SeriesPoint:
    """One period of an index's series for a unit, with the change in points from the point before."""

    year: int
    period: str  # models.indices: year, half, quarter, month
    period_number: int  # 0 for a year
    score: Decimal | None
    digits: int | None
    change: Change
    since: int | None = None  # the year the change is from, when a year is missing in between


@dataclass(frozen=True)
class IndexDetail:
    result: ResultLine
    components: list[ComponentLine]
    fell_most: list[ComponentLine]
    years: list[int]  # every year with a result of this index for this unit, newest first
    series: list[SeriesPoint] = field(default_factory=list)  # every year, oldest first (the trend)


def series_of(results: list[IndexResult]) -> list[SeriesPoint]:
    """``results`` (of one index, one unit, one kind of period) as a series, oldest first, each point with
    its change in points from the one before (none for the first, nor where either score is unknown)."""
    ordered = sorted(results, key=lambda r: period_key(r.year, r.period, r.period_number))
    points = []
    for before, result in zip([None, *ordered], ordered, strict=False):
        moved = change(
            result.score,
            None,
            before.score if before else None,
            None,
            digits=(result.score_places, before.score_places if before else None, None),
        )
        gap = before is not None and result.period == PERIOD_YEAR and before.year != result.year - 1
        point = SeriesPoint(result.year, result.period, result.period_number, result.score, result.score_places, moved)
        points.append(replace(point, since=before.year) if gap and before is not None else point)
    return points


def _order(code: str) -> tuple[int, str]:
    return (REPORT_ORDER.index(code) if code in REPORT_ORDER else len(REPORT_ORDER), code)


def _info(index: ScoreIndex) -> IndexInfo:
    return IndexInfo(index.id, index.code, index.name_vi, index.name_en, str(index.score_kind))


_INDICES = select(ScoreIndex.id, ScoreIndex.code, ScoreIndex.name_vi, ScoreIndex.name_en, ScoreIndex.score_kind)


async def list_indices(session: AsyncSession) -> list[IndexInfo]:
    """Every index, in report order (PAR INDEX, SIPAS, PAPI, PCI, DTI, internal CCHC, then others); read
    once per message (``models.db.read_cache``: a message may ask for them more than once)."""
    memo = read_cache(session)
    if "indices" not in memo:
        rows = await session.execute(_INDICES)
        infos = (IndexInfo(i, code, vi, en, str(kind)) for i, code, vi, en, kind in rows)
        memo["indices"] = sorted(infos, key=lambda info: _order(info.code))
    known: list[IndexInfo] = memo["indices"]
    return list(known)


# the names users type for a standard index besides its code ("dvc", "chisodvc": 766), folded
_TYPED = {re.sub(r"[^a-z0-9]", "", fold(alias)): s.code for s in STANDARD_INDICES for alias in s.aliases}


async def find_index(session: AsyncSession, text: str) -> IndexInfo | None:
    """An index by code, ignoring case and diacritics ("par", "Sipas", "par index"), or by a name users
    type for a standard one ("dvc", "chisodvc": the 766 index)."""
    wanted = fold(text).replace(" ", "").removesuffix("index")
    known = _TYPED.get(re.sub(r"[^a-z0-9]", "", fold(text)))
    for info in await list_indices(session):
        if fold(info.code).replace(" ", "") in (wanted, f"{wanted}index") or info.code == known:
            return info
    return None


async def province_of(session: AsyncSession, unit: Unit) -> Unit:
    """The province ``unit`` lies in: the nearest province among itself and its ancestors, else its root."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    if not ids or unit.kind in PROVINCE_LEVEL:
        return unit
    chain = {u.id: u for u in (await session.execute(UNITS_BY_ID, {"ids": ids})).scalars()}
    ordered = [chain[i] for i in ids if i in chain]
    provinces = [u for u in ordered if u.kind in PROVINCE_LEVEL]
    return provinces[-1] if provinces else (ordered[0] if ordered else unit)


async def ranked_units(session: AsyncSession, text: str, province: Unit, period: Period) -> list[Unit]:
    """The units a request names for ``period`` (the year asked about, or today): by code or name within
    ``province``, else anywhere (rankings are public), those valid on a day of the period: one, or
    several to choose from. When the text names only units not valid then, the one still in existence
    or that ended last (a question about an abolished commune is about its history); none: [].

    A code the reform reused names the old commune in 2024 and the new one in 2026; in 2025 both."""
    if not fold(text):
        return []
    named = await units_named(session, text, (None, None), province) or await units_named(session, text, (None, None))
    valid = [unit for unit in named if unit.valid_during(*period)]
    if valid:
        return sorted(valid, key=lambda unit: unit.valid_from or date.min)  # the older one first
    latest = pick_dated(named)
    return [latest] if latest is not None else []


async def closest_units(session: AsyncSession, text: str, period: Period) -> list[UnitName]:
    """The units valid in ``period`` whose names are nearest to ``text``, a name that means none ("Có
    phải: …?")."""
    everything = (await session.execute(select(Unit).order_by(Unit.path))).scalars()
    near = [u for u in (await resolver_of(session, everything)).closest(text) if u.valid_during(*period)]
    names = await unit_names(session, [u.id for u in near])
    return [names[u.id] for u in near]


async def _results(session: AsyncSession, unit_id: int, index_id: int | None = None) -> list[IndexResult]:
    query = select(IndexResult).where(IndexResult.unit_id == unit_id, YEARLY)
    if index_id is not None:
        query = query.where(IndexResult.index_id == index_id)
    return list((await session.execute(query)).scalars())


def _line(info: IndexInfo, result: IndexResult, previous: IndexResult | None) -> ResultLine:
    note = result.note or ""
    bound = published_bound(note) if result.score is None else None
    return ResultLine(
        index=info,
        result_id=result.id,
        unit_id=result.unit_id,
        year=result.year,
        score=result.score,
        rank=result.rank,
        rank_total=result.rank_total,
        group_label=result.group_label,
        previous_group_label=previous.group_label if previous else None,
        digits=result.score_places,
        note="" if bound is not None else note,  # a note that is the bound is said as the value
        change=change(
            result.score,
            result.rank,
            previous.score if previous else None,
            previous.rank if previous else None,
            result.score_delta,
            result.rank_delta,
            digits=(result.score_places, previous.score_places if previous else None, result.delta_places),
        ),
        previous_result_id=previous.id if previous else None,
        bound=bound,
    )


_UNIT_RESULTS = (
    select(IndexResult, ScoreIndex)
    .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
    .where(IndexResult.unit_id == bindparam("unit_id"), YEARLY)
)


async def latest_results(session: AsyncSession, unit_id: int, year: int | None = None) -> list[ResultLine]:
    """The unit's result in each index for its latest year (or for ``year``), in report order."""
    rows = await session.execute(_UNIT_RESULTS, {"unit_id": unit_id})
    indices: dict[int, IndexInfo] = {}
    by_index: dict[int, dict[int, IndexResult]] = {}
    for result, index in rows:
        indices.setdefault(index.id, _info(index))
        by_index.setdefault(index.id, {})[result.year] = result
    lines = []
    for index_id, years in by_index.items():
        chosen = year if year is not None else max(years)
        if chosen in years:
            lines.append(_line(indices[index_id], years[chosen], years.get(chosen - 1)))
    return sorted(lines, key=lambda line: _order(line.index.code))


async def result_years(session: AsyncSession, unit_id: int, index_id: int) -> list[int]:
    """Years with a result of this index for this unit, newest first."""
    rows = await session.execute(
        select(IndexResult.year).where(IndexResult.unit_id == unit_id, IndexResult.index_id == index_id, YEARLY)
    )
    return sorted(rows.scalars(), reverse=True)


_COMPONENTS = (
    select(ComponentResult, IndexComponent)
    .join(IndexComponent, IndexComponent.id == ComponentResult.component_id)
    .where(ComponentResult.result_id.in_(bindparam("ids", expanding=True)))
)


async def component_lines(session: AsyncSession, result_id: int, previous_result_id: int | None) -> list[ComponentLine]:
    """The components (PAR INDEX fields, SIPAS components) of a result, in report order, with changes."""
    wanted = [result_id] if previous_result_id is None else [result_id, previous_result_id]
    rows = await session.execute(_COMPONENTS, {"ids": wanted})
    current: list[tuple[ComponentResult, IndexComponent]] = []
    before: dict[int, ComponentResult] = {}
    for part, component in rows:
        if part.result_id == result_id:
            current.append((part, component))
        else:
            before[part.component_id] = part
    lines = []
    for part, component in sorted(current, key=lambda pair: pair[1].number):
        prev = before.get(part.component_id)
        moved = change(
            part.score,
            part.rank,
            prev.score if prev else None,
            prev.rank if prev else None,
            part.score_delta,
            part.rank_delta,
            digits=(part.score_places, prev.score_places if prev else None, part.delta_places),
        )
        lines.append(
            ComponentLine(
                component.number,
                component.name_vi,
                component.name_en,
                part.score,
                part.rank,
                part.rank_total,
                moved,
                part.score_places,
                max_score=component.max_score,
            )
        )
    return lines


def fell_most_components(lines: list[ComponentLine], limit: int = 3) -> list[ComponentLine]:
    """The components whose rank fell most, worst first (see ``rules.fell_most``)."""
    return [line for line, _ in fell_most([(line, line.change) for line in lines], limit)]


def _previous(by_year: dict[int, IndexResult], year: int) -> IndexResult | None:
    """The result to compare ``year``'s with: the year before's; when it is missing and no change was
    published with the result, the latest earlier year's."""
    if year - 1 in by_year:
        return by_year[year - 1]
    result = by_year[year]
    if result.score_delta is not None or result.rank_delta is not None:
        return None
    earlier = [y for y in by_year if y < year]
    return by_year[max(earlier)] if earlier else None


async def index_detail(session: AsyncSession, index: IndexInfo, unit_id: int, year: int | None) -> IndexDetail | None:
    """One index's result for ``year`` (default: the latest) with components; None when there is none."""
    by_year = {r.year: r for r in await _results(session, unit_id, index.id)}
    chosen = year if year is not None else max(by_year, default=None)
    if chosen is None or chosen not in by_year:
        return None
    previous = _previous(by_year, chosen)
    line = _line(index, by_year[chosen], previous)
    if previous is not None and previous.year != chosen - 1:
        line = replace(line, compared=previous.year)
    components = await component_lines(session, line.result_id, line.previous_result_id)
    years = sorted(by_year, reverse=True)
    return IndexDetail(line, components, fell_most_components(components), years, series_of(list(by_year.values())))
