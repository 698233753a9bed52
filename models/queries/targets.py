"""Multi-year targets (chỉ tiêu) a unit sees: those set for it or for a unit above it (so the province's
targets for everyone), and targets set for no particular unit, each with its latest measurement.

Met or not: the assessment published with the measurement; when none was published, the value is
compared with the target (``higher_is_better``), a value published only as a bound ("trên 85%") meets a
target it cannot fall short of ("từ 85% trở lên"); with neither, it stays unknown.

A target whose measure is a rank ("bậc", "thứ hạng": "thuộc nhóm 30 tỉnh dẫn đầu") is a place to reach, not
a change of places: its value is a rank ("xếp thứ 47/63", the total read from the note that published
it), its goal a group of leaders among provinces (a target of a province) or among units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.naming import PROVINCE_LEVEL
from models.queries.scores import Bound, published_bound
from models.targets import Target, TargetMeasurement
from models.text import fold
from models.units import Unit

RANK_MEASURES = frozenset({"bac", "hang", "thu hang", "thu", "xep hang", "rank", "place"})


@dataclass(frozen=True)
class Measurement:
    measured_on: date
    value: Decimal | None
    met: bool | None
    note: str
    bound: Bound | None = None  # the value published only as a bound (the note "trên 79%"), value None
    rank_total: int | None = None  # a rank's "of N" ("xếp thứ 47/63" in the note), rank targets only


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
    ranks_among: str | None = None  # a rank target: "provinces" (the province's own) or "units"; else None


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
    value: Decimal | None,
    target: Decimal | None,
    higher_is_better: bool,
    published: bool | None,
    bound: Bound | None = None,
) -> bool | None:
    if published is not None:
        return published
    if target is None:
        return None
    if value is None and bound is not None:  # "trên 85%" meets "từ 85% trở lên"; "trên 79%" says nothing
        if higher_is_better and bound.side in ("above", "at_least") and bound.value >= target:
            return True
        if not higher_is_better and bound.side in ("below", "at_most") and bound.value <= target:
            return True
        return None
    if value is None:
        return None
    return value >= target if higher_is_better else value <= target


def is_rank(measure: str) -> bool:
    return fold(measure).strip() in RANK_MEASURES


def _rank_said(note: str, value: Decimal | None) -> tuple[int | None, str]:
    """The "of N" of rank ``value`` when ``note`` states it ("PAR INDEX 2023: xếp thứ 47/63" -> 63), and
    the note without that restatement ("PAR INDEX 2023")."""
    if value is None or value % 1:
        return None, note
    found = re.search(rf"(?:[:,;]\s*)?(?:xếp thứ|xếp|thứ)?\s*\b{int(value)}/(\d+)\s*$", note)
    if found is None:
        return None, note
    return int(found[1]), note[: found.start()].strip(" ,;:")


def _visible(unit: Unit) -> ColumnElement[bool]:
    chain = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.id]
    return or_(Target.unit_id.is_(None), Target.unit_id.in_(chain))


def _measurement(target: Target, m: TargetMeasurement) -> Measurement:
    note = m.note or ""
    bound = published_bound(note) if m.value is None else None
    total = None
    if is_rank(target.measure):
        total, note = _rank_said(note, m.value)
    met = assess(m.value, target.target_value, target.higher_is_better, m.met, bound)
    return Measurement(m.measured_on, m.value, met, "" if bound is not None else note, bound, total)


def _line(target: Target, latest: Measurement | None, province_level: bool) -> TargetLine:
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
        ("provinces" if province_level else "units") if is_rank(target.measure) else None,
    )


async def _province_level(session: AsyncSession, targets: list[Target]) -> set[int]:
    """The ids of the targets set for a province (or for no unit: the province's own programme)."""
    unit_ids = {t.unit_id for t in targets if t.unit_id is not None}
    kinds = {}
    if unit_ids:
        rows = await session.execute(select(Unit.id, Unit.kind).where(Unit.id.in_(unit_ids)))
        kinds = {unit_id: kind for unit_id, kind in rows}
    return {t.id for t in targets if t.unit_id is None or kinds.get(t.unit_id) in PROVINCE_LEVEL}


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
    found = [(target, m) for target, m in rows]
    provincial = await _province_level(session, [target for target, _ in found])
    programmes: dict[str, list[TargetLine]] = {}
    for target, m in found:
        line = _line(target, _measurement(target, m) if m is not None else None, target.id in provincial)
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
    provincial = await _province_level(session, list(targets))
    histories = []
    for target in targets:
        measured = [_measurement(target, m) for m in by_target.get(target.id, [])]
        line = _line(target, measured[-1] if measured else None, target.id in provincial)
        histories.append(TargetHistory(line, measured))
    return histories


async def target_numbers(session: AsyncSession, unit: Unit) -> list[int]:
    rows = await session.execute(select(Target.number).where(_visible(unit)).distinct().order_by(Target.number))
    return list(rows.scalars())
