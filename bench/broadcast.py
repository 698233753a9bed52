"""``python -m bench.broadcast``: a broadcast of ``--messages`` pushes (one per official, 3,000 by default)
through the dispatcher to the fake Bot API server with Telegram's flood limits enforced.

The fake server runs in this process and refuses, with 429 and ``retry_after``, any send beyond its
limits: Telegram's 30 messages a second times ``--scale`` (limits scaled up keep the run short; the
ratio is what counts). The dispatcher runs in a spawned process exactly as in ``cchc-bot run``: the
product's ``[dispatch]`` settings with ``[telegram].per_second`` = that limit, python-telegram-bot with
our pacing limiter built from the same settings, SQLite, one send under way at a time (``--in-flight``).

Printed: the achieved rate as a ratio of the limit (over the whole run, and after the first second, when
the initial burst is spent), 429s received (after the first second too), messages lost and doubled, and
how often python-telegram-bot's limiter had to wait on top of the dispatcher's pacing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
FIRST_CHAT = 7_000_000
RATIO_TARGET = 0.95


async def seed(path: Path, messages: int) -> str:
    """A fresh migrated SQLite file with ``messages`` officials, each with a Telegram chat and one push."""
    from models.db import upgrade

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    db = sqlite3.connect(path)
    now = "2026-01-05 02:00:00.000000"  # a Monday, 09:00 in Hanoi: no quiet hours
    db.execute("insert into units (id, code, name, kind, path) values (1, 'B', 'Bench', 'commune', '/1/')")
    db.executemany(
        "insert into officials (id, full_name, title, role, unit_id, language, active, push_opt_out, push_channel,"
        " created_at) values (?, ?, '', 'officer', 1, 'vi', 1, 0, '', ?)",
        [(i + 1, f"Cán bộ {i}", now) for i in range(messages)],
    )
    db.executemany(
        "insert into chat_accounts (official_id, channel, external_id, chat_id, display_name, blocked, created_at)"
        " values (?, 'telegram', ?, ?, '', 0, ?)",
        [(i + 1, str(FIRST_CHAT + i), str(FIRST_CHAT + i), now) for i in range(messages)],
    )
    db.executemany(
        "insert into outbox (dedupe_key, kind, official_id, channel, chat_id, template, context, status, urgent,"
        " attempts, not_before, last_error, created_at) values (?, 'bench', ?, '', '', 'push/batch', ?, 'pending',"
        " 0, 0, ?, '', ?)",
        [(f"bench:{i}", i + 1, f'{{"count": {i}}}', now, now) for i in range(messages)],
    )
    db.commit()
    db.close()
    return url


def dispatcher_process(url: str, base_url: str, per_second: int, in_flight: int, results: Any) -> None:
    results.put(asyncio.run(_dispatch(url, base_url, per_second, in_flight)))


async def _dispatch(url: str, base_url: str, per_second: int, in_flight: int) -> dict[str, float]:
    from telegram.ext import ExtBot

    from bot import config as configuration
    from bot.app import build
    from bot.push_path import PushSender, dispatcher
    from bot.telegram.limits import PacingLimiter
    from bot.telegram.runner import telegram_limits
    from tests.fakes.telegram_server import TOKEN

    config = configuration.load(None, environ={})
    config = configuration.replace(config, "database", url=url)
    config = configuration.replace(config, "reminders", weekends=True, quiet_start="00:00", quiet_end="00:00")
    config = configuration.replace(config, "dispatch", in_flight=in_flight)
    config = configuration.replace(config, "telegram", per_second=per_second)
    app = build(config)
    limiter = PacingLimiter(telegram_limits(config.telegram))
    started = time.monotonic()
    async with ExtBot(TOKEN, base_url=base_url, rate_limiter=limiter) as bot:
        done = await dispatcher(app, PushSender(app.renderer, telegram=bot)).drain_all()
    await app.close()
    return {
        "seconds": time.monotonic() - started,
        "sent": done.sent,
        "possible_duplicates": done.uncertain,  # sent again after a send that may have arrived
        "limiter_waits": limiter.waited,
    }


async def run(args: argparse.Namespace) -> int:
    from tests.fakes.telegram_server import FakeTelegram

    limit = 30 * args.scale
    url = await seed(OUT / "broadcast.db", args.messages)
    spawn = multiprocessing.get_context("spawn")
    async with FakeTelegram() as tg:
        for i in range(args.messages):
            tg.user(FIRST_CHAT + i)
        tg.flood.enabled = True
        tg.flood.overall_per_second = tg.flood.overall_burst = limit
        results = spawn.Queue()
        process = spawn.Process(
            target=dispatcher_process, args=(url, tg.base_url, limit, args.in_flight, results), daemon=True
        )
        process.start()
        while process.is_alive() or results.empty():
            await asyncio.sleep(0.2)
            if not process.is_alive() and results.empty():
                print("bench: the dispatcher process failed", file=sys.stderr)
                return 1
        worker = results.get()
        sends = [c for c in tg.calls if c.method == "sendMessage"]
    ok = sorted(c.at for c in sends if c.status == 200)
    refused = [c.at for c in sends if c.status == 429]
    start = ok[0]
    steady = [t for t in ok if t >= start + 1.0]
    overall = (len(ok) - 1) / (ok[-1] - start) / limit
    after_first = (len(steady) - 1) / (steady[-1] - steady[0]) / limit if len(steady) > 1 else 0.0
    half = ok[len(ok) // 2 :]  # the initial burst long spent: the sustained rate
    second_half = (len(half) - 1) / (half[-1] - half[0]) / limit if len(half) > 1 else 0.0
    got = Counter(s.chat_id for s in tg.sent if s.kind == "message")
    lost = args.messages - len(got)
    doubled = sum(n - 1 for n in got.values() if n > 1)
    late_429 = len([t for t in refused if t >= start + 1.0])
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"broadcast: {args.messages} pushes, limit {limit}/s (Telegram's 30/s × {args.scale}), "
          f"in_flight {args.in_flight}")  # fmt: skip
    print(f"delivered {len(ok)} in {ok[-1] - start:.2f} s (dispatcher process: {worker['seconds']:.2f} s)")
    print(f"achieved rate / limit: {overall:.3f} overall, {after_first:.3f} after the first second, "
          f"{second_half:.3f} over the second half (target ≥ {RATIO_TARGET})")  # fmt: skip
    print(f"429s received: {len(refused)} ({late_429} after the first second; target 0)")
    print(f"lost: {lost}, doubled: {doubled}")
    print(f"python-telegram-bot limiter waits on top of the dispatcher's pacing: {worker['limiter_waits']}")
    met = min(after_first, second_half) >= RATIO_TARGET and late_429 == 0 and lost == 0 and doubled == 0
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=3000, help="pushes in the broadcast (default 3000)")
    p.add_argument("--scale", type=int, default=3, help="Telegram's limits times this (default 3: 90/s)")
    p.add_argument("--in-flight", type=int, default=1, help="[dispatch].in_flight (default 1)")
    args = p.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
