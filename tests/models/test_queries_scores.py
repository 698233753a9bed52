"""Index results: the latest year with its change, components with theirs, what fell most, the province."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from models import ScoreKind, UnitKind
from models.queries.scores import (
    Bound,
    component_lines,
    fell_most_components,
    find_index,
    index_detail,
    latest_results,
    province_of,
    published_bound,
    ranked_units,
    result_years,
)
from models.rules import Change
from tests import factories as f
from tests.handlers._scores_fixtures import PAR_FIELDS, build


async def test_latest_year_of_each_index_in_report_order_with_change(session: AsyncSession) -> None:
    ls = await build(session)
    lines = await latest_results(session, ls.root.id)
    assert [(line.index.code, line.year) for line in lines] == [("PAR", 2023), ("SIPAS", 2023), ("PAPI", 2023)]
    par, sipas, papi = lines
    assert (par.score, par.rank, par.rank_total) == (Decimal("85.94"), 47, 63)
    assert par.change == Change(None, 7)  # computed from 2022's 54th place
    assert sipas.score is None and sipas.bound == Bound("above", Decimal("79"), 0) and sipas.note == ""
    assert sipas.change == Change(None, 4)  # no 2022 row: the published change
    assert papi.change == Change(Decimal("-0.37"), -8)  # places computed, points published
    assert (papi.group_label, papi.previous_group_label) == ("trung bình cao", "cao")


async def test_results_of_a_given_year(session: AsyncSession) -> None:
    ls = await build(session)
    lines = await latest_results(session, ls.root.id, 2021)
    assert [(line.index.code, line.score, line.change) for line in lines] == [
        ("PAR", Decimal("87.11"), Change(Decimal("3.31"), 13)),
        ("SIPAS", Decimal("87.07"), Change(Decimal("3.1"), 8)),
    ]


async def test_components_change_against_the_previous_year_and_fell_most(session: AsyncSession) -> None:
    ls = await build(session)
    par = await find_index(session, "par")
    assert par is not None
    detail = await index_detail(session, par, ls.root.id, None)
    assert detail is not None
    assert [c.name_vi for c in detail.components] == [vi for vi, _ in PAR_FIELDS]
    assert [c.change.places for c in detail.components] == [-33, -20, 5, -2, 1, -18, 3, 10]
    assert [(c.number, c.change.places) for c in detail.fell_most] == [(1, -33), (2, -20), (6, -18)]
    assert detail.years == [2023, 2022, 2021]


async def test_published_component_change_fills_a_missing_previous_year(session: AsyncSession) -> None:
    root = await f.unit(session, "P", UnitKind.PROVINCE)
    sipas = await f.score_index(session, "SIPAS", ScoreKind.PERCENT, components=[("A", "A"), ("B", "B")])
    result = await f.index_result(session, sipas, root, 2023, "80", 10)
    await f.component_result(session, result, 1, "81.5", 12, rank_delta=-3, score_delta=Decimal("-1.25"))
    await f.component_result(session, result, 2)
    lines = await component_lines(session, result.id, None)
    assert [line.change for line in lines] == [Change(Decimal("-1.25"), -3), Change(None, None)]
    assert [line.number for line in fell_most_components(lines)] == [1]


async def test_no_detail_for_a_year_without_a_result(session: AsyncSession) -> None:
    ls = await build(session)
    sipas = await find_index(session, "SIPAS")
    assert sipas is not None
    assert await index_detail(session, sipas, ls.root.id, 2022) is None
    assert await result_years(session, ls.root.id, sipas.id) == [2023, 2021]


async def test_index_codes_are_matched_loosely(session: AsyncSession) -> None:
    await build(session)
    for text in ("par", "PAR", "par index", "Par Index"):
        found = await find_index(session, text)
        assert found is not None and found.code == "PAR"
    assert await find_index(session, "index") is None
    assert await find_index(session, "xyz") is None


async def test_province_of_any_unit_below_it(session: AsyncSession) -> None:
    ls = await build(session)
    for unit in (ls.root, ls.department, ls.district, ls.commune):
        assert (await province_of(session, unit)).id == ls.root.id
    country = await f.unit(session, "VN", UnitKind.AGENCY)
    province = await f.unit(session, "VN.P", UnitKind.PROVINCE, country)
    commune = await f.unit(session, "VN.P.X", UnitKind.COMMUNE, province)
    assert (await province_of(session, commune)).id == province.id


async def test_units_named_by_code_or_name_without_diacritics(session: AsyncSession) -> None:
    ls = await build(session)
    year = (date(2024, 1, 1), date(2024, 12, 31))
    by_code = await ranked_units(session, "LS.HL.MS", ls.root, year)
    by_name = await ranked_units(session, "xa minh son", ls.root, year)
    assert [u.id for u in by_code] == [u.id for u in by_name] == [ls.commune.id]
    assert await ranked_units(session, "không có", ls.root, year) == []


def test_a_note_that_is_only_a_bound_is_read_as_the_bound() -> None:
    assert published_bound("trên 79%") == Bound("above", Decimal("79"), 0)
    assert published_bound("Từ 85,5% trở lên") == Bound("at_least", Decimal("85.5"), 1)
    assert published_bound("dưới 50 điểm") == Bound("below", Decimal("50"), 0)
    assert published_bound("SIPAS 2023: trên 79%, xếp thứ 55/63") is None  # says more than a bound
    assert published_bound("") is None
