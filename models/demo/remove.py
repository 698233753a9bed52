"""``cchc-bot demo remove``: take the demo out of a database, and refuse while real data refers to it.

Demo rows are recognised by what the loader creates from the data files beside this module (no marker
column): units by code and name (units.csv), officials by name and unit (officials.csv) with their console
accounts, plans and drives by code (plans.toml, drives.toml), published results by index, unit and year
(results.csv, cchc_index.csv), and the targets of demo units. The standard indices stay (``cchc-bot init``
makes them too). Real data that refers to a demo unit – an official registered through an invite, a unit
imported below one, a plan or drive that assigns one, a result imported for one, a link from a real unit –
refuses the removal with the first such row named, and nothing is deleted.

The removal leaves an audit entry ``demo.remove``: ``make run`` then no longer loads the demo into the
database once it is empty again (``demo_removed``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Table, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Base
from models.clock import Clock
from models.demo._files import read_rows, read_toml
from models.demo._people import CONSOLE
from models.demo._scores import RESULT_FILES, SERVICE_FILE, SERVICE_INDEX
from models.drives import Drive, DriveCriterion, DriveMeasurement, DriveParticipant
from models.indices import PERIOD_MONTH, ComponentResult, IndexResult, ScoreIndex
from models.plans import Assignment, Plan, ProgressReport, Task
from models.system import AuditEntry, ConversationState, OutboxMessage
from models.targets import Target, TargetMeasurement
from models.text import fold
from models.tree import subtree_clause
from models.units import ChatAccount, Invite, Official, Unit

REMOVED = "demo.remove"


class DemoInUse(Exception):
    """Real data refers to the demo: ``kind`` says what (official, unit, plan, drive, result, link),
    ``subject`` names the first such row and ``count`` how many there are."""

    def __init__(self, kind: str, subject: str, count: int) -> None:
        super().__init__(f"{kind}: {subject} ({count})")
        self.kind = kind
        self.subject = subject
        self.count = count


@dataclass(frozen=True)
class Removed:
    """How many demo rows of each kind were deleted."""

    units: int
    officials: int
    plans: int
    drives: int
    results: int
    targets: int


@dataclass
class _Demo:
    units: dict[int, Unit]
    officials: set[int]
    plans: set[int]
    drives: set[int]


async def _demo_units(session: AsyncSession) -> dict[int, Unit]:
    names = {row["code"]: fold(row["name"]) for row in read_rows("units.csv")}
    rows = (await session.execute(select(Unit).where(Unit.code.in_(names)))).scalars()
    return {unit.id: unit for unit in rows if fold(unit.name) == names[unit.code]}


async def _demo_officials(session: AsyncSession, units: dict[int, Unit]) -> tuple[set[int], list[Official]]:
    """The demo's officials, and the other officials of demo units (real ones)."""
    by_code = {unit.code: unit.id for unit in units.values()}
    wanted = {(row["full_name"], by_code.get(row["unit"])) for row in read_rows("officials.csv")}
    rows = (await session.execute(select(Official).where(Official.unit_id.in_(units)))).scalars().all()
    demo = {o.id for o in rows if (o.full_name, o.unit_id) in wanted}
    return demo, [o for o in rows if o.id not in demo]


def _refuse(kind: str, subjects: Sequence[str]) -> None:
    if subjects:
        raise DemoInUse(kind, subjects[0], len(subjects))


async def _check_units(session: AsyncSession, units: dict[int, Unit]) -> None:
    """No real unit lies below a demo unit."""
    roots = [u for u in units.values() if u.parent_id is None or u.parent_id not in units]
    below: list[str] = []
    for root in roots:
        query = select(Unit.code).where(subtree_clause(root), Unit.id.not_in(units)).order_by(Unit.code)
        below += list((await session.execute(query)).scalars())
    _refuse("unit", below)


