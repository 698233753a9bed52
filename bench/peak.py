"""``python -m bench.peak``: the 8 o'clock peak on the national database (issue 20). The reminder job runs at
a simulated 08:00, the dispatcher sends through the fake Bot API with Telegram's flood limits on, and
officials write at ``--rate`` updates a second for ``--seconds`` — half of them answers to the reminders
they got (a button pressed: snooze or the progress form; or ``/capnhat N 60 …`` typed: a write), half
commands — while the digests and the drive standings are computed.

The bot is ``cchc-bot run`` in webhook mode, ``--workers`` processes sharing one database (each its own
port; the fake server sends a chat's updates always to the same one, as a balancer hashing on the chat
would), every one draining the outbox (rows are claimed), the first playing the scheduler-lease holder
(``bench/peak_worker.py``). Telegram's overall limit (``--limit``, 30 a second) is Telegram's for the bot:
the workers split it (``[telegram].per_second`` each), and the fake refuses with 429 what goes beyond it.

The simulated clock starts at 08:04:45 (``--settle``: the 08:05 slot of "one message a day" comes 15 s into
the run); the reminders are queued at the start as the 08:00 job would, the other jobs 30 s later.

Printed: for updates, the time from queued at the fake server to the reply's arrival there (p50, p95,
p99, max), before and while pushes were going out; for pushes, the rate achieved against the limit,
lost, doubled; CPU per update (the workers' CPU time since the start over the updates answered: pushes
and jobs included) and the workers' peak memory; how late each worker's event loop ran (a job holding the
loop shows there). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import socket
import sqlite3
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from random import Random
from typing import Any

from bench.peak_load import BASE_ID, Spread, Stream
from bench.peak_worker import Plan
from bench.peak_worker import run as worker_run

OUT = Path(__file__).resolve().parent / "out"
P99_TARGET_MS, RATIO_TARGET = 300.0, 0.95
PG_SOURCE = "postgresql+asyncpg://postgres@127.0.0.1:5432/peak_national"
SECRET = "peak-secret-2026"
JOBS = ((0.0, "reminders"), (30.0, "digests"), (30.0, "leader_digests"), (30.0, "drives"))


def free_ports(count: int) -> list[int]:
    found, sockets = [], []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
        found.append(sock.getsockname()[1])
    for sock in sockets:
        sock.close()
    return found


def shares(limit: int, workers: int) -> list[int]:
    """Telegram's overall limit split between the workers (``[telegram].per_second`` of each)."""
    return [limit // workers + (i < limit % workers) for i in range(workers)]


ACCOUNTS = (
    "insert into chat_accounts (official_id, channel, external_id, chat_id, display_name, blocked, created_at)"
    " select id, 'telegram', cast({base} + id as text), cast({base} + id as text), '', {false}, {now}"
    " from officials where active"
)


async def prepare(args: argparse.Namespace) -> str:
    """A fresh copy of the national database for this run, migrated to the newest revision, every active
    official on Telegram."""
    from models.db import upgrade

    if args.db_kind == "sqlite":
        target = OUT / "peak.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(args.file) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        url = f"sqlite+aiosqlite:///{target}"
        await upgrade(url)  # a database built before a newer revision: brought up to date, not refused row by row
        with sqlite3.connect(target) as copy:
            copy.execute("delete from chat_accounts where channel = 'telegram'")
            copy.execute(ACCOUNTS.format(base=BASE_ID, false=0, now="'2026-01-01 00:00:00.000000'"))
        return url
    import asyncpg

    source = args.url.rsplit("/", 1)
    admin = await asyncpg.connect(source[0].replace("+asyncpg", "") + "/postgres")
    try:
        await admin.execute("DROP DATABASE IF EXISTS peak_run")
        await admin.execute(f'CREATE DATABASE peak_run TEMPLATE "{source[1]}"')
    finally:
        await admin.close()
    await upgrade(source[0] + "/peak_run")
    run = await asyncpg.connect(source[0].replace("+asyncpg", "") + "/peak_run")
    try:
        await run.execute("delete from chat_accounts where channel = 'telegram'")
        await run.execute(ACCOUNTS.format(base=BASE_ID, false="false", now="now()"))
        await run.execute("ANALYZE chat_accounts")
    finally:
        await run.close()
    return source[0] + "/peak_run"


async def outbox_rows(url: str) -> list[tuple[int, str]]:
    """(official, status) of every outbox row after the run."""
    from sqlalchemy import text

    from models.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(r) for r in await conn.execute(text("select official_id, status from outbox"))]  # type: ignore[misc]
    finally:
        await engine.dispose()


