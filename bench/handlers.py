"""Timing of the main handlers over a benchmark database, the way a channel runs them.

Each call is one ``Router.handle`` (identity, role check, handler, commit: one message's transaction) for
an official picked at random (fixed seed) across every province, then, timed apart, the render step a
Telegram channel does: ``Renderer.render(lang, reply, "html")`` for each reply and each button's label.
A second, shorter pass counts the SQL statements per call and times each one (``--explain`` lists them).
"""

from __future__ import annotations

import cProfile
import gc
import logging
import math
import pstats
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from random import Random
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import settle
from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming, Reply
from handlers.router import Router
from models import Assignment, ChatAccount, Clock, Official, Role, Task, Unit, UnitKind
from models.db import create_engine, session_factory

COMMUNE, LEADER = "commune official", "province leader"
EXPLAINED = 3  # statements listed (with their query plans) per case
OWN = ("handlers", "models", "bot")  # folders whose functions the profile lists
PROFILE_LINES = 14
REFUSALS = ("errors/not_allowed", "account/register_prompt")


@dataclass(frozen=True)
class Case:
    persona: str
    text: str  # "{n}" becomes the number of a random task of the official's own unit
    note: str = ""  # "extra: …" for cases beyond the three commands, "issue 16: …" for rankings
    may_refuse: bool = False  # a refusal is an acceptable answer (timed all the same)

    @property
    def label(self) -> str:
        return self.text.replace("{n}", "N")

    @property
    def group(self) -> str:
        """The target it counts towards: "" (the three commands), "extra" or "issue 16"."""
        return self.note.split(":")[0] if ":" in self.note else ""


MAIN = ("/nhiemvu", "/diem", "/tomtat")  # the commands of the issue, for both personas
CASES = (
    # /tomtat is the leader's summary: a commune official may be refused it (or get the unit's own summary).
    *(Case(p, c, may_refuse=(p, c) == (COMMUNE, "/tomtat")) for c in MAIN for p in (COMMUNE, LEADER)),
    Case(COMMUNE, "/nhiemvu {n}", "extra: one task's detail"),
    Case(LEADER, "/nhiemvu tatca", "extra: the province by unit"),
    # issue 16: rankings and the 766 index at national scale (24 months of every commune and department)
    Case(COMMUNE, "/xephang 766", "issue 16: the province's communes, latest"),
    Case(COMMUNE, "/xephang 766 trang 3", "issue 16: a later page"),
    Case(LEADER, "/xephang par", "issue 16: the provinces"),
    Case(LEADER, "/xephang cchc", "issue 16: internal index, the communes"),
    Case(COMMUNE, "/diem 766", "issue 16: the commune's latest month"),
    Case(COMMUNE, "/sosanh", "issue 16: the commune against the province's communes"),
    Case(LEADER, "/sosanh", "issue 16: the province against the provinces stored"),
)
GROUPS = {"": " ".join(MAIN), "issue 16": "issue 16 (/xephang, /sosanh, /diem 766)", "extra": "extras"}


@dataclass
class Timing:
    case: Case
    handle_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # CPU time of this process (both threads) per handle
    render_ms: list[float] = field(default_factory=list)
    templates: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # the router's logged exceptions
    render_failures: Counter[str] = field(default_factory=Counter)  # "template: error" -> times
    queries: float = 0.0  # SQL statements per call (explain pass)
    sql_ms: float = 0.0  # time inside those statements per call
    statements: list[tuple[str, int, float]] = field(default_factory=list)  # sql, count, total ms
    plans: dict[str, list[str]] = field(default_factory=dict)  # SQLite query plans of the slowest statements
    profile: str = ""  # cProfile of the explain pass, our own functions only (--profile)

    @property
    def errors(self) -> int:
        return self.templates["errors/internal"] + self.templates["router raised"]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p99 of 200 calls is the second slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else math.nan


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


