"""Writing pushes into the outbox: one row per push, its ``dedupe_key`` unique, so that computing what is
due twice (a re-run, a restart, two processes) inserts nothing the second time.

``enqueue`` uses INSERT … ON CONFLICT (dedupe_key) DO NOTHING on both SQLite and PostgreSQL, in batches,
and counts only the rows it really inserted. It takes any iterable, so rows may be produced lazily and
memory stays bounded by one batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Column, MetaData, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import OutboxStatus
from models.system import OutboxMessage

BATCH = 2_000
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


@dataclass(slots=True)  # not frozen: a frozen dataclass is 2.5 times slower to make, and jobs make 100,000s
class Push:
    """One push to one official, as it is stored in the outbox. ``context`` holds only JSON values (dates
    as ISO strings); the template ``push/<kind>`` renders it in the official's language at send time.
    The channel and chat are left empty: the dispatcher finds the official's chat when it sends."""

    kind: str
    dedupe_key: str
    official_id: int
    context: dict[str, Any]
    created_at: datetime
    urgent: bool = False
    not_before: datetime | None = None

    @property
    def template(self) -> str:
        return f"push/{self.kind}"

    def row(self) -> dict[str, Any]:
        """The outbox row as column -> value (not yet processed by the column types)."""
        return dict(zip(COLUMNS, self.values(), strict=True))

    def values(self) -> tuple[Any, ...]:
        """The values of ``COLUMNS``, in that order."""
        at = self.created_at
        nb = self.not_before or at
        return (
            self.dedupe_key,
            self.kind,
            self.official_id,
            "",
            "",
            self.template,
            self.context,
            PENDING,
            self.urgent,
            0,
            nb,
            "",
            at,
        )


COLUMNS = (
    "dedupe_key",
    "kind",
    "official_id",
    "channel",
    "chat_id",
    "template",
    "context",
    "status",
    "urgent",
    "attempts",
    "not_before",
    "last_error",
    "created_at",
)
PENDING = OutboxStatus.PENDING.value
# Values are passed already processed by the real column types (JSON serialised, datetimes converted),
# each shared value once per batch rather than once per row: a unit's deadline context is shared by all
# its officials, and every push of a run has the same time. Then the statement needs no types at all:
# on SQLite it is plain SQL run with executemany (SQLAlchemy's per-row parameter handling cost more than
# the insert itself); on PostgreSQL a typeless table keeps RETURNING to count what was inserted.
_PROCESSED = tuple(COLUMNS.index(name) for name in ("context", "not_before", "created_at"))
_SQLITE = (
    f"INSERT INTO outbox ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "
    "ON CONFLICT (dedupe_key) DO NOTHING"
)
_RAW = Table("outbox", MetaData(), Column("id"), *(Column(name) for name in COLUMNS))


def _batches(rows: Iterable[Push], size: int, dialect: Dialect) -> Iterator[list[tuple[Any, ...]]]:
    processors = [(i, OUTBOX.c[COLUMNS[i]].type.dialect_impl(dialect).bind_processor(dialect)) for i in _PROCESSED]
    it = iter(rows)
    while pushes := list(islice(it, size)):
        done: dict[tuple[int, int], Any] = {}  # (column, id of a value) -> processed value, for this batch
        batch = []  # (the pushes keep the values alive, so an id stays theirs while the batch is built)
        for push in pushes:
            values = list(push.values())
            for i, process in processors:
                value = values[i]
                key = (i, id(value))
                if key not in done:
                    done[key] = process(value) if process else value
                values[i] = done[key]
            batch.append(tuple(values))
        yield batch


async def enqueue(session: AsyncSession, rows: Iterable[Push], *, batch: int = BATCH) -> int:
    """Insert the pushes whose dedupe key is new; return how many were inserted. Runs in the caller's
    transaction (commit is the caller's)."""
    connection = await session.connection()
    dialect = connection.dialect
    inserted = 0
    if dialect.name == "sqlite":
        for chunk in _batches(rows, batch, dialect):
            result = await connection.exec_driver_sql(_SQLITE, chunk)
            inserted += max(result.rowcount, 0)
        return inserted
    statement = postgresql.insert(_RAW).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(_RAW.c.id)
    for chunk in _batches(rows, batch, dialect):
        result = await connection.execute(statement, [dict(zip(COLUMNS, values, strict=True)) for values in chunk])
        inserted += len(result.all())
    return inserted
