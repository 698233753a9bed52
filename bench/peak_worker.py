"""One webhook worker of ``python -m bench.peak``: ``cchc-bot run`` (``bot.serve.serve``) in a spawned process,
Telegram in webhook mode on its own port, the dispatcher draining the shared outbox, and — in the worker
that plays the lease holder — the scheduler's jobs at the simulated 08:00 peak (``jobs.scheduler.run_job``,
the coroutine APScheduler runs on the event loop).

What the bench adds to the product, and nothing else: a clock shifted to the simulated morning; the push
sender's sends carry an extra ``peak_push`` parameter so the fake server can tell pushes from replies;
a task that measures how late the event loop wakes (a job starving the loop shows there); and, at the
end, the process's CPU time since the start signal and its peak memory.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from models.clock import Clock

LAG_TICK = 0.05  # seconds between the loop-lag probe's wake-ups


@dataclass(frozen=True)
class Plan:
    index: int
    url: str  # the database
    base_url: str  # the fake Bot API
    port: int
    secret: str
    per_second: int  # this process's share of Telegram's overall limit
    morning: datetime  # the simulated time at the start signal
    jobs: tuple[tuple[float, str], ...] = ()  # (seconds after the start, job): the lease holder's work
    in_flight: int = 1


@dataclass
class ShiftedClock(Clock):
    """Real time moved by ``offset``: the simulated morning runs at the real pace."""

    offset: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        return (datetime.now(UTC) + self.offset).astimezone(self.tz)


@dataclass
class Lag:
    """How late the event loop ran a task that asked to wake every ``LAG_TICK`` seconds."""

    worst: float = 0.0
    over_100ms: int = 0
    stalls: list[tuple[float, float]] = field(default_factory=list)  # (seconds after the start, lag) over 0.2 s

    async def watch(self, start: list[float]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(LAG_TICK)
            late = loop.time() - asked - LAG_TICK
            if not start:
                continue
            self.worst = max(self.worst, late)
            self.over_100ms += late > 0.1
            if late > 0.2:
                self.stalls.append((round(time.monotonic() - start[0] - late, 1), round(late, 3)))


def tag_pushes() -> None:
    """The push sender's messages carry ``peak_push=1`` (an extra Bot API parameter the fake records)."""
    from bot.push_path import PushSender

    original = PushSender._telegram

    class Tagged:
        def __init__(self, bot: Any) -> None:
            self._bot = bot

        async def send_message(self, *args: Any, **kwargs: Any) -> Any:
            return await self._bot.send_message(*args, api_kwargs={"peak_push": 1}, **kwargs)

    async def tagged(self: PushSender, bot: Any, chat_id: str, text: str, keyboard: Any = None) -> Any:
        return await original(self, Tagged(bot), chat_id, text, keyboard)  # type: ignore[arg-type]

    PushSender._telegram = tagged  # type: ignore[method-assign]


def config_for(plan: Plan) -> Any:
    from bot import config as configuration
    from tests.fakes.telegram_server import TOKEN

    config = configuration.load(None, environ={})
    config = configuration.replace(config, "database", url=plan.url)
    config = configuration.replace(config, "bot", load_demo_when_empty=False)
    config = configuration.replace(config, "schedule", enabled=False)  # the jobs run below, as the scheduler would
    config = configuration.replace(config, "dispatch", in_flight=plan.in_flight)
    return configuration.replace(
        config, "telegram", token=TOKEN, base_url=plan.base_url, bot_username="cchc_test_bot", mode="webhook",
        webhook_port=plan.port, webhook_public_url=f"https://127.0.0.1:{plan.port}/telegram",
        webhook_secret=plan.secret, per_second=plan.per_second,
    )  # fmt: skip


def run(plan: Plan, go: Any, results: Any) -> None:
    """The process's body: serve until SIGTERM, then put this worker's figures on ``results``."""
    import importlib.util
    import sys

    if importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
    results.put(asyncio.run(_serve(plan, go)))


async def _serve(plan: Plan, go: Any) -> dict[str, Any]:
    from bench.national import peak_memory_mb
    from bot.app import build
    from bot.serve import serve

    tag_pushes()
    config = config_for(plan)
    clock = ShiftedClock(config.bot.tz, plan.morning - timedelta(minutes=10) - datetime.now(UTC))
    app = build(config, clock)
    start: list[float] = []
    cpu: list[float] = []
    lag = Lag()
    jobs: list[tuple[str, float, int]] = []

    async def started() -> None:
        wall = await asyncio.to_thread(go.get)  # the driver's start signal: the real time of 08:0x
        clock.offset = plan.morning - datetime.fromtimestamp(wall, UTC)
        start.append(time.monotonic() - (time.time() - wall))
        cpu.append(time.process_time())
        for at, name in plan.jobs:
            await asyncio.sleep(max(0.0, start[0] + at - time.monotonic()))
            jobs.append(await _job(app, name))

    tasks = [asyncio.create_task(started()), asyncio.create_task(lag.watch(start))]
    try:
        await serve(app)
    finally:
        for task in tasks:
            task.cancel()
        await app.close()
    return {
        "index": plan.index,
        "cpu": time.process_time() - cpu[0] if cpu else 0.0,
        "peak_mb": peak_memory_mb(),
        "lag_worst": lag.worst,
        "lag_over_100ms": lag.over_100ms,
        "stalls": lag.stalls[:20],
        "jobs": jobs,
    }


async def _job(app: Any, name: str) -> tuple[str, float, int]:
    """One scheduled job as the scheduler runs it (``drives`` on its weekly-standings day: compute only)."""
    from jobs.kinds import PushRules
    from jobs.scheduler import run_job

    rules = PushRules.of(app.config)
    began = time.monotonic()
    if name == "drives":  # the standings of a weekly day, computed apart as run_job computes (not queued)
        from bench.push import job_days, measure_in_process

        day = job_days(app.clock.today())["drives"]
        url = app.engine.url.render_as_string(hide_password=False)
        count = (await asyncio.to_thread(measure_in_process, url, "drives", day, False)).pushes
    else:
        count = await run_job(name, app.sessions, app.clock, rules)
    return name, time.monotonic() - began, count
