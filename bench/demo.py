"""``python -m bench.demo``: the time of loading the built-in demo into an empty, freshly migrated database
(what ``make run`` does on a first start), on SQLite or on PostgreSQL with ``--url``."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from models import Clock
from models.db import create_engine, session_factory, upgrade
from models.demo import load_demo


async def time_load(url: str) -> float:
    """Seconds to load the demo into the empty database at ``url`` (migrated first, not timed)."""
    await upgrade(url)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            started = time.perf_counter()
            await load_demo(session, Clock())
            await session.commit()
            return time.perf_counter() - started
    finally:
        await engine.dispose()


async def fresh_postgres(url: str, name: str) -> str:
    """``url`` with a database ``name`` dropped and created anew."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.demo", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--url", help="a PostgreSQL server's URL (a database bench_demo is made there)")
    args = p.parse_args(argv)
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            if args.url:
                url = asyncio.run(fresh_postgres(args.url, "bench_demo"))
            else:
                url = f"sqlite+aiosqlite:///{Path(tmp) / f'demo{run}.db'}"
            seconds.append(asyncio.run(time_load(url)))
    where = "PostgreSQL" if args.url else "SQLite"
    print(
        f"demo load on {where}, {args.runs} runs: median {statistics.median(seconds):.2f} s, "
        f"fastest {min(seconds):.2f} s, slowest {max(seconds):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