class _SqlClock:
    """Counts and times every statement an engine runs while ``on``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.on = False
        self.spent: dict[str, list[float]] = defaultdict(list)
        self.params: dict[str, Any] = {}  # the first parameters seen with each statement
        self._started: list[float] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self._started.append(time.perf_counter())

    def _after(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        began = self._started.pop()
        if self.on:
            key = re.sub(r"\s+", " ", statement)
            self.spent[key].append((time.perf_counter() - began) * 1000)
            self.params.setdefault(key, parameters)

    async def query_plan(self, engine: AsyncEngine, statement: str) -> list[str]:
        """SQLite's plan for a recorded statement ("SCAN" on a big table is what grows with the data)."""
        if engine.dialect.name != "sqlite":
            return []
        async with engine.connect() as conn:
            rows = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", tuple(self.params[statement]))
            return [str(row[-1]) for row in rows]

    @contextmanager
    def recording(self) -> Iterator[dict[str, list[float]]]:
        self.spent, self.on = defaultdict(list), True
        try:
            yield self.spent
        finally:
            self.on = False


async def personas(sessions: async_sessionmaker[AsyncSession]) -> dict[str, list[tuple[str, int]]]:
    """Console accounts (with the unit) of commune officials (officers and heads of communes and wards)
    and of province leaders."""
    query = (
        select(Official.role, Unit.kind, ChatAccount.external_id, Official.unit_id)
        .join(ChatAccount, ChatAccount.official_id == Official.id)
        .join(Unit, Unit.id == Official.unit_id)
        .where(ChatAccount.channel == "console", Official.active.is_(True))
        .order_by(ChatAccount.id)
    )
    found: dict[str, list[tuple[str, int]]] = {COMMUNE: [], LEADER: []}
    async with sessions() as session:
        for role, kind, external, unit in await session.execute(query):
            if role in (Role.OFFICER, Role.UNIT_HEAD) and kind in (UnitKind.COMMUNE, UnitKind.WARD):
                found[COMMUNE].append((external, unit))
            elif role == Role.LEADER and kind == UnitKind.PROVINCE:
                found[LEADER].append((external, unit))
    return found


async def _own_task(sessions: async_sessionmaker[AsyncSession], unit: int, rng: Random) -> int:
    """A task number assigned to ``unit`` (looked up outside the timed call)."""
    query = select(Task.number).join(Assignment, Assignment.task_id == Task.id).where(Assignment.unit_id == unit)
    async with sessions() as session:
        numbers = sorted((await session.execute(query)).scalars())
    return rng.choice(numbers) if numbers else 1


