"""Smoke test of the benchmark: the generator at a tiny scale, and one timing pass of every handler."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is a folder of the repository, not installed

from bench import handlers as timing
from bench.national import Params, build, prepare, sqlite_url
from models import Official, Role, Unit, UnitKind
from models.db import create_engine, session_factory
from models.indices import PERIOD_MONTH, ComponentResult, IndexComponent, IndexResult, ScoreIndex

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


async def test_national_tables_have_five_years_with_ties_and_every_unit_has_24_months_of_766(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "bench.db")
    await build(url, TINY, today=TODAY)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            query = select(ScoreIndex.code, IndexResult).join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
            results = (await session.execute(query)).all()
            service = select(ComponentResult, IndexComponent.max_score).join(IndexComponent).join(ScoreIndex)
            groups = (await session.execute(service.where(ScoreIndex.code == "766"))).all()
            units = (await session.execute(select(Unit.id).where(Unit.kind != UnitKind.PROVINCE))).scalars().all()
    finally:
        await engine.dispose()

    tables: dict[tuple[str, int], list[IndexResult]] = defaultdict(list)
    for code, result in results:
        tables[code, result.year].append(result)
    national = {key: rows for key, rows in tables.items() if key[0] in ("PAR", "SIPAS", "PAPI", "PCI", "DTI")}
    assert sorted({year for _, year in national}) == [2021, 2022, 2023, 2024, 2025]
    assert len(national) == 25 and all(len(rows) == 2 for rows in national.values())
    for (_, year), rows in national.items():  # two provinces: the generator's tie joins them
        assert [r.rank_total for r in rows] == [34 if year >= 2025 else 63] * 2
        assert rows[0].rank == rows[1].rank
    months = [result for code, result in results if code == "766"]
    per_unit = Counter(result.unit_id for result in months)
    assert per_unit == {unit: 24 for unit in units}
    assert {(r.year, r.period_number) for r in months} >= {(2024, 11), (2026, 10)}
    assert all(r.period == PERIOD_MONTH and r.rank is None for r in months)
    parts: dict[int, list[Decimal]] = defaultdict(list)
    for part, maximum in groups:
        parts[part.result_id].append(part.score)
        assert part.score is not None and maximum is not None and part.score <= maximum
    assert all(sum(parts[r.id], Decimal(0)) == r.score and len(parts[r.id]) == 5 for r in months)


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