async def commanders(url: str, count: int, seed: int) -> list[tuple[int, str]]:
    from sqlalchemy import text

    from models.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = [tuple(r) for r in await conn.execute(text("select id, role from officials where active"))]
    finally:
        await engine.dispose()
    leaders = [(BASE_ID + i, r) for i, r in rows if r == "leader"]
    others = [(BASE_ID + i, r) for i, r in rows if r in ("officer", "unit_head")]
    return leaders + Random(seed).sample(others, min(len(others), max(0, count - len(leaders))))


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench.push import describe

    OUT.mkdir(exist_ok=True)
    url = await prepare(args)
    day, assignments, officials = await describe(url)
    morning = datetime.combine(day, clock_time(8, 5)) - timedelta(seconds=args.settle)
    from models import DEFAULT_TZ

    morning = morning.replace(tzinfo=DEFAULT_TZ)
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.db_kind}: {assignments:,} assignments, {officials:,} officials on Telegram; day {day.isoformat()},"
          f" {args.workers} worker(s), {args.rate}/s for {args.seconds} s, limit {args.limit}/s")  # fmt: skip
    ports = free_ports(args.workers)
    fake = Spread([(f"http://127.0.0.1:{p}/telegram", SECRET) for p in ports])
    await fake.start()
    fake.flood.enabled = True
    fake.flood.overall_per_second = fake.flood.overall_burst = args.limit
    people = await commanders(url, args.users, args.seed)
    from sqlalchemy import text

    from models.db import create_engine

    engine = create_engine(url)
    async with engine.connect() as conn:
        ids = [r[0] for r in await conn.execute(text("select id from officials where active"))]
    await engine.dispose()
    for official in ids:
        fake.user(BASE_ID + official)
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    goes = [spawn.Queue() for _ in ports]
    processes = []
    for i, (port, share) in enumerate(zip(ports, shares(args.limit, args.workers), strict=True)):
        plan = Plan(i, url, fake.base_url, port, SECRET, share, morning, JOBS if i == 0 else (), args.in_flight)
        process = spawn.Process(target=worker_run, args=(plan, goes[i], results))
        process.start()
        processes.append(process)
    stream = Stream(fake, people, Random(args.seed))
    try:
        await fake.wait_for(lambda: len(fake.called("setWebhook")) >= args.workers, timeout=180)
        await _warm(stream, args.warmup)
        stream.updates.clear()
        wall, t0 = time.time(), time.monotonic()
        for go in goes:
            go.put(wall)
        await _load(stream, t0, args)
        ended = time.monotonic()
        deadline = ended + 60
        while stream.waiting and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            stream.read()
    finally:
        for process in processes:
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        workers = [await asyncio.to_thread(results.get, True, 120) for _ in processes]
        for process in processes:
            await asyncio.to_thread(process.join, 30)
        await asyncio.sleep(0.5)
        stream.read()
        await fake.stop()
    rows = await outbox_rows(url)
    return figures(stream, workers, rows, t0, ended, args)


async def _warm(stream: Stream, count: int) -> None:
    for _ in range(count):
        await stream.one(time.monotonic())
        await asyncio.sleep(0.02)
        stream.read()
    deadline = time.monotonic() + 60
    while stream.waiting and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        stream.read()
    stream.reminded.clear()


async def _load(stream: Stream, t0: float, args: argparse.Namespace) -> None:
    rng = Random(args.seed + 1)
    due = t0
    while (now := time.monotonic()) < t0 + args.seconds:
        stream.read()
        while due <= now:
            await stream.one(now)
            due += rng.expovariate(args.rate)
        await asyncio.sleep(max(0.0, min(0.01, due - time.monotonic())))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else float("nan")


