"""The national-scale benchmark database: reuse it when it matches, else build it.

34 provinces on the post-2025 two-level tree (province → departments, communes and wards), ≈4,100 units,
one plan per province of 120 tasks given to ≈100 units each (≈408,000 assignments), five years of PAR INDEX /
SIPAS / PAPI / PCI / DTI tables with components, the internal CCHC index of every department and commune, 24
months of the 766 service index of every department and commune (≈98,000 results, five groups each), a
competition drive per province, and ≈20,500 officials each with a console chat account. ``bench.province``
makes the rows.

The schema comes from the migrations; the rows go in with SQLAlchemy Core ``insert()`` executemany batches
inside one transaction. Ids are assigned here, so the materialised ``Unit.path`` needs no round trip. A
marker row in the audit log records the parameters and the schema's fingerprint: an existing database is
reused only when both match.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import resource
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnDefault, Table, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

import models
from models import AuditEntry, TaskStatus
from models.base import Base
from models.db import MIGRATIONS, create_engine, upgrade

GENERATOR_VERSION = 2  # 2: national tables 2021-2025 of five indices, 24 months of the 766 index
BATCH = 5_000
MARKER = "bench.build"
# Columns of the rows bench.province makes, id first; tables in insert order (parents first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("id", "code", "name", "kind", "parent_id", "path", "valid_from", "valid_to"),
    "officials": ("id", "full_name", "title", "role", "unit_id", "language", "active", "push_opt_out", "created_at"),
    "chat_accounts": (
        "id",
        "official_id",
        "channel",
        "external_id",
        "chat_id",
        "display_name",
        "blocked",
        "created_at",
    ),
    "plans": ("id", "code", "year", "title", "issuing_unit_id", "issued_on"),
    "tasks": ("id", "plan_id", "number", "content", "field", "deadline_text", "deadline_kind", "due_date"),
    "assignments": ("id", "task_id", "unit_id", "role", "progress", "completed_on", "updated_at"),
    "index_results": (
        *("id", "index_id", "unit_id", "year", "period", "period_number", "score", "score_places", "rank"),
        *("rank_total", "group_label", "note", "published_on", "source"),
    ),
    "component_results": ("id", "result_id", "component_id", "score", "rank", "rank_total", "score_places"),
    "drives": ("id", "code", "title", "organiser_unit_id", "starts_on", "ends_on"),
    "drive_participants": ("id", "drive_id", "unit_id"),
    "drive_criteria": ("id", "drive_id", "number", "name", "weight", "target_value", "measure"),
    "drive_measurements": ("id", "participant_id", "criterion_id", "measured_on", "value"),
}
TABLES = tuple(COLUMNS)


class BenchError(Exception):
    """The benchmark cannot go on (the message says why, in one line)."""


@dataclass(frozen=True)
class Params:
    provinces: int = 34
    departments: int = 20  # per province
    communes: int = 100  # communes and wards per province
    tasks: int = 120  # per province plan
    units_per_task: int = 100  # lead + cooperating units of each task
    officials_per_unit: int = 5  # a unit head and officers (provinces: a leader, an admin, officers)
    service_months: int = 24  # months of the 766 index of every department and commune, up to last month
    year: int = 2026
    seed: int = 342025
    version: int = GENERATOR_VERSION

    @classmethod
    def scaled(cls, provinces: int, scale: float, year: int) -> Params:
        """The default shape shrunk (or grown) by ``scale`` per province; the number of provinces is kept."""

        def s(n: int, low: int) -> int:
            return max(low, round(n * scale))

        departments, communes = s(20, 2), s(100, 3)
        per_task = min(departments + communes, s(100, 2))
        return cls(provinces, departments, communes, s(120, 4), per_task, year=year)


@dataclass
class BuildReport:
    url: str
    params: Params
    reused: bool
    seconds: float  # to build (when reused: what the build took then)
    counts: dict[str, int]
    statuses: dict[str, int]
    peak_mb: float = 0.0  # of the process that built (or checked) the database

    def lines(self) -> list[str]:
        if self.reused:
            how = f"reused (built earlier in {self.seconds:.1f} s; --rebuild to rebuild)"
        else:
            how = f"built in {self.seconds:.1f} s, peak memory of the build {self.peak_mb:.0f} MB"
        return [
            f"database {redact(self.url)}: {how}",
            "  rows: " + ", ".join(f"{t} {n:,}" for t, n in self.counts.items()),
            "  assignment statuses today: " + ", ".join(f"{s} {n:,}" for s, n in self.statuses.items()),
        ]


def redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def schema_fingerprint() -> str:
    """Changes whenever a migration file changes (the initial migration is regenerated in place)."""
    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


async def prepare(url: str, params: Params, *, rebuild: bool = False, today: date | None = None) -> BuildReport:
    """Reuse the database at ``url`` when it was built with ``params``, else build it afresh."""
    path = sqlite_file(url)
    if not rebuild and (path is None or path.exists()):
        marker = await read_marker(url)
        if marker and marker.get("params") == asdict(params) and marker.get("schema") == schema_fingerprint():
            return BuildReport(url, params, True, marker["seconds"], marker["counts"], marker["statuses"])
    if path is not None:
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
    else:
        await _wipe(url, allowed=rebuild)
    return await build(url, params, today=today)


def prepare_in_process(url: str, params: Params, rebuild: bool) -> BuildReport:
    """``prepare`` for a worker process, so the build's memory does not count against the timings."""
    report = asyncio.run(prepare(url, params, rebuild=rebuild))
    report.peak_mb = peak_memory_mb()
    return report


