"""``python -m bench`` (``make bench``): build or reuse the national database, then time the handlers.

The database is built in a worker process, so the peak memory printed at the end is the timing
process's own.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import sqlite3
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench import handlers
from bench.national import BenchError, BuildReport, Params, peak_memory_mb, prepare_in_process, sqlite_url
from models import Clock

OUT = Path(__file__).resolve().parent / "out"
P99_TARGET_MS = 20.0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--provinces", type=int, default=34, help="provinces in the database (default 34)")
    p.add_argument("--scale", type=float, default=1.0, help="shrink (<1) or grow each province (default 1)")
    p.add_argument("--db", type=Path, default=OUT / "national.db", help="SQLite file (default bench/out/national.db)")
    p.add_argument("--url", help="a database URL instead of --db, e.g. postgresql+asyncpg://user@host/db")
    p.add_argument("--rebuild", action="store_true", help="rebuild even when the database matches")
    p.add_argument("--calls", type=int, default=200, help="timed calls per handler per persona (default 200)")
    p.add_argument("--warmup", type=int, default=20, help="untimed calls before each case (default 20)")
    p.add_argument("--compare-scale", action="store_true", help="also time a 4-province database, side by side")
    p.add_argument("--explain", action="store_true", help="list the slowest SQL statements of each case")
    p.add_argument("--profile", action="store_true", help="with --explain: cProfile of our own functions")
    p.add_argument("--only", metavar="TEXT", help="only the cases whose command contains TEXT, e.g. /xephang")
    return p


def build(url: str, params: Params, rebuild: bool) -> BuildReport:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        report = pool.submit(prepare_in_process, url, params, rebuild).result()
    print("\n".join(report.lines()), flush=True)
    return report


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.compare_scale and args.url:
        print("bench: --compare-scale needs SQLite files (leave out --url)", file=sys.stderr)
        return 2
    year = Clock().today().year
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    print(f"load average before: {_load()}")
    sizes = [4, args.provinces] if args.compare_scale and args.provinces != 4 else [args.provinces]
    try:
        urls = []
        for provinces in sizes:
            if args.url:
                url = args.url
            elif provinces == args.provinces:
                url = sqlite_url(args.db)
            else:
                url = sqlite_url(args.db.with_name(f"{args.db.stem}-{provinces}{args.db.suffix}"))
            build(url, Params.scaled(provinces, args.scale, year), args.rebuild)
            urls.append(url)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    cases = tuple(case for case in handlers.CASES if args.only is None or args.only in case.text)
    runs = asyncio.run(handlers.run_many(urls, calls=args.calls, warmup=args.warmup, profile=args.profile, cases=cases))
    print(f"load average after: {_load()}")
    results = dict(zip(sizes, runs, strict=True))
    for provinces, timings in results.items():
        print(f"\n{provinces} provinces: {args.calls} timed calls per case after {args.warmup} warm-up calls")
        print("\n".join(handlers.table(timings)))
        if args.explain:
            print("\nslowest statements (explain pass):\n" + "\n".join(handlers.explain(timings)))
    if len(results) == 2:
        print("\nhandle step per call, small vs large database (calls alternate between them):")
        print("\n".join(handlers.compare(results[sizes[0]], results[sizes[1]], sizes[0], sizes[1])))
    final = results[sizes[-1]]
    print(f"\npeak memory of the timing process: {peak_memory_mb():.0f} MB")
    for key, title in handlers.GROUPS.items():
        group = [t for t in final if t.case.group == key]
        if not group:
            continue
        for what, measure in (("p99", "handle_ms"), ("CPU p99", "cpu_ms")):
            slow = [t for t in group if handlers.percentile(getattr(t, measure), 99) > P99_TARGET_MS]
            missed = ", ".join(f"{t.case.label} ({t.case.persona})" for t in slow)
            verdict = f"MISSED by {missed}" if slow else "met"
            print(f"target {what} ≤ {P99_TARGET_MS:.0f} ms per handle step, {title}: {verdict}")
    trouble = handlers.problems(final)
    for line in trouble:
        print(f"PROBLEM: {line}")
    return 1 if trouble else 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


if __name__ == "__main__":
    raise SystemExit(main())
