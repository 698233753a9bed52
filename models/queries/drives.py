"""Competition drives: which drive a unit is in now, and its leaderboard.

Points are computed, not stored: each participant's LATEST measurement of each criterion as of the day
asked (``measured_on <= today``) earns ``rules.criterion_points``; a criterion never measured earns
nothing. Standings come from ``rules.leaderboard`` (ties share a rank).

Two ways to a leaderboard: ``current_ranking`` lets the database add up the points (the same rule in
integer SQL, one row per participant: what /tomtat and /thidua need, with ``unit_criteria`` for the
asking unit's own values); ``drive_board`` brings every participant's measurements back (charts, tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import BigInteger, ColumnElement, Date, and_, bindparam, case, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.drives import Drive, DriveCriterion, DriveMeasurement, DriveParticipant
from models.rules import Standing, criterion_points, leaderboard
from models.tree import subtree_bounds, subtree_range
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


@dataclass(frozen=True)
class Ranking:
    """A drive's standings as of a day, without the measurements behind them (``current_ranking``)."""

    drive: DriveInfo
    standings: list[Standing]  # best first

    def standing_of(self, unit_id: int) -> Standing | None:
        return next((s for s in self.standings if s.unit_id == unit_id), None)


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


# Drives in which a subtree (``tree.subtree_range``) or a unit of it takes part; drives organised in it
# (few drives, each organiser found by key). Built once.
_JOINED_BY = Drive.id.in_(
    select(DriveParticipant.drive_id).join(Unit, Unit.id == DriveParticipant.unit_id).where(subtree_range())
)
_ORGANISED_IN = select(Unit.id).where(Unit.id == Drive.organiser_unit_id, subtree_range()).exists()
_INFO = (Drive.id, Drive.code, Drive.title, Drive.starts_on, Drive.ends_on)
_DRIVES_JOINED, _DRIVES_ORGANISED = select(*_INFO).where(_JOINED_BY), select(*_INFO).where(_ORGANISED_IN)


async def drive_seen_from(session: AsyncSession, drive_id: int, scope: Unit) -> bool:
    """True when ``scope``'s subtree (a province) organised the drive or takes part in it: the drives
    whose standings its officials may see."""
    seen = select(Drive.id).where(Drive.id == bindparam("drive_id"), _JOINED_BY | _ORGANISED_IN)
    return (await session.execute(seen, {"drive_id": drive_id, **subtree_bounds(scope)})).first() is not None


async def _current_info(session: AsyncSession, scope: Unit, today: date, organised: bool) -> DriveInfo | None:
    """The drive ``current_drive`` picks, read as plain columns."""
    found: list[DriveInfo] = []
    bounds = subtree_bounds(scope)
    if organised:
        found = [DriveInfo(*row) for row in await session.execute(_DRIVES_ORGANISED, bounds)]
    if not found:
        found = [DriveInfo(*row) for row in await session.execute(_DRIVES_JOINED, bounds)]
    return _pick(found, today)


async def current_drive(
    session: AsyncSession, scope: Unit, today: date, *, organised: bool = False
) -> DriveInfo | None:
    """The drive to show: the one running today, else the latest one, among the drives ``scope``'s
    subtree takes part in. ``organised``: among the drives organised in ``scope`` (a province, for its
    leaders), falling back to those its units take part in."""
    return await _current_info(session, scope, today, organised)


async def current_ranking(
    session: AsyncSession, scope: Unit, today: date, *, organised: bool = False
) -> Ranking | None:
    """The standings of ``current_drive``, scored by the database (``_RANKING``), in two queries: what a
    one-screen summary needs, without every participant's measurements."""
    drive = await _current_info(session, scope, today, organised)
    if drive is None:
        return None
    rows = await session.execute(_RANKING, {"drive_id": drive.id, "today": today})
    totals = {unit_id: Decimal(int(hundredths)).scaleb(-2) for unit_id, hundredths in rows}
    return Ranking(drive, leaderboard(totals))


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
# The measurement of a (participant, criterion) pair that is its latest as of today.
_LATEST_MEASUREMENT = and_(
    DriveMeasurement.participant_id == DriveParticipant.id,
    DriveMeasurement.criterion_id == DriveCriterion.id,
    DriveMeasurement.measured_on == _LATEST_ON,
)
# The measurements of the drive's own participants: redundant with the join on the participant, but it lets
# PostgreSQL read them through ``drive_measurements.participant_id`` instead of hashing every drive's
# measurements of the country (51,000 rows at 34 provinces: 8 → 3 ms a ranking; bench/README.md, "The
# dashboard's pages"). SQLite seeks by participant either way.
_PEER = aliased(DriveParticipant)
_IN_DRIVE = DriveMeasurement.participant_id.in_(select(_PEER.id).where(_PEER.drive_id == bindparam("drive_id")))
_LATEST = (
    select(DriveParticipant.unit_id, DriveCriterion.id, DriveMeasurement.value, DriveMeasurement.measured_on)
    .outerjoin(DriveCriterion, DriveCriterion.drive_id == DriveParticipant.drive_id)
    .outerjoin(DriveMeasurement, and_(_LATEST_MEASUREMENT, _IN_DRIVE))
    .where(DriveParticipant.drive_id == bindparam("drive_id"))
)


