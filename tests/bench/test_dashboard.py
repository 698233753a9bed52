"""Smoke test of the dashboard benchmark: a tiny national database, every page answered 200 for the
generator's leaders and commune officials (a page that refuses or fails stops the run), sizes recorded.
Speed is not asserted here (bench/README.md has the figures)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is a folder of the repository, not installed

from bench.dashboard import cases, run
from bench.national import Params, prepare, sqlite_url


async def test_every_dashboard_page_answers_over_the_benchmark_database(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "national.db")
    await prepare(url, Params.scaled(2, 0.05, 2026))
    timed = await run(url, calls=2, warmup=1)
    assert [c.label for c in timed] == [c.label for c in cases()]
    assert all(len(c.ms) == 2 and min(c.sizes) > 1000 for c in timed)
