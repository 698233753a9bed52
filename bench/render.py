"""Rendering alone: microseconds to write the same replies again and again, per command and language.

``python -m bench.render``: on the national benchmark database (built when missing), the first three commune
officials and province leaders each ask their commands once through the router; their replies are then
rendered as the Telegram channel does (``Renderer.render(lang, reply, "html")`` plus every button's label),
``--loops`` times in a row, ``--repeats`` times; the fastest repeat is kept (the least disturbed by other
work on the machine) and averaged over the officials. A handler's own time is ``python -m bench``'s job;
this isolates the templates, the catalog and the number and date formats.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from bench.handlers import COMMUNE, LEADER, _open, _render
from bench.national import Params, prepare_in_process, sqlite_url
from bot.render import LANGUAGES, Renderer
from handlers.base import Incoming

NATIONAL = Path("bench/out/national.db")
COMMANDS = {COMMUNE: ("/nhiemvu", "/nhiemvu 5", "/tomtat", "/diem"), LEADER: ("/tomtat", "/nhiemvu tatca", "/diem")}


async def measure(url: str, *, officials: int, loops: int, repeats: int) -> dict[tuple[str, str, str], float]:
    target = await _open(url)
    renderer = Renderer()
    found: dict[tuple[str, str, str], list[float]] = {}
    try:
        for persona, commands in COMMANDS.items():
            for external, _ in target.people[persona][:officials]:
                for command in commands:
                    incoming = Incoming(channel="console", chat_id=external, user_id=external, text=command)
                    _, replies = await target.router.handle(incoming)
                    for lang in LANGUAGES:
                        for reply in replies:
                            _render(renderer, lang, reply)  # compiled and cached before timing
                        best = float("inf")
                        for _ in range(repeats):
                            started = time.perf_counter()
                            for _ in range(loops):
                                for reply in replies:
                                    _render(renderer, lang, reply)
                            best = min(best, (time.perf_counter() - started) / loops)
                        found.setdefault((persona, command, lang), []).append(best * 1e6)
    finally:
        await target.engine.dispose()
    return {key: statistics.mean(values) for key, values in found.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=NATIONAL, help="SQLite file (default bench/out/national.db)")
    p.add_argument("--officials", type=int, default=3, help="officials per persona (default 3)")
    p.add_argument("--loops", type=int, default=50, help="renders per repeat (default 50)")
    p.add_argument("--repeats", type=int, default=7, help="repeats; the fastest is kept (default 7)")
    args = p.parse_args(argv)
    prepare_in_process(sqlite_url(args.db), Params(), False)
    figures = asyncio.run(
        measure(sqlite_url(args.db), officials=args.officials, loops=args.loops, repeats=args.repeats)
    )
    print(f"{'persona':18} {'command':15} {'lang':4} {'µs per render':>14}")
    for (persona, command, lang), micros in figures.items():
        print(f"{persona:18} {command:15} {lang:4} {micros:14.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