def figures(stream: Stream, workers: list[dict[str, Any]], rows: list[tuple[int, str]], t0: float, ended: float,
            args: argparse.Namespace) -> dict[str, Any]:  # fmt: skip
    pushes_ok = sorted(t for t, _, status in stream.pushes if status == 200)
    first_push = pushes_ok[0] if pushes_ok else ended
    answered = [u for u in stream.updates if u.answered is not None]
    ms = [(u.answered - u.queued) * 1000 for u in answered]  # type: ignore[operator]
    during = [(u.answered - u.queued) * 1000 for u in answered if u.queued >= first_push]  # type: ignore[operator]
    before = [(u.answered - u.queued) * 1000 for u in answered if u.queued < first_push]  # type: ignore[operator]
    window = [t for t in pushes_ok if t <= ended]
    span = (window[-1] - window[0]) if len(window) > 1 else 0.0
    push_rate = (len(window) - 1) / span if span else 0.0
    reply_rate = sum(1 for t, _ in stream.replies if window and window[0] <= t <= window[-1]) / span if span else 0.0
    sent_by_official = Counter(o for o, status in rows if status == "sent")
    got = Counter(chat for _, chat, status in stream.pushes if status == 200)
    texts = Counter((c.params["chat_id"], c.params.get("text")) for c in stream.fake.calls
                    if c.params.get("peak_push") and c.status == 200)  # fmt: skip
    lost = sum(1 for o in sent_by_official if got[BASE_ID + o] == 0)
    unmarked = sum(1 for chat in got if sent_by_official[chat - BASE_ID] == 0)
    doubled = sum(n - 1 for n in texts.values() if n > 1)
    statuses = Counter(status for _, status in rows)
    cpu = sum(w["cpu"] for w in workers)
    result = {
        "updates": len(stream.updates), "answered": len(answered), "ms": ms, "during": during, "before": before,
        "push_messages": len(pushes_ok), "push_rate": push_rate, "reply_rate": reply_rate, "limit": args.limit,
        "push_429": sum(1 for _, _, s in stream.pushes if s == 429), "reply_429": stream.refused_replies,
        "lost": lost, "unmarked": unmarked, "doubled": doubled, "statuses": dict(statuses),
        "cpu_ms": cpu * 1000 / max(1, len(answered)), "peak_mb": max(w["peak_mb"] for w in workers),
        "workers": workers, "first_push": first_push - t0, "seconds": ended - t0,
        "timeline": timeline(answered, pushes_ok, t0, ended, args.step),
        "slowest": slowest(stream, answered, t0),
    }  # fmt: skip
    return result


def slowest(stream: Stream, answered: list[Any], t0: float) -> list[tuple[float, float, str, str, int, int]]:
    """The five slowest updates: queued when, how long, what, whose, and how many push messages their chat
    received from 3 s before the update to its answer (Telegram's ~1 a second per chat holds a reply back
    behind a push that came in several parts)."""
    found = []
    for u in sorted(answered, key=lambda u: u.queued - u.answered)[:5]:
        near = sum(
            1 for t, chat, st in stream.pushes if chat == u.user and st == 200 and u.queued - 3 <= t <= u.answered
        )
        found.append((u.queued - t0, (u.answered - u.queued) * 1000, u.kind, u.text, u.user - BASE_ID, near))
    return found


def timeline(answered: list[Any], pushes: list[float], t0: float, ended: float, step: float) -> list[str]:
    """Per ``step`` seconds of the run: updates queued then and their p50/p99, pushes sent then."""
    lines = []
    at = 0.0
    while t0 + at < ended:
        ms = [(u.answered - u.queued) * 1000 for u in answered if at <= u.queued - t0 < at + step]
        sent = sum(1 for t in pushes if at <= t - t0 < at + step)
        if ms:
            lines.append(
                f"  {at:4.0f}–{at + step:.0f} s: {len(ms):4d} updates p50 {pct(ms, 0.5):6.0f}"
                f" p99 {pct(ms, 0.99):6.0f} max {max(ms):6.0f} ms; pushes {sent / step:5.1f}/s"
            )
        at += step
    return lines


