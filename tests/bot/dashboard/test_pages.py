"""The province page's PAR INDEX trend (bot/dashboard/pages.py::trend): years placed by their distance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.dashboard.pages import trend
from models import UnitKind
from models.queries.charts import IndexHistory, YearPoint
from models.queries.units import UnitName

NAME = UnitName(1, "LS", "Tỉnh Lạng Sơn", UnitKind.PROVINCE, None, None)


def history(*points: YearPoint) -> IndexHistory:
    return IndexHistory("PAR", "PAR INDEX", "PAR INDEX", "score", Decimal(100), NAME, list(points))


def test_the_trend_places_years_by_their_distance_so_a_gap_year_shows() -> None:
    drawn = trend(
        history(
            YearPoint(2019, Decimal("80.1"), 40, 63),
            YearPoint(2020, None, None, None),  # not published: left out, its gap stays
            YearPoint(2022, Decimal("82.5"), 30, 63),
            YearPoint(2023, Decimal("81.0"), 47, 63),
        )
    )
    assert [p.year for p in drawn] == [2019, 2022, 2023]
    first, second = drawn[1].x - drawn[0].x, drawn[2].x - drawn[1].x
    assert first == pytest.approx(3 * second, abs=2)  # three years apart, then one
    assert drawn[1].y < drawn[2].y < drawn[0].y  # the best score highest (SVG's y grows downwards)


def test_no_line_without_two_published_scores() -> None:
    assert trend(None) == []
    assert trend(history(YearPoint(2020, None, None, None))) == []
    (alone,) = trend(history(YearPoint(2023, Decimal("81.0"), 47, 63)))
    assert alone.year == 2023
