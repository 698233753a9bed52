"""Small builders for tests: a tiny province built through the same functions the product uses.

Helpers may add functions here; keep each one small and named for what it builds.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    DEFAULT_TZ,
    Assignment,
    AssignmentRole,
    ChatAccount,
    ComponentResult,
    DeadlineKind,
    Drive,
    DriveCriterion,
    DriveMeasurement,
    DriveParticipant,
    IndexComponent,
    IndexResult,
    Official,
    Plan,
    Role,
    ScoreIndex,
    ScoreKind,
    Target,
    TargetMeasurement,
    Task,
    Unit,
    UnitKind,
)
from models.tree import add_unit

T0 = datetime(2024, 1, 1, 8, 0, tzinfo=DEFAULT_TZ)


async def unit(session: AsyncSession, code: str, kind: UnitKind, parent: Unit | None = None, name: str = "") -> Unit:
    return await add_unit(session, code=code, name=name or code, kind=kind, parent=parent)


async def official(
    session: AsyncSession,
    at: Unit,
    role: Role = Role.OFFICER,
    *,
    name: str = "Cán bộ",
    channel: str = "console",
    external_id: str | None = None,
    language: str = "vi",
) -> Official:
    person = Official(full_name=name, role=role, unit_id=at.id, language=language, created_at=T0)
    session.add(person)
    await session.flush()
    ext = external_id or f"u{person.id}"
    session.add(ChatAccount(official_id=person.id, channel=channel, external_id=ext, chat_id=ext, created_at=T0))
    await session.flush()
    return person


async def plan(session: AsyncSession, year: int = 2024, code: str | None = None) -> Plan:
    p = Plan(code=code or f"KH-{year}", year=year, title=f"Kế hoạch CCHC năm {year}")
    session.add(p)
    await session.flush()
    return p


async def task(
    session: AsyncSession,
    in_plan: Plan,
    number: int,
    due: date,
    lead: Unit,
    *,
    cooperating: list[Unit] | None = None,
    progress: int = 0,
    completed_on: date | None = None,
    field: int = 1,
    content: str = "Nhiệm vụ",
) -> Task:
    t = Task(
        plan_id=in_plan.id,
        number=number,
        content=content,
        field=field,
        deadline_text=due.strftime("%d/%m/%Y"),
        deadline_kind=DeadlineKind.DATE,
        due_date=due,
    )
    session.add(t)
    if in_plan.issuing_unit_id is None:  # as migration 0002 does: the province of the units it assigns
        in_plan.issuing_unit_id = int(lead.path.strip("/").split("/")[0])
    await session.flush()
    session.add(
        Assignment(
            task_id=t.id, unit_id=lead.id, role=AssignmentRole.LEAD, progress=progress, completed_on=completed_on
        )
    )
    for other in cooperating or []:
        session.add(Assignment(task_id=t.id, unit_id=other.id, role=AssignmentRole.COOPERATE))
    await session.flush()
    return t


def d(text: str) -> Decimal:
    return Decimal(text)


# --- indices, drives and targets (scores, summary, drives, targets tests) ---------------------------


async def score_index(
    session: AsyncSession,
    code: str,
    kind: ScoreKind = ScoreKind.POINTS,
    components: list[tuple[str, str]] | None = None,
    names: tuple[str, str] | None = None,
) -> ScoreIndex:
    """An index with its components (Vietnamese name, English name) numbered in the order given."""
    name_vi, name_en = names or (code, code)
    index = ScoreIndex(code=code, name_vi=name_vi, name_en=name_en, score_kind=kind)
    session.add(index)
    await session.flush()
    for number, (vi, en) in enumerate(components or [], start=1):
        session.add(IndexComponent(index_id=index.id, number=number, name_vi=vi, name_en=en))
    await session.flush()
    return index


async def index_result(
    session: AsyncSession,
    index: ScoreIndex,
    at: Unit,
    year: int,
    score: str | None = None,
    rank: int | None = None,
    total: int = 63,
    **fields: object,
) -> IndexResult:
    result = IndexResult(
        index_id=index.id,
        unit_id=at.id,
        year=year,
        score=Decimal(score) if score else None,
        rank=rank,
        rank_total=total if rank else None,
        **fields,
    )
    session.add(result)
    await session.flush()
    return result


async def component_result(
    session: AsyncSession,
    result: IndexResult,
    number: int,
    score: str | None = None,
    rank: int | None = None,
    total: int = 63,
    **fields: object,
) -> ComponentResult:
    component_id = (
        await session.execute(
            select(IndexComponent.id).where(IndexComponent.index_id == result.index_id, IndexComponent.number == number)
        )
    ).scalar_one()
    part = ComponentResult(
        result_id=result.id,
        component_id=component_id,
        score=Decimal(score) if score else None,
        rank=rank,
        rank_total=total if rank else None,
        **fields,
    )
    session.add(part)
    await session.flush()
    return part


async def drive(
    session: AsyncSession,
    code: str,
    starts: date,
    ends: date,
    units: list[Unit],
    criteria: list[tuple[str, str, str]],
    organiser: Unit | None = None,
    title: str = "",
) -> Drive:
    """A drive with participants and criteria given as (name, weight, target value)."""
    made = Drive(
        code=code,
        title=title or code,
        organiser_unit_id=organiser.id if organiser else None,
        starts_on=starts,
        ends_on=ends,
    )
    session.add(made)
    await session.flush()
    session.add_all(DriveParticipant(drive_id=made.id, unit_id=u.id) for u in units)
    session.add_all(
        DriveCriterion(drive_id=made.id, number=n, name=name, weight=Decimal(w), target_value=Decimal(t))
        for n, (name, w, t) in enumerate(criteria, start=1)
    )
    await session.flush()
    return made


async def measurement(session: AsyncSession, of: Drive, at: Unit, criterion: int, on: date, value: str) -> None:
    participant = (
        await session.execute(
            select(DriveParticipant.id).where(DriveParticipant.drive_id == of.id, DriveParticipant.unit_id == at.id)
        )
    ).scalar_one()
    criterion_id = (
        await session.execute(
            select(DriveCriterion.id).where(DriveCriterion.drive_id == of.id, DriveCriterion.number == criterion)
        )
    ).scalar_one()
    session.add(
        DriveMeasurement(participant_id=participant, criterion_id=criterion_id, measured_on=on, value=Decimal(value))
    )
    await session.flush()


async def target(
    session: AsyncSession,
    number: int,
    *,
    programme: str = "Nghị quyết 60-NQ/TU",
    title: str = "",
    value: str | None = None,
    measure: str = "%",
    at: Unit | None = None,
    measured: list[tuple[date, str | None, bool | None]] | None = None,
) -> Target:
    """A target with its measurements given as (day, value, met as published)."""
    made = Target(
        programme=programme,
        number=number,
        title=title or f"Chỉ tiêu {number}",
        start_year=2021,
        end_year=2030,
        target_value=Decimal(value) if value else None,
        measure=measure,
        unit_id=at.id if at else None,
    )
    session.add(made)
    await session.flush()
    session.add_all(
        TargetMeasurement(target_id=made.id, measured_on=day, value=Decimal(v) if v else None, met=met)
        for day, v, met in measured or []
    )
    await session.flush()
    return made
