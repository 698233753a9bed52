"""Index results by period: a yearly question reads only yearly results (a month never stands for its
year), the latest period of the 766 index with its rank among the province's units of the same kind, the
change from the previous period of the same kind, and the series (the trend) in time order."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from models import UnitKind
from models.indices import PERIOD_MONTH, PERIOD_QUARTER
from models.queries.score_periods import latest_period
from models.queries.scores import find_index, index_detail, latest_results, result_years
from models.rules import Change
from models.standard_indices import ensure_indices
from tests import factories as f


async def _province(session: AsyncSession):  # type: ignore[no-untyped-def]
    ls = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    communes = [await f.unit(session, f"X{n}", UnitKind.COMMUNE, ls, name=f"Xã {n}") for n in range(1, 4)]
    ward = await f.unit(session, "P1", UnitKind.WARD, ls, name="Phường 1")
    department = await f.unit(session, "SNV", UnitKind.DEPARTMENT, ls, name="Sở Nội vụ")
    indices = await ensure_indices(session)
    return ls, communes, ward, department, indices["766"]


async def test_a_yearly_question_never_reads_a_month(session: AsyncSession) -> None:
    _, (x1, *_), _, _, service = await _province(session)
    await f.index_result(session, service, x1, 2025, "80.00")
    await f.index_result(session, service, x1, 2026, "70.00", period=PERIOD_MONTH, period_number=10)
    info = await find_index(session, "766")
    assert info is not None

    lines = await latest_results(session, x1.id)
    detail = await index_detail(session, info, x1.id, 2026)

    assert [(line.index.code, line.year, line.score) for line in lines] == [("766", 2025, Decimal("80.00"))]
    assert detail is None  # October 2026 is not the year 2026's result
    assert await result_years(session, x1.id, info.id) == [2025]


async def test_the_latest_month_ranks_among_communes_and_wards_and_moves_from_the_month_before(
    session: AsyncSession,
) -> None:
    ls, (x1, x2, x3), ward, department, service = await _province(session)
    for unit, september, october in ((x1, "80", "78.5"), (x2, "75", "90"), (x3, "85", "70"), (ward, "60", "95")):
        await f.index_result(session, service, unit, 2026, september, period=PERIOD_MONTH, period_number=9)
        await f.index_result(session, service, unit, 2026, october, period=PERIOD_MONTH, period_number=10)
    await f.index_result(session, service, department, 2026, "99", period=PERIOD_MONTH, period_number=10)
    await f.index_result(session, service, x1, 2026, "88", period=PERIOD_QUARTER, period_number=2)
    info = await find_index(session, "dvc")
    assert info is not None and info.code == "766"

    detail = await latest_period(session, info, x1, ls)

    assert detail is not None
    assert (detail.year, detail.period, detail.period_number) == (2026, "month", 10)
    assert (detail.rank, detail.rank_total, detail.peers) == (3, 4, "local")  # the department is not a peer
    assert detail.previous == (2026, "month", 9)
    assert detail.change == Change(Decimal("-1.5"), -1)  # 2nd of 4 in September, 3rd in October
    assert [(p.period_number, p.score) for p in detail.series] == [(9, Decimal("80")), (10, Decimal("78.5"))]
    assert detail.max_score == Decimal(100)


async def test_the_years_result_comes_after_its_months(session: AsyncSession) -> None:
    ls, (x1, *_), _, _, service = await _province(session)
    await f.index_result(session, service, x1, 2025, "81", period=PERIOD_MONTH, period_number=12)
    await f.index_result(session, service, x1, 2025, "79")
    await f.index_result(session, service, x1, 2024, "75")
    info = await find_index(session, "chisodvc")
    assert info is not None

    detail = await latest_period(session, info, x1, ls)

    assert detail is not None and (detail.year, detail.period) == (2025, "year")
    assert detail.previous == (2024, "year", 0) and detail.change.points == Decimal(4)


async def test_the_series_lists_the_last_twelve_months_with_each_change(session: AsyncSession) -> None:
    ls, (x1, *_), _, _, service = await _province(session)
    for n in range(18):
        year, month = 2025 + (n + 6) // 12, (n + 6) % 12 + 1  # 07/2025 .. 12/2026
        await f.index_result(session, service, x1, year, str(60 + n), period=PERIOD_MONTH, period_number=month)
    info = await find_index(session, "766")
    assert info is not None

    detail = await latest_period(session, info, x1, ls)

    assert detail is not None
    assert (detail.series[0].year, detail.series[0].period_number) == (2026, 1)
    assert len(detail.series) == 12 and detail.series[-1].period_number == 12
    assert all(p.change.points == 1 for p in detail.series)  # January's change is from December 2025
