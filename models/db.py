"""Engine, session factory and migrations.

SQLite (``sqlite+aiosqlite:///path``) is the default: WAL journal, foreign keys on, a busy timeout so
a second process waits instead of failing. PostgreSQL is chosen by a ``postgresql+asyncpg://`` URL.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite import aiosqlite as sa_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"


def create_engine(url: str, *, echo: bool = False, lock_timeout: float = 30) -> AsyncEngine:
    """``lock_timeout``: SQLite, how many seconds a statement waits for another process's lock before it
    fails with "database is locked" (the CLI then says so in one line)."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": lock_timeout, "check_same_thread": False}  # see reads_inline
        kwargs["module"] = OneHopDBAPI(aiosqlite, sqlite3)
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


_INLINE: ContextVar[bool] = ContextVar("cchc_reads_inline", default=False)


@contextmanager
def reads_inline() -> Iterator[None]:
    """While this is on, SQLite SELECTs of the current task that are not inside a write transaction run
    on the event loop's own thread, not on aiosqlite's.

    A chat message reads a few rows through indexes: SQLite answers in tens of microseconds, and the
    trip to aiosqlite's thread and back costs more than that, and then the two threads take turns at
    Python's lock (``bench/README.md``, "Reads on the loop's thread"). In WAL mode a reader never waits
    for a writer's lock, so such a SELECT cannot stall the loop on another process (a database that could
    not be put in WAL mode keeps every statement on aiosqlite's thread); writes, and reads
    after a write in the same transaction, still go to aiosqlite's thread, where waiting for the
    database's lock is harmless. The router turns this on for each message; jobs, imports and backups,
    which may read much more, leave it off. (The connection is made with ``check_same_thread=False``;
    one connection is used by one session at a time, and every statement holds the connection's
    mutex, so two threads never use it at once.) PostgreSQL is not affected."""
    token = _INLINE.set(True)
    try:
        yield
    finally:
        _INLINE.reset(token)


class OneHopCursor(sa_aiosqlite.AsyncAdapt_aiosqlite_cursor):
    """A cursor that runs a statement and fetches its rows in ONE trip to aiosqlite's thread.

    SQLAlchemy's own adapter makes four trips per statement (open a cursor, execute, fetch all, close),
    each a hand-over to aiosqlite's thread and back through the event loop: about 0.3 ms of a statement's
    0.5 ms on a quiet machine (``bench/README.md``). This one asks aiosqlite's thread to do all four at
    once, through ``aiosqlite.Connection._execute`` (a private method; aiosqlite is pinned, and every test
    runs on this cursor). Server-side cursors (``stream()``) keep SQLAlchemy's own class."""

    __slots__ = ("_done",)

    def __init__(self, adapt_connection: Any) -> None:
        self._done: sqlite3.Cursor | None = None  # the finished sqlite3 cursor: description, rowcount, …
        super().__init__(adapt_connection)

    def _make_new_cursor(self, connection: Any) -> Any:
        return None  # made in aiosqlite's thread, by the statement itself

    def _aenter_cursor(self, cursor: Any) -> Any:
        return None

    @property
    def description(self) -> Any:
        return self._done.description if self._done is not None else None

    @property
    def rowcount(self) -> int:
        return self._done.rowcount if self._done is not None else -1

    @property
    def lastrowid(self) -> Any:
        return self._done.lastrowid if self._done is not None else None

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        raw: sqlite3.Connection = self._connection._conn

        def run() -> tuple[sqlite3.Cursor, list[Any] | None]:
            cursor = raw.cursor()
            cursor.execute(operation, () if parameters is None else parameters)
            rows = cursor.fetchall() if cursor.description else None
            cursor.close()
            return cursor, rows

        inline = (
            _INLINE.get()
            and getattr(self._adapt_connection, "wal", False)
            and not raw.in_transaction
            and operation[:6].upper() == "SELECT"
        )
        async with self._adapt_connection._execute_mutex:
            if inline:
                self._done, rows = run()
            else:
                self._done, rows = await self._connection._execute(run)
        if rows is not None:
            self._rows = collections.deque(rows)
        return None

    async def _executemany_async(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        raw: sqlite3.Connection = self._connection._conn

        def run() -> sqlite3.Cursor:
            cursor = raw.cursor()
            cursor.executemany(operation, seq_of_parameters)
            cursor.close()
            return cursor

        async with self._adapt_connection._execute_mutex:
            self._done = await self._connection._execute(run)
        return None

    async def _async_soft_close(self) -> None:
        return None  # nothing stays open: the sqlite3 cursor was closed in the thread

    def close(self) -> None:
        self._rows.clear()


class OneHopConnection(sa_aiosqlite.AsyncAdapt_aiosqlite_connection):
    """The connection of ``OneHopCursor``s. A COMMIT or ROLLBACK with no transaction open (a message that
    only read: Python's sqlite3 opens a transaction at the first write, not at a SELECT) does nothing in
    SQLite, so it is not sent to aiosqlite's thread at all; that saves the two trips every read-only
    message made (the session's commit and the pool's reset on return)."""

    __slots__ = ("wal",)
    _cursor_cls = OneHopCursor
    wal: bool  # the database is in WAL mode (set on connect): only then may reads run inline

    def _open_transaction(self) -> bool:
        raw: sqlite3.Connection | None = getattr(self._connection, "_connection", None)
        return raw is None or raw.in_transaction  # closed: let the usual path report it

    def commit(self) -> None:
        if self._open_transaction():
            super().commit()

    def rollback(self) -> None:
        if self._open_transaction():
            super().rollback()


class OneHopDBAPI(sa_aiosqlite.AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite adapter with ``OneHopCursor``: passed as ``create_async_engine(module=…)``."""

    def connect(self, *arg: Any, **kw: Any) -> Any:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)  # the same aiosqlite connection, rewrapped


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    (mode,) = cursor.fetchone() or ("",)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    if isinstance(dbapi_connection, OneHopConnection):
        dbapi_connection.wal = str(mode).lower() == "wal"  # else readers may wait for a writer: no inline reads


def read_cache(session: AsyncSession | Session) -> dict[str, Any]:
    """A memo of rows a session has read that one message may ask for more than once (unit names, the
    list of indices). It is dropped whenever the session flushes, commits or rolls back, so what a
    message writes is read again."""
    memo: dict[str, Any] = session.info.setdefault(_READ, {})
    return memo


_READ = "read"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_reads(session: Session, *_: Any) -> None:
    session.info.pop(_READ, None)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _alembic_config(url: str, lock_timeout: float = 30) -> Any:
    from alembic.config import Config

    config = Config()
    config.attributes["lock_timeout"] = lock_timeout  # read by migrations/env.py
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade_sync(url: str, revision: str, lock_timeout: float) -> None:
    from alembic import command

    command.upgrade(_alembic_config(url, lock_timeout), revision)


async def upgrade(url: str, revision: str = "head", *, lock_timeout: float = 30) -> None:
    """Apply migrations up to ``revision``. Alembic's async env runs its own loop, so it gets a thread."""
    await asyncio.to_thread(_upgrade_sync, url, revision, lock_timeout)
