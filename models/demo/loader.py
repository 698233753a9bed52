"""Loading the demo into an empty database, and what was loaded."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Base
from models.clock import Clock
from models.demo._context import DemoContext
from models.demo._drives import load_drives
from models.demo._people import load_officials
from models.demo._plans import load_plans
from models.demo._scores import load_scores
from models.demo._targets import load_targets
from models.demo._units import load_units
from models.drives import Drive, DriveMeasurement, DriveParticipant
from models.indices import ComponentResult, IndexResult, ScoreIndex
from models.plans import Assignment, Plan, ProgressReport, Task
from models.targets import Target, TargetMeasurement
from models.units import ChatAccount, Official, Unit


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind the demo holds."""

    units: int
    officials: int
    chat_accounts: int
    indices: int
    results: int
    component_results: int
    plans: int
    tasks: int
    assignments: int
    progress_reports: int
    targets: int
    target_measurements: int
    drives: int
    drive_participants: int
    drive_measurements: int

    def __str__(self) -> str:
        return ", ".join(f"{getattr(self, f.name)} {f.name.replace('_', ' ')}" for f in fields(self))


_COUNTED: dict[str, type[Base]] = {
    "units": Unit,
    "officials": Official,
    "chat_accounts": ChatAccount,
    "indices": ScoreIndex,
    "results": IndexResult,
    "component_results": ComponentResult,
    "plans": Plan,
    "tasks": Task,
    "assignments": Assignment,
    "progress_reports": ProgressReport,
    "targets": Target,
    "target_measurements": TargetMeasurement,
    "drives": Drive,
    "drive_participants": DriveParticipant,
    "drive_measurements": DriveMeasurement,
}


async def is_empty(session: AsyncSession) -> bool:
    """True when the database has no units yet (so the demo may be loaded)."""
    return (await session.execute(select(Unit.id).limit(1))).first() is None


async def load_demo(session: AsyncSession, clock: Clock) -> DemoSummary:
    """Load the Lạng Sơn demo into an empty database and flush; the caller commits. Dates of the
    current-year plan and drive are placed around ``clock.today()``. Refuses a database with units."""
    if not await is_empty(session):
        raise ValueError("the database already has units: the demo loads only into an empty database")
    demo = DemoContext(session, clock)
    await load_units(demo)
    await load_officials(demo)
    await load_scores(demo)
    await load_plans(demo)
    await load_targets(demo)
    await load_drives(demo)
    await session.flush()
    return await _summary(session)


async def _summary(session: AsyncSession) -> DemoSummary:
    counts = {
        name: await session.scalar(select(func.count()).select_from(model)) or 0 for name, model in _COUNTED.items()
    }
    return DemoSummary(**counts)
