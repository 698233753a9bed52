"""Multi-year targets (chỉ tiêu) a unit sees: those set for it or for a unit above it (so the province's
targets for everyone), and targets set for no particular unit, each with its latest measurement.

Met or not: the assessment published with the measurement; when none was published, the value is
compared with the target (``higher_is_better``); with neither, it stays unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.targets import Target, TargetMeasurement
from models.units import Unit


@dataclass(frozen=True)
class Measurement:
    measured_on: date
    value: Decimal | None
    met: bool | None
    note: str


@dataclass(frozen=True)
class TargetLine:
    id: int
    programme: str
    number: int
    title: str
    start_year: int
    end_year: int
    target_value: Decimal | None
    measure: str
    higher_is_better: bool
    latest: Measurement | None


@dataclass(frozen=True)
class Programme:
    name: str  # "Nghị quyết 60-NQ/TU"
    targets: list[TargetLine]

    @property
    def met(self) -> int:
        return sum(1 for t in self.targets if t.latest is not None and t.latest.met)

    @property
    def as_of(self) -> date | None:
        return max((t.latest.measured_on for t in self.targets if t.latest), default=None)


@dataclass(frozen=True)
class TargetHistory:
    target: TargetLine
    measurements: list[Measurement]  # oldest first


def assess(
    value: Decimal | None, target: Decimal | None, higher_is_better: bool, published: bool | None
) -> bool | None:
    if published is not None:
        return published
    if value is None or target is None:
        return None
    return value >= target if higher_is_better else value <= target


def _visible(unit: Unit) -> ColumnElement[bool]:
    chain = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.id]
    return or_(Target.unit_id.is_(None), Target.unit_id.in_(chain))


def _measurement(target: Target, m: TargetMeasurement) -> Measurement:
    return Measurement(
        m.measured_on, m.value, assess(m.value, target.target_value, target.higher_is_better, m.met), m.note
    )


def _line(target: Target, latest: Measurement | None) -> TargetLine:
    return TargetLine(
        target.id,
        target.programme,
        target.number,
        target.title,
        target.start_year,
        target.end_year,
        target.target_value,
        target.measure,
        target.higher_is_better,
        latest,
    )


async def visible_programmes(session: AsyncSession, unit: Unit, today: date) -> list[Programme]:
    """Programmes with their targets (in number order) and each target's latest measurement as of today."""
    latest = (
        select(TargetMeasurement.target_id, func.max(TargetMeasurement.measured_on).label("latest_on"))
        .where(TargetMeasurement.measured_on <= today)
        .group_by(TargetMeasurement.target_id)
        .subquery()
    )
    rows = await session.execute(
        select(Target, TargetMeasurement)
        .outerjoin(latest, latest.c.target_id == Target.id)
        .outerjoin(
            TargetMeasurement,
            and_(TargetMeasurement.target_id == Target.id, TargetMeasurement.measured_on == latest.c.latest_on),
        )
        .where(_visible(unit))
        .order_by(Target.programme, Target.number)
    )
    programmes: dict[str, list[TargetLine]] = {}
    for target, m in rows:
        line = _line(target, _measurement(target, m) if m is not None else None)
        programmes.setdefault(target.programme, []).append(line)
    return [Programme(name, lines) for name, lines in programmes.items()]


async def target_histories(session: AsyncSession, unit: Unit, number: int, today: date) -> list[TargetHistory]:
    """Every visible target numbered ``number`` (one per programme) with its measurements, oldest first."""
    targets = (
        (
            await session.execute(
                select(Target).where(_visible(unit), Target.number == number).order_by(Target.programme)
            )
        )
        .scalars()
        .all()
    )
    if not targets:
        return []
    rows = (
        await session.execute(
            select(TargetMeasurement)
            .where(TargetMeasurement.target_id.in_([t.id for t in targets]), TargetMeasurement.measured_on <= today)
            .order_by(TargetMeasurement.measured_on)
        )
    ).scalars()
    by_target: dict[int, list[TargetMeasurement]] = {}
    for m in rows:
        by_target.setdefault(m.target_id, []).append(m)
    histories = []
    for target in targets:
        measured = [_measurement(target, m) for m in by_target.get(target.id, [])]
        histories.append(TargetHistory(_line(target, measured[-1] if measured else None), measured))
    return histories


async def target_numbers(session: AsyncSession, unit: Unit) -> list[int]:
    rows = await session.execute(select(Target.number).where(_visible(unit)).distinct().order_by(Target.number))
    return list(rows.scalars())
