"""Competition drives: which drive a unit is in now, and its leaderboard.

Points are computed, not stored: each participant's LATEST measurement of each criterion as of the day
asked (``measured_on <= today``) earns ``rules.criterion_points``; a criterion never measured earns
nothing. Standings come from ``rules.leaderboard`` (ties share a rank).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import ColumnElement, Date, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.drives import Drive, DriveCriterion, DriveMeasurement, DriveParticipant
from models.rules import Standing, criterion_points, leaderboard
from models.tree import subtree_clause
from models.units import Unit

_OTHER = aliased(DriveMeasurement)  # the same table, in the correlated "latest day" subquery


@dataclass(frozen=True)
class DriveInfo:
    id: int
    code: str
    title: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class CriterionLine:
    id: int
    number: int
    name: str
    weight: Decimal
    target: Decimal
    measure: str  # "%", "bộ", ...


class Measured(NamedTuple):  # a tuple: one is made per participant and criterion, hundreds per board
    value: Decimal
    measured_on: date
    points: Decimal


@dataclass(frozen=True)
class Board:
    """A drive's standings as of a day, with every participant's latest value of each criterion."""

    drive: DriveInfo
    criteria: list[CriterionLine]
    standings: list[Standing]  # best first
    values: dict[int, dict[int, Measured]]  # unit id -> criterion id -> latest measurement

    def standing_of(self, unit_id: int) -> Standing | None:
        return next((s for s in self.standings if s.unit_id == unit_id), None)


def _info(drive: Drive) -> DriveInfo:
    return DriveInfo(drive.id, drive.code, drive.title, drive.starts_on, drive.ends_on)


def _criterion(c: DriveCriterion) -> CriterionLine:
    return CriterionLine(c.id, c.number, c.name, c.weight, c.target_value, c.measure)


def _pick(drives: list[DriveInfo], today: date) -> DriveInfo | None:
    """Running drives first (the latest started), then those already started (latest end), then the
    next to start."""

    def key(d: DriveInfo) -> tuple[int, int]:
        if d.starts_on <= today <= d.ends_on:
            return (0, -d.starts_on.toordinal())
        if d.starts_on <= today:
            return (1, -d.ends_on.toordinal())
        return (2, d.starts_on.toordinal())

    return min(drives, key=key, default=None)


Candidates = dict[int, tuple[DriveInfo, list[CriterionLine]]]


async def _candidates(session: AsyncSession, which: ColumnElement[bool]) -> Candidates:
    """The drives matching ``which`` with their criteria, in one query (drives are few)."""
    rows = await session.execute(
        select(Drive, DriveCriterion)
        .outerjoin(DriveCriterion, DriveCriterion.drive_id == Drive.id)
        .where(which)
        .order_by(Drive.id, DriveCriterion.number)
    )
    found: Candidates = {}
    for drive, criterion in rows:
        _, criteria = found.setdefault(drive.id, (_info(drive), []))
        if criterion is not None:
            criteria.append(_criterion(criterion))
    return found


def _joined_by(scope: Unit) -> ColumnElement[bool]:
    """Drives in which ``scope`` or a unit below it participates."""
    taking_part = select(DriveParticipant.drive_id).join(Unit, Unit.id == DriveParticipant.unit_id)
    return Drive.id.in_(taking_part.where(subtree_clause(scope)))


def _organised_in(province: Unit) -> ColumnElement[bool]:
    """Drives organised by ``province`` or a unit of it (few drives, each organiser found by key)."""
    return select(Unit.id).where(Unit.id == Drive.organiser_unit_id, subtree_clause(province)).exists()


async def _current(
    session: AsyncSession, scope: Unit, today: date, organised: bool
) -> tuple[DriveInfo, list[CriterionLine]] | None:
    found = await _candidates(session, _organised_in(scope)) if organised else {}
    if not found:
        found = await _candidates(session, _joined_by(scope))
    chosen = _pick([info for info, _ in found.values()], today)
    return found[chosen.id] if chosen else None


async def current_drive(
    session: AsyncSession, scope: Unit, today: date, *, organised: bool = False
) -> DriveInfo | None:
    """The drive to show: the one running today, else the latest one, among the drives ``scope``'s
    subtree takes part in. ``organised``: among the drives organised in ``scope`` (a province, for its
    leaders), falling back to those its units take part in."""
    current = await _current(session, scope, today, organised)
    return current[0] if current else None


async def current_board(session: AsyncSession, scope: Unit, today: date, *, organised: bool = False) -> Board | None:
    """``drive_board`` of ``current_drive``, in two queries."""
    current = await _current(session, scope, today, organised)
    return await _board(session, *current, today) if current else None


async def drive_board(session: AsyncSession, drive: DriveInfo, today: date) -> Board:
    """Criteria, participants and standings of ``drive`` as of ``today``, in two queries."""
    rows = await session.execute(
        select(DriveCriterion).where(DriveCriterion.drive_id == drive.id).order_by(DriveCriterion.number)
    )
    return await _board(session, drive, [_criterion(c) for c in rows.scalars()], today)


# Every (participant, criterion) pair with its latest measurement as of today, found by one index seek
# per pair on (participant_id, criterion_id, measured_on); NULLs where never measured. Built once.
_LATEST_ON = (
    select(func.max(_OTHER.measured_on))
    .where(
        _OTHER.participant_id == DriveParticipant.id,
        _OTHER.criterion_id == DriveCriterion.id,
        _OTHER.measured_on <= bindparam("today", type_=Date),
    )
    .scalar_subquery()
)
_LATEST = (
    select(DriveParticipant.unit_id, DriveCriterion.id, DriveMeasurement.value, DriveMeasurement.measured_on)
    .outerjoin(DriveCriterion, DriveCriterion.drive_id == DriveParticipant.drive_id)
    .outerjoin(
        DriveMeasurement,
        and_(
            DriveMeasurement.participant_id == DriveParticipant.id,
            DriveMeasurement.criterion_id == DriveCriterion.id,
            DriveMeasurement.measured_on == _LATEST_ON,
        ),
    )
    .where(DriveParticipant.drive_id == bindparam("drive_id"))
)


async def _board(session: AsyncSession, drive: DriveInfo, criteria: list[CriterionLine], today: date) -> Board:
    rows = await session.execute(_LATEST, {"drive_id": drive.id, "today": today})
    by_id = {c.id: c for c in criteria}
    values: dict[int, dict[int, Measured]] = {}
    for unit_id, criterion_id, value, measured_on in rows:
        got = values.setdefault(unit_id, {})
        criterion = by_id.get(criterion_id)
        if criterion is not None and value is not None and measured_on is not None:
            points = criterion_points(value, criterion.target, criterion.weight)
            got[criterion_id] = Measured(value, measured_on, points)
    totals = {unit_id: sum((m.points for m in got.values()), Decimal(0)) for unit_id, got in values.items()}
    return Board(drive, criteria, leaderboard(totals), values)


async def units_within(session: AsyncSession, unit_ids: list[int], scope: Unit) -> set[int]:
    """Which of ``unit_ids`` are ``scope`` or lie below it (looked up by key, not by scanning)."""
    if not unit_ids:
        return set()
    rows = await session.execute(select(Unit.id).where(Unit.id.in_(unit_ids), subtree_clause(scope)))
    return set(rows.scalars())
