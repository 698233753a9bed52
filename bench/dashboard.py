"""``python -m bench.dashboard``: the dashboard's pages timed over the national benchmark database (issue
19, point 5): server time per page (the route's coroutine, from the parsed request to the encoded body:
session look-up, queries, rendering) and the bytes each page sends, against the targets p99 ≤ 150 ms
and ≤ 300 KB for the province page.

    .venv/bin/python -m bench.dashboard                       # 34 provinces (built or reused, ~20 s)
    .venv/bin/python -m bench.dashboard --provinces 4 --calls 20   # a quick run

The officials are the generator's: province leaders (province page, their home) and commune heads and
officers (their unit's page), each call by an official of a province drawn at random.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import platform
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.handlers import percentile
from bench.national import Params, prepare, sqlite_url
from bot.app import settle
from bot.dashboard.http import COOKIE, Dashboard
from bot.render import Renderer
from bot.webhook_http import Headers, HttpRequest
from handlers.base import HandlerConfig
from models import Clock, Official, Role, Unit, UnitKind
from models.dashboard import start_session
from models.db import create_engine, session_factory
from models.settings import DashboardConfig

OUT = Path(__file__).resolve().parent / "out"
P99_TARGET_MS = 150.0
PROVINCE_BYTES = 300 * 1024
PER_PERSONA = 8  # officials of each kind signed in, spread over the provinces


@dataclass
class Case:
    label: str
    persona: str  # leader | commune
    path: str  # {unit}: the official's unit
    ms: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    zipped: list[int] = field(default_factory=list)


def cases() -> list[Case]:
    return [
        Case("province page", "leader", "/dashboard/tinh"),
        Case("province page, by name", "leader", "/dashboard/tinh?sort=name"),
        Case("leader's home", "leader", "/dashboard/"),
        Case("a commune, seen by a leader", "leader", "/dashboard/donvi/{commune}"),
        Case("own commune's page", "commune", "/dashboard/donvi/{unit}"),
        Case("commune official's home", "commune", "/dashboard/"),
    ]


async def sign_in(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> dict[str, list[tuple[str, int, int]]]:
    """(cookie token, unit id, a commune of the same province) of a few leaders and commune officials."""
    found: dict[str, list[tuple[str, int, int]]] = {"leader": [], "commune": []}
    async with sessions.begin() as session:
        rows = (
            await session.execute(
                select(Official.id, Official.role, Unit.id, Unit.kind, Unit.path)
                .join(Unit, Unit.id == Official.unit_id)
                .where(Official.active.is_(True))
                .order_by(Official.id)
            )
        ).all()
        communes: dict[str, int] = {}
        for _, _, unit_id, kind, path in rows:
            if kind in (UnitKind.COMMUNE, UnitKind.WARD):
                communes.setdefault(path.split("/")[1], unit_id)
        for official_id, role, unit_id, kind, path in rows:
            persona = "leader" if role == Role.LEADER and kind == UnitKind.PROVINCE else None
            if role in (Role.UNIT_HEAD, Role.OFFICER) and kind in (UnitKind.COMMUNE, UnitKind.WARD):
                persona = "commune"
            if persona is None or len(found[persona]) >= PER_PERSONA * 10:
                continue
            token = await start_session(session, official_id, "link", clock.now(), 1440)
            found[persona].append((token, unit_id, communes[path.split("/")[1]]))
    rng = Random(2026)
    return {persona: rng.sample(people, min(PER_PERSONA, len(people))) for persona, people in found.items()}


async def run(url: str, calls: int, warmup: int) -> list[Case]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = Clock()
    config = DashboardConfig(enabled=True, public_url="https://bench.example/dashboard")
    dashboard = Dashboard(sessions, Renderer(), clock, HandlerConfig(dashboard=config), "bench:token")
    people = await sign_in(sessions, clock)
    settle()  # as ``cchc-bot run`` does once its channels and the dashboard's server have started (bot/serve.py)
    rng = Random(19)
    timed = cases()
    try:
        for case in timed:
            for number in range(warmup + calls):
                token, unit, commune = rng.choice(people[case.persona])
                target = case.path.format(unit=unit, commune=commune)
                path, _, query = target.partition("?")
                headers = Headers({"cookie": f"{COOKIE}={token}", "host": "bench.example"})
                request = HttpRequest("GET", path, headers, 0, True, False, query)
                started = time.perf_counter()
                answer = await dashboard(request)
                spent = (time.perf_counter() - started) * 1000
                if answer.status != 200:
                    raise RuntimeError(f"{case.label}: {target} answered {answer.status}")
                if number >= warmup:
                    case.ms.append(spent)
                    case.sizes.append(len(answer.body))
                    case.zipped.append(len(gzip.compress(answer.body)))
    finally:
        await engine.dispose()
    return timed


def table(timed: list[Case]) -> list[str]:
    lines = [
        "| page | official | median ms | p99 ms | max ms | bytes (largest) | gzip bytes |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for c in timed:
        lines.append(
            f"| {c.label} | {c.persona} | {percentile(c.ms, 50):.1f} | {percentile(c.ms, 99):.1f} | {max(c.ms):.1f} "
            f"| {max(c.sizes):,} | {max(c.zipped):,} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__.splitlines()[0])
    p.add_argument("--provinces", type=int, default=34)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--db", type=Path, default=OUT / "national.db")
    p.add_argument("--url", help="a database URL instead of --db")
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    args = p.parse_args(argv)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    url = args.url or sqlite_url(args.db)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    report = asyncio.run(prepare(url, Params.scaled(args.provinces, args.scale, Clock().today().year)))
    print("\n".join(report.lines()))
    timed = asyncio.run(run(url, args.calls, args.warmup))
    print(f"\n{args.provinces} provinces: {args.calls} timed calls per page after {args.warmup} warm-up calls")
    print("\n".join(table(timed)))
    slow = [c.label for c in timed if percentile(c.ms, 99) > P99_TARGET_MS]
    heavy = max(max(c.sizes) for c in timed if c.path.startswith("/dashboard/tinh"))
    print(f"target p99 ≤ {P99_TARGET_MS:.0f} ms per page: {'MISSED by ' + ', '.join(slow) if slow else 'met'}")
    print(f"target ≤ 300 KB for the province page: {'met' if heavy <= PROVINCE_BYTES else 'MISSED'} ({heavy:,} bytes)")
    return 1 if slow or heavy > PROVINCE_BYTES else 0


if __name__ == "__main__":
    raise SystemExit(main())