def report(r: dict[str, Any]) -> int:
    def line(name: str, values: list[float]) -> str:
        if not values:
            return f"  {name:<28} (none)"
        return (f"  {name:<28} {len(values):6d}  p50 {pct(values, .5):7.1f}  p95 {pct(values, .95):7.1f}"
                f"  p99 {pct(values, .99):7.1f}  max {max(values):7.1f} ms")  # fmt: skip

    print(f"updates: {r['updates']} queued, {r['answered']} answered; time from queued to reply:")
    print(line("all", r["ms"]))
    print(line("before the first push", r["before"]))
    print(line(f"while pushes went (from {r['first_push']:.0f} s)", r["during"]))
    print("\n".join(r["timeline"]))
    print(
        "  slowest: "
        + "; ".join(
            f"{ms:.0f} ms at {at:.1f} s ({kind} {text[:28]!r}, official {who}, {near} push messages in the chat)"
            for at, ms, kind, text, who, near in r["slowest"]
        )
    )
    total = r["push_rate"] + r["reply_rate"]
    print(f"pushes: {r['push_messages']} messages, {r['push_rate']:.1f}/s while replies took {r['reply_rate']:.1f}/s:"
          f" together {total:.1f}/s = {total / r['limit']:.2f}× the limit of {r['limit']}/s;"
          f" pushes alone {r['push_rate'] / r['limit']:.2f}× the limit")  # fmt: skip
    print(f"  429s: pushes {r['push_429']}, replies {r['reply_429']}; lost {r['lost']}, doubled {r['doubled']},"
          f" delivered but not marked sent {r['unmarked']}; outbox {r['statuses']}")  # fmt: skip
    print(f"CPU per update answered (workers, pushes and jobs included): {r['cpu_ms']:.2f} ms;"
          f" peak memory of a worker {r['peak_mb']:.0f} MB")  # fmt: skip
    for w in r["workers"]:
        jobs = ", ".join(f"{n} {s:.1f} s ({c:,})" for n, s, c in w["jobs"])
        print(f"  worker {w['index']}: CPU {w['cpu']:.1f} s, loop late by up to {w['lag_worst'] * 1000:.0f} ms"
              f" ({w['lag_over_100ms']} times > 100 ms){'; jobs: ' + jobs if jobs else ''}")  # fmt: skip
        if w["stalls"]:
            print("    stalls (s after start, s): " + ", ".join(f"{a}: {b}" for a, b in w["stalls"]))
    p99 = pct(r["ms"], 0.99)
    met = (p99 <= P99_TARGET_MS and r["lost"] == 0 and r["doubled"] == 0 and r["unmarked"] == 0
           and total >= RATIO_TARGET * r["limit"])  # fmt: skip
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.peak", description=__doc__.splitlines()[0])
    p.add_argument("--db", dest="db_kind", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--file", type=Path, default=OUT / "national.db", help="SQLite: the national database to copy")
    p.add_argument("--url", default=PG_SOURCE, help="PostgreSQL: the national database to copy for the run")
    p.add_argument("--seconds", type=float, default=180)
    p.add_argument("--rate", type=float, default=30, help="updates a second (default 30)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--limit", type=int, default=30, help="Telegram's overall limit, messages a second")
    p.add_argument("--users", type=int, default=3000, help="officials who send commands (default 3000)")
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--settle", type=float, default=15, help="seconds from the start to the 08:05 send slot")
    p.add_argument("--in-flight", dest="in_flight", type=int, default=1)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--step", type=float, default=10, help="seconds per line of the timeline")
    p.add_argument("--rates", type=rates, help="a sweep: one run per rate (e.g. 20,25,30), then the highest sustained")
    args = p.parse_args(argv)
    if args.db_kind == "sqlite" and not args.file.exists():
        print(f"bench.peak: {args.file} not found; build it first with `python -m bench.national`", file=sys.stderr)
        return 2
    if not args.rates:
        return report(asyncio.run(run(args)))
    rows = []
    for rate in args.rates:
        args.rate = rate
        result = asyncio.run(run(args))
        report(result)
        rows.append((rate, os.getloadavg()[0], result))
        print()
    return sweep_report(rows, args)


def rates(text: str) -> list[float]:
    try:
        found = sorted(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        found = []
    if not found or min(found) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: updates a second, comma-separated, e.g. 20,25,30")
    return found


def sustained(rate: float, r: dict[str, Any]) -> bool:
    """Held: p99 within the target, every update answered, at least 95 % of the asked rate offered and answered."""
    return (pct(r["ms"], 0.99) <= P99_TARGET_MS and r["answered"] == r["updates"]
            and r["answered"] >= 0.95 * rate * r["seconds"])  # fmt: skip


def sweep_report(rows: list[tuple[float, float, dict[str, Any]]], args: argparse.Namespace) -> int:
    print(f"sweep: {args.db_kind}, {args.workers} worker(s), limit {args.limit}/s, {args.seconds:.0f} s a rate")
    print("  asked/s  answered/s   p50 ms   p99 ms  replies/s  pushes/s  ×limit  CPU/update  worker MB  load  held")
    best = 0.0
    for rate, load, r in rows:
        held = sustained(rate, r)
        if held:
            best = max(best, rate)
        total = r["push_rate"] + r["reply_rate"]
        print(f"  {rate:7.1f}  {r['answered'] / r['seconds']:10.1f}  {pct(r['ms'], .5):7.0f}  {pct(r['ms'], .99):7.0f}"
              f"  {r['reply_rate']:9.1f}  {r['push_rate']:8.1f}  {total / r['limit']:6.2f}  {r['cpu_ms']:8.2f} ms"
              f"  {r['peak_mb']:9.0f}  {load:4.1f}  {'yes' if held else 'no'}")  # fmt: skip
    print(f"sustained with p99 <= {P99_TARGET_MS:.0f} ms: {best:g} updates/s" if best else
          f"sustained with p99 <= {P99_TARGET_MS:.0f} ms: none of the rates asked")  # fmt: skip
    return 0 if best else 1


if __name__ == "__main__":
    raise SystemExit(main())
