"""What a chat upload needs to know before importing: which kind of file it looks like, and the plan
or drive it most likely belongs to when the sender did not say."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.drives import Drive
from models.importers.book import Book
from models.importers.result import FileProblem
from models.importers.run import KINDS
from models.importers.sheet import table_of
from models.plans import Plan


def guess_kinds(book: Book) -> list[str]:
    """The import kinds whose required columns the file (read once: ``worker.read_book``) has, best
    match first (the share of the kind's columns found); empty when none fits."""
    scored: list[tuple[float, str]] = []
    for kind, spec in KINDS.items():
        try:
            table = table_of(book, spec.columns)
        except FileProblem:
            continue
        scored.append((len(table.headers) / len(spec.columns), kind))
    scored.sort(key=lambda pair: -pair[0])
    if len(scored) > 1 and scored[0][0] > scored[1][0]:
        return [scored[0][1]]
    return [kind for share, kind in scored if share == scored[0][0]] if scored else []


async def latest_plan_code(session: AsyncSession) -> str | None:
    return (await session.execute(select(Plan.code).order_by(Plan.year.desc(), Plan.id.desc()).limit(1))).scalar()


async def latest_drive_code(session: AsyncSession) -> str | None:
    return (
        await session.execute(select(Drive.code).order_by(Drive.starts_on.desc(), Drive.id.desc()).limit(1))
    ).scalar()
