"""Smoke test of the push benchmark: every job over a tiny benchmark database, computing and enqueuing."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is a folder of the repository, not installed

from bench.national import Params, build, sqlite_url
from bench.push import _measure, copy_of, job_days

TODAY = date(2026, 11, 23)
TINY = Params.scaled(2, 0.1, TODAY.year)


def test_each_job_is_measured_on_a_day_it_has_work() -> None:
    days = job_days(TODAY)
    assert days["reminders"] == TODAY and days["drives"] == date(2026, 11, 26)  # drives started 60 days ago
    assert days["quarterly"] == date(2026, 12, 24)


async def test_every_job_computes_pushes_and_a_copy_takes_them_once(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "tiny.db")
    await build(url, TINY, today=TODAY)
    for job, day in job_days(TODAY).items():
        measured = await _measure(url, job, day, write=False)
        assert measured.pushes > 0, job
    copy = copy_of(tmp_path / "tiny.db", str(tmp_path / "copy"))
    first = await _measure(sqlite_url(copy), "reminders", TODAY, write=True)
    again = await _measure(sqlite_url(copy), "reminders", TODAY, write=True)
    assert first.pushes > 0 and again.pushes == 0