def _points_in_hundredths() -> ColumnElement[int]:
    """``rules.criterion_points`` × 100 in integer SQL over the stored scaled integers (``Exact``: value ×
    10⁴), the same on SQLite and PostgreSQL: with w, v, t the scaled weight, value and target and
    m = v clamped to [0, t], weight × m / t in hundredths is w·m / (100·t), rounded half up as
    ⌊(2·w·m + 100·t) / (200·t)⌋ (all terms ≥ 0). A target ≤ 0 earns the whole weight once reached. A
    criterion never measured earns 0."""
    w = type_coerce(DriveCriterion.weight, BigInteger)
    t = type_coerce(DriveCriterion.target_value, BigInteger)
    v = type_coerce(DriveMeasurement.value, BigInteger)
    m = case((v < 0, 0), (v > t, t), else_=v)
    return case(
        (DriveMeasurement.value.is_(None), 0),
        (t <= 0, case((v >= t, (w + 50) // 100), else_=0)),
        else_=(2 * w * m + 100 * t) // (200 * t),
    )


# Every participant of a drive with its total points in hundredths as of today (0 when never measured).
_RANKING = _LATEST.with_only_columns(
    DriveParticipant.unit_id, func.coalesce(func.sum(_points_in_hundredths()), 0)
).group_by(DriveParticipant.unit_id)


# The criteria of a drive with one unit's latest measurement of each as of today (NULLs where never
# measured, or where the unit does not take part).
_OWN = (
    select(
        DriveCriterion.id,
        DriveCriterion.number,
        DriveCriterion.name,
        DriveCriterion.weight,
        DriveCriterion.target_value,
        DriveCriterion.measure,
        DriveMeasurement.value,
        DriveMeasurement.measured_on,
    )
    .outerjoin(
        DriveParticipant,
        and_(
            DriveParticipant.drive_id == DriveCriterion.drive_id,
            DriveParticipant.unit_id == bindparam("unit_id"),
        ),
    )
    .outerjoin(DriveMeasurement, _LATEST_MEASUREMENT)
    .where(DriveCriterion.drive_id == bindparam("drive_id"))
    .order_by(DriveCriterion.number)
)


async def unit_criteria(
    session: AsyncSession, drive: DriveInfo, unit_id: int, today: date
) -> list[tuple[CriterionLine, Measured | None]]:
    """Each criterion of ``drive`` with ``unit_id``'s latest measurement as of ``today`` and the points it
    earns (None where never measured), in one query."""
    lines: list[tuple[CriterionLine, Measured | None]] = []
    for cid, number, name, weight, target, measure, value, measured_on in await session.execute(
        _OWN, {"drive_id": drive.id, "unit_id": unit_id, "today": today}
    ):
        criterion = CriterionLine(cid, number, name, weight, target, measure)
        measured = None
        if value is not None and measured_on is not None:
            measured = Measured(value, measured_on, criterion_points(value, target, weight))
        lines.append((criterion, measured))
    return lines


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


async def participants_within(session: AsyncSession, drive: DriveInfo, scope: Unit) -> set[int]:
    """The units of ``scope``'s subtree (itself included) that take part in ``drive``: the subtree by its
    path range, each unit's participation by key."""
    rows = await session.execute(_WITHIN, {"drive_id": drive.id, **subtree_bounds(scope)})
    return set(rows.scalars())


_WITHIN = select(Unit.id).where(
    subtree_range(),
    Unit.id.in_(select(DriveParticipant.unit_id).where(DriveParticipant.drive_id == bindparam("drive_id"))),
)