async def _check_plans(session: AsyncSession, units: set[int]) -> set[int]:
    codes = {spec["code"] for spec in read_toml("plans.toml")["plan"]}
    plans = {p.id: p for p in (await session.execute(select(Plan).where(Plan.code.in_(codes)))).scalars()}
    real = (
        select(Plan.code)
        .outerjoin(Task, Task.plan_id == Plan.id)
        .outerjoin(Assignment, Assignment.task_id == Task.id)
        .where(Plan.id.not_in(plans), or_(Plan.issuing_unit_id.in_(units), Assignment.unit_id.in_(units)))
        .distinct()
        .order_by(Plan.code)
    )
    _refuse("plan", list((await session.execute(real)).scalars()))
    outside = (
        select(Unit.code)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id.in_(plans), Unit.id.not_in(units))
        .distinct()
        .order_by(Unit.code)
    )
    _refuse("unit", list((await session.execute(outside)).scalars()))
    return set(plans)


async def _check_drives(session: AsyncSession, units: set[int]) -> set[int]:
    codes = {spec["code"] for spec in read_toml("drives.toml")["drive"]}
    drives = set((await session.execute(select(Drive.id).where(Drive.code.in_(codes)))).scalars())
    real = (
        select(Drive.code)
        .outerjoin(DriveParticipant, DriveParticipant.drive_id == Drive.id)
        .where(Drive.id.not_in(drives), or_(Drive.organiser_unit_id.in_(units), DriveParticipant.unit_id.in_(units)))
        .distinct()
        .order_by(Drive.code)
    )
    _refuse("drive", list((await session.execute(real)).scalars()))
    outside = (
        select(Unit.code)
        .join(DriveParticipant, DriveParticipant.unit_id == Unit.id)
        .where(DriveParticipant.drive_id.in_(drives), Unit.id.not_in(units))
        .distinct()
        .order_by(Unit.code)
    )
    _refuse("unit", list((await session.execute(outside)).scalars()))
    return drives


async def _demo_results(session: AsyncSession, units: dict[int, Unit]) -> set[int]:
    """The demo's published results; a result of a demo unit the demo did not load is real."""
    keys = {(row["index"], row["unit"], int(row["year"])) for name in RESULT_FILES for row in read_rows(name)}
    monthly = {row["unit"] for row in read_rows(SERVICE_FILE)}  # the 766 months, counted back from the day loaded
    query = (
        select(IndexResult.id, ScoreIndex.code, IndexResult.unit_id, IndexResult.year, IndexResult.period)
        .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
        .where(IndexResult.unit_id.in_(units))
        .order_by(IndexResult.year, ScoreIndex.code)
    )
    demo: set[int] = set()
    real: list[str] = []
    for result_id, index, unit_id, year, period in await session.execute(query):
        code = units[unit_id].code
        if (index, code, year) in keys or (index == SERVICE_INDEX and period == PERIOD_MONTH and code in monthly):
            demo.add(result_id)
        else:
            real.append(f"{index} {year} {code}")
    _refuse("result", real)
    return demo


_KNOWN = {
    t.__table__.name  # type: ignore[attr-defined]
    for t in (
        Unit,
        Official,
        ChatAccount,
        Invite,
        Plan,
        Task,
        Assignment,
        ProgressReport,
        Drive,
        DriveParticipant,
        DriveCriterion,
        DriveMeasurement,
        IndexResult,
        ComponentResult,
        Target,
        TargetMeasurement,
        AuditEntry,
        OutboxMessage,
    )
}


def _unit_links() -> list[tuple[Table, list[Column[int]]]]:
    """Tables this module does not know (a later revision's, such as the units' lineage) with the columns
    that refer to a unit."""
    found: list[tuple[Table, list[Column[int]]]] = []
    for table in Base.metadata.sorted_tables:
        if table.name in _KNOWN:
            continue
        columns = [c for c in table.columns if any(fk.column.table.name == "units" for fk in c.foreign_keys)]
        if columns:
            found.append((table, columns))
    return found


async def _check_links(session: AsyncSession, units: set[int]) -> list[tuple[Table, list[Column[int]]]]:
    """A row of another table that links a demo unit with a real one is real data; rows that link demo
    units only are the demo's and go with it."""
    links = _unit_links()
    for table, columns in links:
        touching = select(*columns).where(or_(*(c.in_(units) for c in columns)))
        for row in await session.execute(touching):
            if any(value is not None and value not in units for value in row):
                raise DemoInUse("link", table.name, 1)
    return links


