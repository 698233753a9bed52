"""A consistent copy of the SQLite database while the bot runs, with SQLite's online backup.

``sqlite3.Connection.backup`` copies the database page by page; pages that a writer changes during the
copy are copied again, so the result is the database as of one moment, whatever the bot writes
meanwhile. WAL mode lets the bot keep writing while the copy reads. The copy is checked with
``PRAGMA integrity_check`` before it is reported. PostgreSQL has its own tool (``pg_dump``; see README).
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

PAGES_PER_STEP = 1024  # copy in steps, letting writers in between (a step is 4 MB at the default page size)


class BackupError(Exception):
    """The backup could not be made; the message says why, in one line. ``kind`` and ``context`` let the
    CLI say it in the operator's language (``templates/cli/failure.j2``, ``backup_<kind>``)."""

    def __init__(self, kind: str, message: str, **context: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.context = context


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    tables: int


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError("postgres", "only an SQLite database is backed up here: use pg_dump for PostgreSQL")
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("memory", "an in-memory database cannot be backed up")
    return Path(parsed.database)


def default_target(source: Path, now: datetime) -> Path:
    return source.parent / "backups" / f"{source.stem}-{now:%Y%m%d-%H%M%S}.db"


def _backup(source: Path, target: Path) -> Backup:
    if not source.exists():
        raise BackupError("no_database", f"no database at {source}", where=str(source))
    if target.exists():
        raise BackupError("exists", f"{target} exists already: choose another name", where=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    live = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:  # a failure half-way (a full disk) leaves no partial copy behind
        copy = sqlite3.connect(partial)
        try:
            live.backup(copy, pages=PAGES_PER_STEP)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            checked = copy.execute("PRAGMA integrity_check").fetchone()
            tables = copy.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        live.close()
    if checked is None or checked[0] != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError("integrity", f"the copy failed its integrity check: {checked}", reason=str(checked))
    partial.rename(target)
    return Backup(target, target.stat().st_size, int(tables))


async def backup_sqlite(url: str, target: Path | None, now: datetime) -> Backup:
    """Copy the database at ``url`` to ``target`` (default: ``backups/<name>-<time>.db`` beside it)."""
    source = sqlite_path(url)
    return await asyncio.to_thread(_backup, source, target or default_target(source, now))
