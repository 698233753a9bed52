"""``python -m bench.zalo``: updates per second answered end to end on Zalo (polling and webhook) next to
Telegram, on the same machine, the same database and the same mix of commands.

It reuses ``bench.telegram``: the national database (``bench/out/national.db``) copied with ``--users``
officials given a Telegram account (``add_accounts``), to which this adds a Zalo account for each of them;
the same ``workload``; the same Telegram contender (the product polling a fake Telegram Bot API). The Zalo
contenders run the product's Zalo channel against the fake Zalo Bot API (``tests/fakes/zalo_server``) over
real HTTP, in their own spawned processes:

- ``telegram``: python-telegram-bot's polling, the router, handlers, database;
- ``zalo-poll``: getUpdates long polling (one update per call: Zalo has no batches), no minimum interval;
- ``zalo-webhook``: the fake server POSTs each update to the channel's webhook, one after another.

The contenders take turns (``--rounds``); each round queues ``--per-user`` updates per official at once and
is timed from the first update queued to the bot's last call. No pacing (Zalo publishes no rate; its free
plan allows 3,000 messages a month, a small fraction of one round here): this measures the bot itself.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import multiprocessing
import socket
import sqlite3
import statistics
import sys
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from bench.telegram import OUT, add_accounts, database_missing, parser, timed_round, workload
from bench.telegram import contender as telegram_contender

CONTENDERS = ("telegram", "zalo-poll", "zalo-webhook")


def zalo_id(telegram_id: int) -> str:
    return f"{telegram_id:020x}"  # 20 hex characters, like a Zalo user id


def add_zalo_accounts(target: Path) -> None:
    """Give every official with a Telegram account in ``target`` a Zalo account too."""
    db = sqlite3.connect(target)
    rows = db.execute("select official_id, external_id from chat_accounts where channel = 'telegram'").fetchall()
    db.execute("delete from chat_accounts where channel = 'zalo'")
    db.executemany(
        "insert into chat_accounts (official_id, channel, external_id, chat_id, display_name, blocked, created_at)"
        " values (?, 'zalo', ?, ?, '', 0, '2026-01-01 00:00:00.000000')",
        [(official, zalo_id(int(ext)), zalo_id(int(ext))) for official, ext in rows],
    )
    db.commit()
    db.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---- the Zalo contenders, each in its own process --------------------------------------------------
def zalo_contender(kind: str, base_url: str, db_url: str, ready: Any, stop: Event, results: Any) -> None:
    if importlib.util.find_spec("sniffio") is None:  # what the Telegram contender does too
        sys.modules["sniffio"] = None  # type: ignore[assignment]
    asyncio.run(_zalo(kind, base_url, db_url, ready, stop))
    from bench.national import peak_memory_mb

    results.put((kind, peak_memory_mb()))


async def _zalo(kind: str, base_url: str, db_url: str, ready: Any, stop: Event) -> None:
    from bot.app import build
    from bot.zalo import running
    from tests.zalo.support import zalo_config

    settings: dict[str, Any] = {}
    if kind == "zalo-webhook":
        port = free_port()
        settings = {"mode": "webhook", "webhook_port": port, "webhook_public_url": f"http://127.0.0.1:{port}",
                    "webhook_secret": "bench-webhook-secret"}  # fmt: skip
    app = build(zalo_config(db_url, base_url, poll_timeout=10, monthly_budget=10**9, **settings))
    try:
        async with running(app):
            ready.put(kind)
            await asyncio.to_thread(stop.wait)
    finally:
        await app.close()


# ---- the driver -------------------------------------------------------------------------------------
async def run(args: argparse.Namespace) -> int:
    from bot.telegram.runner import MAX_CONCURRENT_UPDATES as concurrency
    from tests.fakes.telegram_server import FakeTelegram
    from tests.fakes.zalo_server import FakeZalo

    OUT.mkdir(exist_ok=True)
    target = OUT / "zalo.db"
    people = add_accounts(args.db, target, args.users, args.seed)
    add_zalo_accounts(target)
    warmup = workload(people, 1, args.seed + 1)[: args.warmup]
    rounds = [workload(people, args.per_user, args.seed + r) for r in range(args.rounds)]
    print(f"{len(people)} officials on Telegram and Zalo; {args.rounds} rounds of {len(rounds[0])} updates per "
          f"contender, after {len(warmup)} warm-up updates")  # fmt: skip
    spawn = multiprocessing.get_context("spawn")
    stop, results = spawn.Event(), spawn.Queue()
    servers: dict[str, Any] = {"telegram": await FakeTelegram().start()}
    for kind in CONTENDERS[1:]:
        servers[kind] = await FakeZalo().start()
    rates: dict[str, list[float]] = {kind: [] for kind in CONTENDERS}
    processes = []
    url = f"sqlite+aiosqlite:///{target}"

    def as_zalo(messages: list[tuple[int, str]]) -> list[tuple[str, str]]:
        return [(zalo_id(user), text) for user, text in messages]

    try:
        for kind, fake in servers.items():
            ready = spawn.Queue()
            if kind == "telegram":
                for user, _ in people:
                    fake.user(user)
                target_fn: Any = telegram_contender
                process_args: tuple[Any, ...] = ("bot", fake.base_url, url, concurrency, ready, stop, results)
            else:
                for user, _ in people:
                    fake.user(f"Cán bộ {user}", zalo_id(user))
                target_fn, process_args = zalo_contender, (kind, fake.base_url, url, ready, stop, results)
            process = spawn.Process(target=target_fn, args=process_args)
            process.start()
            processes.append(process)
            await asyncio.to_thread(ready.get, True, 120)
            await timed_round(fake, warmup if kind == "telegram" else as_zalo(warmup))
        for messages in rounds:
            for kind, fake in servers.items():
                batch = messages if kind == "telegram" else as_zalo(messages)
                rates[kind].append(len(batch) / await timed_round(fake, batch))
                print(f"  {kind:>12}: {rates[kind][-1]:6.1f} updates/s", flush=True)
    finally:
        stop.set()
        peaks = dict([await asyncio.to_thread(results.get, True, 60) for _ in processes])
        for process in processes:
            await asyncio.to_thread(process.join, 30)
        for fake in servers.values():
            await fake.stop()
    return report(rates, peaks)


def report(rates: dict[str, list[float]], peaks: dict[str, float]) -> int:
    median = {kind: statistics.median(values) for kind, values in rates.items()}
    for kind, values in rates.items():
        print(f"{kind:>12}: median {median[kind]:6.1f} updates/s  (rounds: {', '.join(f'{v:.1f}' for v in values)})")
    for kind in CONTENDERS[1:]:
        print(f"ratio {kind}/telegram: {median[kind] / median['telegram']:.2f}")
    peak_names = {"bot": "telegram"}
    print("peak memory: " + ", ".join(f"{peak_names.get(kind, kind)} {mb:.0f} MB" for kind, mb in peaks.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser("python -m bench.zalo", __doc__.splitlines()[0]).parse_args(argv)
    if database_missing(args, "bench.zalo"):
        return 2
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