async def read_marker(url: str) -> dict[str, Any] | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            query = select(AuditEntry.detail).where(AuditEntry.action == MARKER).order_by(AuditEntry.id.desc())
            detail = (await conn.execute(query.limit(1))).scalar_one_or_none()
    except DBAPIError:
        return None  # no schema yet
    finally:
        await engine.dispose()
    return dict(detail) if detail else None


async def _wipe(url: str, *, allowed: bool) -> None:
    """Empty a server database: only when it holds no units, or when ``--rebuild`` says so."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            try:
                async with conn.begin_nested():
                    units = (await conn.execute(select(func.count()).select_from(models.Unit))).scalar_one()
            except DBAPIError:
                units = 0
            if units and not allowed:
                raise BenchError(f"{redact(url)} holds other data; pass --rebuild to wipe it")
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        await engine.dispose()


async def build(url: str, params: Params, *, today: date | None = None) -> BuildReport:
    """Migrate an empty database at ``url`` and fill it. ``today`` decides which statuses occur."""
    from bench.province import Generator

    started = time.perf_counter()
    await upgrade(url)
    today = today or models.Clock().today()
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            writer = Writer(conn)
            await writer.start()
            generator = Generator(writer, params, today)
            await generator.indices(conn)
            for number in range(1, params.provinces + 1):
                generator.province(number)
                await writer.flush(full_only=True)
            await writer.flush()
            counts = {t: writer.counts[t] for t in TABLES}
            statuses = {s.value: generator.statuses[s] for s in TaskStatus}
            detail = {
                "params": asdict(params),
                "schema": schema_fingerprint(),
                "counts": counts,
                "statuses": statuses,
                "seconds": round(time.perf_counter() - started, 1),
                "today": today.isoformat(),
            }
            marker = {"at": models.Clock().now(), "action": MARKER, "subject": "bench", "detail": detail}
            await conn.execute(insert(AuditEntry), [marker])
            if conn.dialect.name == "postgresql":
                for table in TABLES:  # explicit ids leave the sequences behind
                    sequence = f"pg_get_serial_sequence('{table}', 'id')"
                    await conn.execute(text(f"SELECT setval({sequence}, (SELECT MAX(id) FROM {table}))"))
                # a server gathers statistics by itself (autovacuum) some time after a load, or never when
                # it is off: gathered now, the timings see the plans a running server has. SQLite is left
                # without (the bot never runs ANALYZE there), so its plans are the bot's.
                await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return BuildReport(url, params, False, time.perf_counter() - started, counts, statuses, peak_memory_mb())


class Writer:
    """Buffers rows per table and writes them with executemany, parents first. On SQLite the rows go to
    the driver's own executemany with each column's conversion applied here (SQLAlchemy's per-row
    parameter handling was half of the build's time); elsewhere through Core ``insert()``."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.tables: dict[str, Table] = {t: Base.metadata.tables[t] for t in TABLES}
        self.pending: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
        self.last_id: dict[str, int] = {}
        self.counts: Counter[str] = Counter()

    async def start(self) -> None:
        for name, table in self.tables.items():
            query = select(func.coalesce(func.max(table.c.id), 0))
            self.last_id[name] = int((await self.conn.execute(query)).scalar_one())

    def new_id(self, table: str) -> int:
        self.last_id[table] += 1
        return self.last_id[table]

    def add(self, table: str, *values: Any, row_id: int | None = None) -> int:
        """Queue a row given in ``COLUMNS`` order without its id; returns the id."""
        row_id = row_id or self.new_id(table)
        self.pending[table].append((row_id, *values))
        return row_id

    async def flush(self, *, full_only: bool = False) -> None:
        if full_only and all(len(rows) < BATCH for rows in self.pending.values()):
            return
        for name in TABLES:
            rows = self.pending[name]
            for start in range(0, len(rows), BATCH):
                await self._insert(name, rows[start : start + BATCH])
            self.counts[name] += len(rows)
            self.pending[name] = []

    async def _insert(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        columns, dialect = COLUMNS[name], self.conn.dialect
        if dialect.name != "sqlite":
            await self.conn.execute(insert(self.tables[name]), [dict(zip(columns, row, strict=True)) for row in rows])
            return
        table = self.tables[name]
        # the columns left out take their scalar defaults, as Core's insert() would give them
        left_out = [c for c in table.c if c.name not in columns and c.default is not None]
        if not all(isinstance(c.default, ColumnDefault) and c.default.is_scalar for c in left_out):
            raise BenchError(f"{name}: a column with a computed default must be given in COLUMNS")
        defaults = {c.name: c.default.arg for c in left_out if isinstance(c.default, ColumnDefault)}
        names = [*columns, *defaults]
        processors = [table.c[column].type.dialect_impl(dialect).bind_processor(dialect) for column in names]
        convert = [(i, f) for i, f in enumerate(processors) if f is not None]
        rest = tuple(defaults.values())
        values = []
        for row in rows:
            value = [*row, *rest]
            for i, f in convert:
                value[i] = f(value[i])
            values.append(tuple(value))
        sql = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        await self.conn.exec_driver_sql(sql, values)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.national``: only build (or check) the database."""
    p = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.splitlines()[0])
    p.add_argument("--provinces", type=int, default=34)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--db", type=Path, default=Path("bench/out/national.db"))
    p.add_argument("--url")
    p.add_argument("--rebuild", action="store_true")
    args = p.parse_args(argv)
    params = Params.scaled(args.provinces, args.scale, models.Clock().today().year)
    try:
        report = prepare_in_process(args.url or sqlite_url(args.db), params, args.rebuild)
    except BenchError as exc:
        print(f"bench: {exc}")
        return 1
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
