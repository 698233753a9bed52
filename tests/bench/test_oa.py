"""Smoke test of the OA benchmark: 30 officials over the three routes, none lost, none doubled."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is a folder of the repository, not installed

from bench.oa import run


async def test_the_three_routes_lose_nothing_and_double_nothing() -> None:
    figures = await run(30, 1000)
    assert figures == {"lost": 0, "doubled": 0, "oa": 20, "zns": 10, "other": 10}