async def inspect_demo(session: AsyncSession) -> _Demo | None:
    """The demo's rows, or None when the database holds no demo; raises DemoInUse when real data refers
    to them."""
    units = await _demo_units(session)
    if not units:
        return None
    officials, real = await _demo_officials(session, units)
    if real:
        names = [f"{o.full_name} ({units[o.unit_id].code})" for o in sorted(real, key=lambda o: o.id)]
        raise DemoInUse("official", names[0], len(names))
    await _check_units(session, units)
    plans = await _check_plans(session, set(units))
    drives = await _check_drives(session, set(units))
    return _Demo(units, officials, plans, drives)


async def remove_demo(session: AsyncSession, clock: Clock) -> Removed | None:
    """Delete the demo's rows and flush (the caller commits); None when there is no demo. Raises
    DemoInUse, having deleted nothing, when real data refers to the demo."""
    demo = await inspect_demo(session)
    if demo is None:
        return None
    units = set(demo.units)
    results = await _demo_results(session, demo.units)
    links = await _check_links(session, units)
    officials = demo.officials
    tasks = select(Task.id).where(Task.plan_id.in_(demo.plans))
    assignments = select(Assignment.id).where(Assignment.task_id.in_(tasks))
    participants = select(DriveParticipant.id).where(DriveParticipant.drive_id.in_(demo.drives))
    targets = select(Target.id).where(Target.unit_id.in_(units))
    accounts = select(ChatAccount.external_id).where(
        ChatAccount.official_id.in_(officials), ChatAccount.channel == CONSOLE
    )
    console_keys = set((await session.execute(accounts)).scalars())
    target_count = len(set((await session.execute(targets)).scalars()))
    statements = [
        delete(ComponentResult).where(ComponentResult.result_id.in_(results)),
        delete(IndexResult).where(IndexResult.id.in_(results)),
        delete(ProgressReport).where(ProgressReport.assignment_id.in_(assignments)),
        delete(Assignment).where(Assignment.id.in_(assignments)),
        delete(Task).where(Task.id.in_(tasks)),
        delete(Plan).where(Plan.id.in_(demo.plans)),
        delete(DriveMeasurement).where(DriveMeasurement.participant_id.in_(participants)),
        delete(DriveParticipant).where(DriveParticipant.id.in_(participants)),
        delete(DriveCriterion).where(DriveCriterion.drive_id.in_(demo.drives)),
        delete(Drive).where(Drive.id.in_(demo.drives)),
        delete(TargetMeasurement).where(TargetMeasurement.target_id.in_(targets)),
        delete(Target).where(Target.unit_id.in_(units)),
        *(delete(table).where(or_(*(c.in_(units) for c in columns))) for table, columns in links),
        delete(OutboxMessage).where(OutboxMessage.official_id.in_(officials)),
        delete(Invite).where(
            or_(Invite.unit_id.in_(units), Invite.created_by_id.in_(officials), Invite.used_by_id.in_(officials))
        ),
        delete(AuditEntry).where(or_(AuditEntry.actor_id.in_(officials), AuditEntry.province_id.in_(units))),
        update(ProgressReport).where(ProgressReport.reported_by_id.in_(officials)).values(reported_by_id=None),
        delete(ChatAccount).where(ChatAccount.official_id.in_(officials)),
        delete(ConversationState).where(
            ConversationState.channel == CONSOLE, ConversationState.external_id.in_(console_keys)
        ),
        delete(Official).where(Official.id.in_(officials)),
        update(Unit).where(Unit.id.in_(units)).values(parent_id=None),
        delete(Unit).where(Unit.id.in_(units)),
    ]
    for statement in statements:
        await session.execute(statement.execution_options(synchronize_session=False))
    removed = Removed(len(units), len(officials), len(demo.plans), len(demo.drives), len(results), target_count)
    session.add(
        AuditEntry(
            at=clock.now(),
            actor_id=None,
            province_id=None,
            action=REMOVED,
            subject="demo",
            detail={key: getattr(removed, key) for key in removed.__dataclass_fields__},
        )
    )
    await session.flush()
    session.expunge_all()
    return removed


async def demo_removed(session: AsyncSession) -> bool:
    """True once the demo was taken out of this database (``make run`` does not load it again)."""
    query = select(AuditEntry.id).where(AuditEntry.action == REMOVED).limit(1)
    return (await session.execute(query)).first() is not None


__all__ = ["REMOVED", "DemoInUse", "Removed", "demo_removed", "inspect_demo", "remove_demo"]