@dataclass
class _Target:
    """One database under test: its engine, router and the officials who may ask."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    router: Router
    sql: _SqlClock
    people: dict[str, list[tuple[str, int]]]


async def _open(url: str) -> _Target:
    engine = create_engine(url)
    sessions = session_factory(engine)
    people = await personas(sessions)
    missing = [p for p, ids in people.items() if not ids]
    if missing:
        await engine.dispose()
        raise RuntimeError(f"no officials for {', '.join(missing)} in {url}")
    router = Router(sessions, clock=Clock(), settings=HandlerConfig())
    return _Target(engine, sessions, router, _SqlClock(engine), people)


async def run(url: str, *, calls: int, warmup: int, seed: int = 2026, explain_calls: int = 20) -> list[Timing]:
    """Time every case over the database at ``url``."""
    return (await run_many([url], calls=calls, warmup=warmup, seed=seed, explain_calls=explain_calls))[0]


async def run_many(
    urls: list[str],
    *,
    calls: int,
    warmup: int,
    seed: int = 2026,
    explain_calls: int = 20,
    profile: bool = False,
    cases: tuple[Case, ...] = CASES,
) -> list[list[Timing]]:
    """Time every case over each database. With several databases the calls alternate between them,
    so a burst of load from another process slows them alike and their ratio stays fair."""
    failures = _Failures()
    router_log = logging.getLogger("handlers.router")
    router_log.addHandler(failures)
    router_log.propagate = False
    targets: list[_Target] = []
    try:
        for url in urls:
            targets.append(await _open(url))
        renderer = Renderer()
        settle()  # as ``cchc-bot run`` does once its channels have started (bot/serve.py)
        results: list[list[Timing]] = [[] for _ in targets]
        for case in cases:
            rng = Random(f"{seed}:{case.persona}:{case.text}")
            timings = [Timing(case) for _ in targets]
            total = warmup + calls + explain_calls
            picks = [[await _pick(t, case, rng) for _ in range(total)] for t in targets]
            gc.collect()
            for i in range(warmup + calls):
                order = list(range(len(targets)))
                if i % 2:
                    order.reverse()
                for k in order:
                    external, text = picks[k][i]
                    timing = timings[k] if i >= warmup else None
                    await _call(targets[k].router, renderer, failures, external, text, timing)
            for k, target in enumerate(targets):
                profiler = cProfile.Profile() if profile else None
                with target.sql.recording() as spent:
                    if profiler:
                        profiler.enable()
                    for external, text in picks[k][warmup + calls :]:
                        await _call(target.router, renderer, failures, external, text, None)
                    if profiler:
                        profiler.disable()
                timing = timings[k]
                timing.queries = sum(len(v) for v in spent.values()) / max(1, explain_calls)
                timing.sql_ms = sum(sum(v) for v in spent.values()) / max(1, explain_calls)
                ranked = sorted(spent.items(), key=lambda kv: -sum(kv[1]))
                timing.statements = [(sql, len(v), sum(v)) for sql, v in ranked]
                for sql, _, _ in timing.statements[:EXPLAINED]:
                    timing.plans[sql] = await target.sql.query_plan(target.engine, sql)
                if profiler:
                    timing.profile = _profile_text(profiler, explain_calls)
                results[k].append(timing)
        return results
    finally:
        router_log.removeHandler(failures)
        router_log.propagate = True
        for target in targets:
            await target.engine.dispose()


async def _pick(target: _Target, case: Case, rng: Random) -> tuple[str, str]:
    """Who asks and what they type, decided before the timed calls."""
    external, unit = rng.choice(target.people[case.persona])
    if "{n}" not in case.text:
        return external, case.text
    return external, case.text.format(n=await _own_task(target.sessions, unit, rng))


async def _call(
    router: Router, renderer: Renderer, failures: _Failures, external: str, text: str, into: Timing | None
) -> None:
    incoming = Incoming(channel="console", chat_id=external, user_id=external, text=text)
    failures.records.clear()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        lang, replies = await router.handle(incoming)
    except Exception as exc:  # the router itself failed: counted and reported, the run goes on
        if into is not None:
            into.templates["router raised"] += 1
            into.failures.append(f"Router.handle raised {type(exc).__name__}: {str(exc)[:300]}")
        return
    handled, handled_cpu = time.perf_counter(), time.process_time()
    broken = []
    for reply in replies:
        try:
            _render(renderer, lang, reply)
        except Exception as exc:  # a missing or broken template: counted and reported, not fatal
            broken.append(f"{lang}/{reply.template}: {type(exc).__name__}: {exc}")
    rendered = time.perf_counter()
    if into is not None:
        into.failures += failures.records
        into.render_failures.update(broken)
        into.handle_ms.append((handled - started) * 1000)
        into.cpu_ms.append((handled_cpu - cpu) * 1000)
        into.render_ms.append((rendered - handled) * 1000)
        into.templates.update(reply.template for reply in replies)


def _render(renderer: Renderer, lang: str, reply: Reply) -> str:
    """What the Telegram channel sends: the HTML body and the label of every button."""
    body = renderer.render(lang, reply, "html")
    labels = [renderer.label(lang, button, "html") for row in reply.buttons for button in row]
    return body + "".join(labels)


# --- printing -------------------------------------------------------------------------------------


def table(timings: list[Timing]) -> list[str]:
    """Wall-clock median, p95 and p99 of each step; the handle step also shows its CPU time (median and p99:
    on a shared machine the wall-clock tail is mostly waiting for a CPU, the CPU tail is the work) and SQL
    count."""
    head = f"{'handler':<20} {'persona':<17} {'step':<7} {'median ms':>9} {'p95 ms':>8} {'p99 ms':>8} {'CPU ms':>7} "
    head += f"{'CPU p99':>7} {'calls':>6} {'SQL/call':>8}"
    lines = [head, "-" * len(head)]
    for t in timings:
        for step, values in (("handle", t.handle_ms), ("render", t.render_ms)):
            median, p95, p99 = statistics.median(values), percentile(values, 95), percentile(values, 99)
            handle = step == "handle"
            cpu = f"{statistics.median(t.cpu_ms):7.2f} {percentile(t.cpu_ms, 99):7.2f}" if handle else " " * 15
            queries = f"{t.queries:8.1f}" if handle else ""
            row = f"{t.case.label:<20} {t.case.persona:<17} {step:<7} {median:9.2f} {p95:8.2f} {p99:8.2f} {cpu} "
            lines.append(row + f"{len(values):6d} {queries:>8}")
        replies = ", ".join(f"{name} ×{n}" for name, n in t.templates.most_common())
        refused = t.templates and all(name in REFUSALS for name in t.templates)
        note = " [refused]" if refused else (f" [{t.case.note}]" if t.case.note else "")
        lines.append(f"{'':<20} replies: {replies}{note}")
    return lines


def problems(timings: list[Timing]) -> list[str]:
    """Internal errors, render failures, and error or refusal replies where an answer was expected."""
    out = []
    for t in timings:
        who = f"{t.case.label} ({t.case.persona})"
        if t.errors:
            out.append(f"{who}: {t.errors} internal errors; first: {t.failures[:1]}")
        for failure, n in t.render_failures.items():
            out.append(f"{who}: render failed {n}× — {failure}")
        expected = REFUSALS if t.case.may_refuse else ()
        for name, n in t.templates.items():
            if name.startswith(("errors/", "account/")) and name not in expected and name != "errors/internal":
                out.append(f"{who}: {n}× {name}")
    return out


def explain(timings: list[Timing], top: int = EXPLAINED) -> list[str]:
    """The slowest statements of each case with their SQLite query plans, and the profile if taken."""
    lines = []
    for t in timings:
        lines.append(
            f"{t.case.label} ({t.case.persona}): {t.queries:.1f} statements, {t.sql_ms:.2f} ms in SQL per call"
        )
        for statement, count, total in t.statements[:top]:
            lines.append(f"  {total / count:7.2f} ms × {count:3d}  {statement[:200]}")
            lines += [f"{'':>20}plan: {step}" for step in t.plans.get(statement, [])]
        if t.profile:
            lines.append(t.profile)
    return lines


def _profile_text(profiler: cProfile.Profile, calls: int) -> str:
    """The project's own functions by cumulative time over the explain pass (ms per call)."""
    stats = pstats.Stats(profiler)
    rows: list[tuple[float, str]] = []
    for (path, line, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if any(f"/{part}/" in path for part in OWN) and "/.venv/" not in path:
            where = path.split("/work/main/")[-1] if "/work/main/" in path else path
            rows.append((cumulative * 1000 / calls, f"{where}:{line}({name})"))
    rows.sort(reverse=True)
    return "\n".join(f"{'':>6}{ms:8.2f} ms/call  {label}" for ms, label in rows[:PROFILE_LINES])


def compare(small: list[Timing], large: list[Timing], small_n: int, large_n: int) -> list[str]:
    """Median, p99 and CPU median of each handle step on both databases, and the ratio large / small."""
    head = f"{'handler':<20} {'persona':<17}"
    for what in ("median", "p99", "CPU"):
        head += f" {f'{what} {small_n}p':>10} {f'{what} {large_n}p':>11} {'ratio':>5}"
    lines = [head, "-" * len(head)]
    for a, b in zip(small, large, strict=True):
        row = f"{a.case.label:<20} {a.case.persona:<17}"
        pairs = (
            (statistics.median(a.handle_ms), statistics.median(b.handle_ms)),
            (percentile(a.handle_ms, 99), percentile(b.handle_ms, 99)),
            (statistics.median(a.cpu_ms), statistics.median(b.cpu_ms)),
        )
        for x, y in pairs:
            row += f" {x:10.2f} {y:11.2f} {y / x:5.2f}"
        lines.append(row)
    return lines
