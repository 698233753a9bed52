"""Smoke test of the peak benchmark (``python -m bench.peak``): a tiny national database, two webhook
workers sharing it, a few seconds of updates while the reminders go out under Telegram's flood limits. It
asserts no times (bench/README.md has the figures): only that it reports, answers every update, and loses
and doubles no push."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is a folder of the repository, not installed

from bench import peak
from bench.national import Params, prepare_in_process, sqlite_url


def test_the_peak_answers_every_update_and_loses_no_push(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "national.db"
    prepare_in_process(sqlite_url(source), Params.scaled(2, 0.05, 2026), False)
    monkeypatch.setattr(peak, "OUT", tmp_path)
    monkeypatch.setattr(peak, "JOBS", ((0.0, "reminders"), (2.0, "leader_digests")))
    args = argparse.Namespace(
        db_kind="sqlite", file=source, url="", seconds=8.0, rate=5.0, workers=2, limit=30, users=40, warmup=5,
        settle=2.0, in_flight=1, seed=1, step=4.0,
    )  # fmt: skip
    result = asyncio.run(peak.run(args))
    assert result["updates"] > 0 and result["answered"] == result["updates"]
    assert result["push_messages"] > 0
    assert (result["lost"], result["doubled"], result["unmarked"]) == (0, 0, 0)
    assert sorted(w["index"] for w in result["workers"]) == [0, 1]  # in the order they finished
    (first,) = [w for w in result["workers"] if w["index"] == 0]  # the lease holder runs the jobs
    assert [name for name, _, _ in first["jobs"]] == ["reminders", "leader_digests"]
    peak.report(result)
