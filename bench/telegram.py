"""``python -m bench.telegram``: updates per second answered end to end on Telegram, by the bot and by a
bare python-telegram-bot echo bot, on the fake Bot API server in the same run; and the peak memory of
the bot's process.

The fake server (``tests/fakes``) runs in this process and plays ``--users`` officials of the national
database (≥ 500, each given a Telegram account in a copy of it) sending a realistic mix of commands.
Each contender runs in its own spawned process, polling its own fake server over real HTTP:

- ``echo``: the bare python-telegram-bot echo bot (the same number of concurrent updates and the same
  connection pool as ours);
- ``bot``: the product, router, handlers and database included;
- ``channel``: the product with the router answering a fixed reply: the Telegram channel's own cost.

The contenders take turns (``--rounds``), so a burst of load from elsewhere slows them alike; each
round queues ``--per-user`` updates per official at once and is timed from the first update queued to
the last Bot API call made for them. The ratio is the median of the rounds' bot/echo ratios (the two
turns of a round are seconds apart). Each contender also reports the CPU time it spent per update.
Flood pacing is off (Telegram would cap any bot at about 30 messages a second: this measures what the
bot itself can do).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import importlib.util
import multiprocessing
import shutil
import sqlite3
import statistics
import sys
import time
from multiprocessing.synchronize import Event
from pathlib import Path
from random import Random
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
BASE_ID = 5_000_000
RATIO_TARGET = 0.5
MEMORY_TARGET_MB = 200.0
CONTENDERS = ("echo", "bot", "channel")
# (weight, text) for commune officials; leaders ask for the summary and everyone's tasks too.
OFFICIAL_MIX = [
    (25, "/nhiemvu"), (15, "/diem"), (10, "/help"), (10, "nhiem vu qua han"), (10, "/nhiemvu {n}"),
    (10, "/thidua"), (5, "/thidua bxh"), (5, "/chitieu"), (5, "/nhiemvu quahan"), (5, "/diem cchc"),
]  # fmt: skip
LEADER_MIX = [(30, "/tomtat"), (30, "/diem"), (20, "/nhiemvu tatca"), (20, "/thidua")]


def add_accounts(source: Path, target: Path, users: int, seed: int) -> list[tuple[int, str]]:
    """Copy the national database and give ``users`` officials (every province leader, the rest
    officers and unit heads picked at random) a Telegram account; returns (Telegram id, role)."""
    shutil.copy(source, target)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(target)
    rows = db.execute("select id, role from officials where active order by id").fetchall()
    leaders = [r for r in rows if r[1] == "leader"]
    others = [r for r in rows if r[1] in ("officer", "unit_head")]
    chosen = leaders + Random(seed).sample(others, max(0, users - len(leaders)))
    db.execute("delete from chat_accounts where channel = 'telegram'")
    db.executemany(
        "insert into chat_accounts (official_id, channel, external_id, chat_id, display_name, blocked, created_at)"
        " values (?, 'telegram', ?, ?, '', 0, '2026-01-01 00:00:00.000000')",
        [(official, str(BASE_ID + i), str(BASE_ID + i)) for i, (official, _) in enumerate(chosen)],
    )
    db.commit()
    db.close()
    return [(BASE_ID + i, role) for i, (_, role) in enumerate(chosen)]


def workload(people: list[tuple[int, str]], per_user: int, seed: int) -> list[tuple[int, str]]:
    rng = Random(seed)
    messages = []
    for _round in range(per_user):
        for user, role in people:
            mix = LEADER_MIX if role == "leader" else OFFICIAL_MIX
            text = rng.choices([t for _, t in mix], weights=[w for w, _ in mix])[0]
            messages.append((user, text.format(n=rng.randint(1, 120))))
    return messages


# ---- the contenders, each in its own process ------------------------------------------------------
def contender(
    kind: str,
    base_url: str,
    db_url: str,
    concurrency: int,
    ready: Any,
    stop: Event,
    results: Any,
    profile: bool = False,
) -> None:
    """Serve until ``stop``; then report the peak memory and the CPU seconds spent from ready to stop.
    With ``profile``, the event loop's thread is profiled from ready to stop (cProfile, written to
    ``bench/out/telegram-<kind>.prof``; ``python -m bench.profile_split`` reads it)."""
    if importlib.util.find_spec("sniffio") is None:  # what bot.telegram.runner does, for every contender
        sys.modules["sniffio"] = None  # type: ignore[assignment]
    cpu: list[float] = []
    profiler = cProfile.Profile(time.thread_time) if profile else None  # CPU of this thread

    class Ready:  # records the process's CPU time when the contender says it is ready
        def put(self, item: str) -> None:
            gc.collect()  # what bot.serve does once the bot runs (bot.app.settle), for every contender alike
            gc.freeze()
            cpu.append(time.process_time())
            if profiler is not None:
                profiler.enable()
            ready.put(item)

    asyncio.run(
        _echo(base_url, concurrency, Ready(), stop) if kind == "echo" else _bot(kind, base_url, db_url, Ready(), stop)
    )
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(OUT / f"telegram-{kind}.prof")
    from bench.national import peak_memory_mb

    results.put((kind, peak_memory_mb(), time.process_time() - cpu[0]))


async def _bot(kind: str, base_url: str, db_url: str, ready: Any, stop: Event) -> None:
    from bot.app import build
    from bot.telegram import Limits, running
    from handlers.base import Incoming, Reply
    from handlers.router import Answer
    from tests.telegram.support import demo_config

    unpaced = Limits(overall_per_second=1e6, overall_burst=10**6, chat_per_second=1e6, chat_burst=10**6)
    app = build(demo_config(db_url, base_url=base_url, bot_username="cchc_test_bot"))
    if kind == "channel":

        async def fixed(incoming: Incoming, **_: Any) -> Answer:
            return Answer("vi", [Reply("telegram/button_expired")])

        app.router.answer = fixed  # type: ignore[method-assign]
    try:
        async with running(app, limits=unpaced):
            ready.put(kind)
            await asyncio.to_thread(stop.wait)
    finally:
        await app.close()


async def _echo(base_url: str, concurrency: int, ready: Any, stop: Event) -> None:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    from tests.fakes.telegram_server import TOKEN

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message and update.message.text:
            await update.message.reply_text(update.message.text)

    builder = ApplicationBuilder().token(TOKEN).base_url(base_url).concurrent_updates(concurrency)
    application = builder.job_queue(None).connection_pool_size(64).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=10)
        ready.put("echo")
        await asyncio.to_thread(stop.wait)
        await application.updater.stop()
        await application.stop()


# ---- the driver: the fake servers and the users ----------------------------------------------------
async def timed_round(fake: Any, messages: list[tuple[Any, str]]) -> float:
    """Queue every message at once on a fake server (Telegram's or Zalo's); wait until each has its text
    answer and the bot has gone quiet. Returns the seconds from the first message queued to the bot's last
    call other than a poll for updates."""
    started, start = time.monotonic(), len(fake.sent)
    for user, text in messages:
        await fake.send_text(user, text)
    answered = 0

    def done() -> bool:
        nonlocal start, answered
        answered += sum(1 for s in fake.sent[start:] if s.kind in ("message", "edit"))
        start = len(fake.sent)
        return answered >= len(messages)

    await fake.wait_for(done, timeout=900)
    while True:
        count = len(fake.calls)
        await asyncio.sleep(0.5)
        if len(fake.calls) == count:
            last = max((c.at for c in fake.calls if c.method != "getUpdates"), default=time.monotonic())
            return float(last - started)


async def run(args: argparse.Namespace) -> int:
    from bot.telegram.runner import MAX_CONCURRENT_UPDATES as concurrency
    from tests.fakes.telegram_server import FakeTelegram

    OUT.mkdir(exist_ok=True)
    target = OUT / "telegram.db"
    people = add_accounts(args.db, target, args.users, args.seed)
    warmup = workload(people, 1, args.seed + 1)[: args.warmup]
    rounds = [workload(people, args.per_user, args.seed + r) for r in range(args.rounds)]
    leaders = sum(role == "leader" for _, role in people)
    print(f"{len(people)} officials on Telegram ({leaders} leaders); {args.rounds} rounds of {len(rounds[0])} "
          f"updates per contender, after {len(warmup)} warm-up updates")  # fmt: skip
    spawn = multiprocessing.get_context("spawn")
    stop, results = spawn.Event(), spawn.Queue()
    servers = {kind: await FakeTelegram().start() for kind in CONTENDERS}
    rates: dict[str, list[float]] = {kind: [] for kind in CONTENDERS}
    processes = []
    try:
        for kind, tg in servers.items():
            for user, _ in people:
                tg.user(user)
            ready = spawn.Queue()
            url = f"sqlite+aiosqlite:///{target}"
            process = spawn.Process(
                target=contender, args=(kind, tg.base_url, url, concurrency, ready, stop, results, args.profile)
            )
            process.start()
            processes.append(process)
            await asyncio.to_thread(ready.get, True, 120)
            await timed_round(tg, warmup)  # caches, SQLite pages, compiled templates
        for messages in rounds:
            for kind, tg in servers.items():
                rates[kind].append(len(messages) / await timed_round(tg, messages))
    finally:
        stop.set()
        reported = [await asyncio.to_thread(results.get, True, 60) for _ in processes]
        peaks = {kind: peak for kind, peak, _ in reported}
        served = len(warmup) + sum(len(messages) for messages in rounds)
        cpu = {kind: seconds * 1000 / served for kind, _, seconds in reported}
        for process in processes:
            await asyncio.to_thread(process.join, 30)
        for tg in servers.values():
            await tg.stop()
    return report(rates, peaks, cpu)


def report(rates: dict[str, list[float]], peaks: dict[str, float], cpu: dict[str, float] | None = None) -> int:
    median = {kind: statistics.median(values) for kind, values in rates.items()}
    for kind, values in rates.items():
        print(f"{kind:>8}: median {median[kind]:6.1f} updates/s  (rounds: {', '.join(f'{v:.1f}' for v in values)})")
    # each round's bot and echo turns are seconds apart: their ratio cancels most of a shared machine's drift
    paired = [bot / echo for bot, echo in zip(rates["bot"], rates["echo"], strict=True)]
    ratio = statistics.median(paired)
    channel = statistics.median(c / e for c, e in zip(rates["channel"], rates["echo"], strict=True))
    print(f"ratio bot/echo: {ratio:.2f} (target ≥ {RATIO_TARGET}; median of the rounds' "
          f"{', '.join(f'{r:.2f}' for r in paired)}); channel alone/echo: {channel:.2f}")  # fmt: skip
    print("peak memory: " + ", ".join(f"{kind} {mb:.0f} MB" for kind, mb in peaks.items())
          + f" (target for the bot ≤ {MEMORY_TARGET_MB:.0f} MB)")  # fmt: skip
    if cpu:  # steadier than the rates on a shared machine: CPU time hardly moves with others' load
        print("CPU per update: " + ", ".join(f"{kind} {ms:.2f} ms" for kind, ms in cpu.items())
              + f"; bot/echo CPU: {cpu['bot'] / cpu['echo']:.2f}")  # fmt: skip
    return 0 if ratio >= RATIO_TARGET and peaks["bot"] <= MEMORY_TARGET_MB else 1


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The options of a channel benchmark (``bench.telegram``, ``bench.zalo``): the same workload for both."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--db", type=Path, default=OUT / "national.db", help="the national database (python -m bench)")
    p.add_argument("--users", type=int, default=600, help="officials who chat (default 600)")
    p.add_argument("--per-user", type=int, default=2, help="updates per official in each round (default 2)")
    p.add_argument("--rounds", type=int, default=5, help="timed rounds per contender, taken in turn (default 5)")
    p.add_argument("--warmup", type=int, default=300, help="untimed updates first (default 300)")
    p.add_argument("--seed", type=int, default=2026)
    return p


def database_missing(args: argparse.Namespace, prog: str) -> bool:
    if args.db.exists():
        return False
    print(f"{prog}: {args.db} not found; build it first with `python -m bench`", file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    p = parser("python -m bench.telegram", __doc__.splitlines()[0])
    p.add_argument("--profile", action="store_true", help="cProfile each contender (slower): bench/out/telegram-*.prof")
    args = p.parse_args(argv)
    if database_missing(args, "bench.telegram"):
        return 2
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
