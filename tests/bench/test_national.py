"""Smoke test of the benchmark: the generator at a tiny scale, and one timing pass of every handler."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is a folder of the repository, not installed

from bench import handlers as timing
from bench.national import Params, build, prepare, sqlite_url
from models import Official, Role, Unit, UnitKind
from models.db import create_engine, session_factory

TODAY = date(2026, 11, 23)
TINY = Params.scaled(2, 0.1, TODAY.year)  # 2 provinces × (2 departments + 10 communes), 12 tasks


async def test_generator_builds_two_level_tree_with_every_status_and_is_reused(db_url: str) -> None:
    report = await build(db_url, TINY, today=TODAY)

    per_province = 1 + TINY.departments + TINY.communes
    assert report.counts["units"] == 2 * per_province
    assert report.counts["assignments"] == 2 * TINY.tasks * TINY.units_per_task
    assert report.counts["drive_measurements"] == 2 * TINY.communes * 5 * 3
    assert all(report.statuses.values()), report.statuses
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            parent = aliased(Unit)
            rows = (await session.execute(select(Unit, parent).outerjoin(parent, parent.id == Unit.parent_id))).all()
            leaders = (await session.execute(select(Official).where(Official.role == Role.LEADER))).scalars().all()
    finally:
        await engine.dispose()
    for unit, above in rows:
        assert unit.path == f"{above.path if above else '/'}{unit.id}/"
        assert (above is None) == (unit.kind == UnitKind.PROVINCE)
    assert len(leaders) == 2
    assert (await prepare(db_url, TINY)).reused


async def test_one_timing_pass_of_each_handler_answers_without_error(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "bench.db")
    await prepare(url, TINY, today=TODAY)

    timings = await timing.run(url, calls=2, warmup=1, explain_calls=1)

    assert timing.problems(timings) == []
    for t in timings:
        assert len(t.handle_ms) == len(t.render_ms) == 2
        allowed = timing.REFUSALS if t.case.may_refuse else ()
        wrong = [name for name in t.templates if name.startswith(("errors/", "account/")) and name not in allowed]
        assert not wrong, (t.case, t.templates)
    assert "median" in "\n".join(timing.table(timings))
