"""The entry points: import a file (a path, or the bytes of a chat upload) of one kind, all or nothing.

Every row is checked first and every problem reported; only a file without errors is written, and a
dry run stops before writing. The caller owns the transaction: this flushes, the caller commits.
The bytes are read once, in a worker process within hard caps (``worker.read_book``); a caller that
has already read them (a chat upload whose kind was guessed) passes the ``book``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from models.clock import Clock
from models.importers import drives, officials, results, service_766, tasks, units
from models.importers.book import Book
from models.importers.result import Batch, FileProblem, ImportResult, RowError
from models.importers.sheet import Column, Table, table_of
from models.importers.worker import read_book
from models.scope import Scope
from models.system import AuditEntry

Prepare = Callable[[AsyncSession, Table, Mapping[str, object], Batch], Awaitable[None]]


@dataclass(frozen=True)
class Kind:
    columns: tuple[Column, ...]
    prepare: Prepare


KINDS: dict[str, Kind] = {
    "units": Kind(units.COLUMNS, units.prepare),
    "tasks": Kind(tasks.COLUMNS, tasks.prepare),
    "results": Kind(results.COLUMNS, results.prepare),
    "drive_criteria": Kind(drives.CRITERIA_COLUMNS, drives.prepare_criteria),
    "drive_measurements": Kind(drives.MEASUREMENT_COLUMNS, drives.prepare_measurements),
    "766": Kind(service_766.COLUMNS, service_766.prepare),
    "officials": Kind(officials.COLUMNS, officials.prepare),
}
ALIASES = {
    "criteria": "drive_criteria",
    "measurements": "drive_measurements",
    "dvc": "766",
    "service": "766",
    "canbo": "officials",
    "can_bo": "officials",
}
MAX_FILE_BYTES = 20 * 1024 * 1024  # a province's largest file (its units, a plan) is well under 1 MB


async def import_bytes(
    session: AsyncSession,
    kind: str,
    name: str,
    data: bytes,
    *,
    dry_run: bool = False,
    options: Mapping[str, object] | None = None,
    actor_id: int | None = None,
    clock: Clock | None = None,
    scope: Scope | None = None,
    book: Book | None = None,
) -> ImportResult:
    """Import ``data`` (named ``name``, e.g. an uploaded "ke_hoach_2023.xlsx") as ``kind``, one of
    KINDS. Problems with the file come back in ``errors``; an unknown ``kind`` is a ValueError.
    ``book`` is ``data`` already read (``worker.read_book``).

    ``scope``: the province every row must lie in (a chat upload: the admin's; the CLI: ``--province``);
    a row naming a unit, plan or drive outside it is an error, listed like any other. Only the demo
    loader and tests import with no scope."""
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    batch = Batch(kind, scope, source=name[:255], clock=clock or Clock())
    batch.result.dry_run = dry_run
    if len(data) > MAX_FILE_BYTES:  # refused before any parsing: a big workbook takes minutes and gigabytes
        megabytes = MAX_FILE_BYTES // (1024 * 1024)
        reason = f"Tệp lớn hơn {megabytes} MB: hãy chia nhỏ tệp"
        batch.result.errors.append(RowError(0, "", "bad_file", reason, {"why": "too_big", "limit_mb": megabytes}))
        return batch.result
    try:
        table = table_of(book or await read_book(name, data), KINDS[kind].columns)
    except FileProblem as problem:
        batch.result.errors.append(problem.error)
        return batch.result
    batch.result.skipped_rows, batch.result.sheet = table.skipped, table.sheet
    await KINDS[kind].prepare(session, table, options or {}, batch)
    batch.result.errors.sort(key=lambda e: e.row)
    batch.result.skipped_rows.sort()
    if batch.failed or dry_run:
        return batch.result
    for step in batch.steps:
        await step()
    result = batch.result
    session.add(
        AuditEntry(
            at=(clock or Clock()).now(),
            actor_id=actor_id,
            province_id=scope.id if scope is not None else None,
            action=f"import.{kind}",
            subject=name[:255],
            detail={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "options": {key: str(value) for key, value in (options or {}).items()},
            },
        )
    )
    await session.flush()
    return result


async def import_file(
    session: AsyncSession,
    kind: str,
    path: Path,
    *,
    dry_run: bool = False,
    options: Mapping[str, object] | None = None,
    actor_id: int | None = None,
    clock: Clock | None = None,
    scope: Scope | None = None,
) -> ImportResult:
    """Import the file at ``path``; see import_bytes."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        result = ImportResult(kind, dry_run=dry_run)
        reason = f"Không đọc được tệp '{path}': {exc.strerror}"
        result.errors.append(RowError(0, "", "bad_file", reason, {"why": "unreadable", "name": str(path)}))
        return result
    return await import_bytes(
        session,
        kind,
        Path(path).name,
        data,
        dry_run=dry_run,
        options=options,
        actor_id=actor_id,
        clock=clock,
        scope=scope,
    )
