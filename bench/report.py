"""``python -m bench.report``: the time and memory of drafting one province's annual CCHC report (.docx and
.xlsx, ``bot.report_docx.draft_report``) on the national benchmark database (``bench.national``: each
province a plan of 120 tasks given to ≈100 units). The database is built (or reused) in a worker process,
so its build's memory is not counted; the peak is this process's after the report was drafted."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import select

import models
from bench.national import Params, peak_memory_mb, prepare_in_process, sqlite_url
from bot.render import Renderer
from bot.report_docx import draft_report
from models.db import create_engine, session_factory
from models.enums import UnitKind
from models.queries.report import report_period
from models.units import Unit


async def time_reports(url: str, year: int, calls: int) -> tuple[list[float], int, int]:
    """Seconds of each of ``calls`` drafts of the first province's report for ``year``; the files' sizes."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    period = report_period(str(year))
    assert period is not None
    renderer, seconds, sizes = Renderer(), list[float](), (0, 0)
    try:
        for _ in range(calls):
            async with sessions() as session:
                query = select(Unit).where(Unit.kind == UnitKind.PROVINCE).order_by(Unit.id).limit(1)
                province = (await session.execute(query)).scalar_one()
                started = time.perf_counter()
                docx, xlsx = await draft_report(session, province, period, lang="vi", renderer=renderer)
                seconds.append(time.perf_counter() - started)
                sizes = (len(docx), len(xlsx))
    finally:
        await engine.dispose()
    return seconds, *sizes


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.splitlines()[0])
    p.add_argument("--provinces", type=int, default=34)
    p.add_argument("--db", type=Path, default=Path("bench/out/national.db"))
    p.add_argument("--calls", type=int, default=5)
    args = p.parse_args(argv)
    year = models.Clock().today().year
    url = sqlite_url(args.db)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(1) as pool:
        built = pool.submit(prepare_in_process, url, Params.scaled(args.provinces, 1.0, year), False).result()
    print("\n".join(built.lines()))
    seconds, docx, xlsx = asyncio.run(time_reports(url, year, args.calls))
    print(
        f"annual report of one province ({year}): median {statistics.median(seconds):.2f} s, "
        f"max {max(seconds):.2f} s over {len(seconds)} drafts; peak memory {peak_memory_mb():.0f} MB; "
        f".docx {docx:,} bytes, .xlsx {xlsx:,} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
