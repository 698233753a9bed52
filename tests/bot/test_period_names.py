"""A period of an index result as officials write it (``templates/labels/periods.j2``), in both languages."""

from __future__ import annotations

import pytest

from bot.render import Renderer
from handlers.base import Button

RENDERER = Renderer()


@pytest.mark.parametrize(
    ("kind", "number", "vi", "en"),
    [
        ("month", 10, "tháng 10/2026", "October 2026"),
        ("month", 1, "tháng 1/2026", "January 2026"),
        ("quarter", 3, "quý III/2026", "Q3 2026"),
        ("quarter", 4, "quý IV/2026", "Q4 2026"),
        ("half", 1, "6 tháng đầu năm 2026", "first half of 2026"),
        ("half", 2, "6 tháng cuối năm 2026", "second half of 2026"),
        ("year", 0, "năm 2026", "2026"),
    ],
)
def test_a_period_reads_as_officials_write_it(kind: str, number: int, vi: str, en: str) -> None:
    button = Button("periods.period", "/diem", {"year": 2026, "kind": kind, "number": number})

    assert RENDERER.label("vi", button) == vi
    assert RENDERER.label("en", button) == en
