"""What a chat upload needs to know before importing: which kind of file it looks like, and the plan
or drive it most likely belongs to when the sender did not say; and what it would write into (a
preview is confirmed only if that has not changed since)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.drives import Drive, DriveCriterion, DriveMeasurement, DriveParticipant
from models.importers.book import Book
from models.importers.result import FileProblem
from models.importers.run import KINDS
from models.importers.sheet import table_of
from models.indices import IndexResult
from models.plans import Assignment, Plan, Task
from models.scope import Scope
from models.units import Official, Unit


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


async def latest_plan_code(session: AsyncSession, scope: Scope) -> str | None:
    """The code of the latest plan issued in ``scope``'s province."""
    stmt = (
        select(Plan.code)
        .join(Unit, Unit.id == Plan.issuing_unit_id)
        .where(scope.clause())
        .order_by(Plan.year.desc(), Plan.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar()


async def latest_drive_code(session: AsyncSession, scope: Scope) -> str | None:
    """The code of the latest drive organised in ``scope``'s province."""
    stmt = (
        select(Drive.code)
        .join(Unit, Unit.id == Drive.organiser_unit_id)
        .where(scope.clause())
        .order_by(Drive.starts_on.desc(), Drive.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar()


async def target_of(
    session: AsyncSession, scope: Scope, options: Mapping[str, object], kind: str = ""
) -> dict[str, Any]:
    """What an upload with ``options`` writes into: the province, and the plan or drive (its id, or None
    while it does not exist yet) by the code the options name. A preview records it, and the
    confirmation compares it with what the same options mean then."""
    target: dict[str, Any] = {"province": scope.id, "options": {k: str(v) for k, v in sorted(options.items())}}
    if plan := options.get("plan"):
        target["plan_id"] = (await session.execute(select(Plan.id).where(Plan.code == str(plan)))).scalar()
    if drive := options.get("drive"):
        target["drive_id"] = (await session.execute(select(Drive.id).where(Drive.code == str(drive)))).scalar()
    target["state"] = await _state(session, scope, target, kind)
    return target


async def _state(session: AsyncSession, scope: Scope, target: Mapping[str, Any], kind: str = "") -> str:
    """A digest of every stored row an upload of the province may touch: its units and results, the
    named plan's tasks and assignments, the named drive's criteria, participants and measurements. A
    province holds a few hundred units and tasks, so this is a few small reads."""
    digest = hashlib.sha256()
    statements: list[Select[Any]] = [
        select(*Unit.__table__.columns).where(scope.clause()).order_by(Unit.id),
        select(*IndexResult.__table__.columns)
        .join(Unit, Unit.id == IndexResult.unit_id)
        .where(scope.clause())
        .order_by(IndexResult.id),
    ]
    if plan_id := target.get("plan_id"):
        statements.append(select(*Task.__table__.columns).where(Task.plan_id == plan_id).order_by(Task.id))
        statements.append(
            select(*Assignment.__table__.columns)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan_id)
            .order_by(Assignment.id)
        )
    if drive_id := target.get("drive_id"):
        statements.append(
            select(*DriveCriterion.__table__.columns)
            .where(DriveCriterion.drive_id == drive_id)
            .order_by(DriveCriterion.id)
        )
        statements.append(
            select(*DriveMeasurement.__table__.columns)
            .join(DriveParticipant, DriveParticipant.id == DriveMeasurement.participant_id)
            .where(DriveParticipant.drive_id == drive_id)
            .order_by(DriveMeasurement.id)
        )
    if kind == "officials":  # the province's officials, whom the list matches by unit and name
        statements.append(
            select(*Official.__table__.columns)
            .join(Unit, Unit.id == Official.unit_id)
            .where(scope.clause())
            .order_by(Official.id)
        )
    for statement in statements:
        for row in await session.execute(statement):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
