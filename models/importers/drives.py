"""Import of a competition drive's criteria (TT, Tiêu chí, Trọng số, Chỉ tiêu, Đơn vị tính) and of its
measurements (Đơn vị, Tiêu chí, Ngày, Giá trị), for the drive whose code the option ``drive`` gives.
A criteria file may create the drive when the options also give ``title``, ``starts_on`` and
``ends_on``. Units that appear in measurements become participants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.drives import Drive, DriveCriterion, DriveMeasurement, DriveParticipant
from models.importers.cells import CellError, clipped, day, decimal, limited, name, positive, text, visible
from models.importers.lookup import UnitLookup
from models.importers.result import Batch, Note, Step
from models.importers.sheet import Cells, Column, Table
from models.scope import Scope
from models.text import fold
from models.units import Unit

CRITERIA_COLUMNS = (
    Column("number", "TT", ("STT", "Số TT", "Số thứ tự")),
    Column("name", "Tiêu chí", ("Tên tiêu chí", "Nội dung tiêu chí", "Nội dung")),
    Column("weight", "Trọng số", ("Điểm tối đa", "Điểm chuẩn", "Thang điểm")),
    Column("target", "Chỉ tiêu", ("Mục tiêu", "Chỉ tiêu cần đạt", "Giá trị mục tiêu")),
    Column("measure", "Đơn vị tính", ("ĐVT",), required=False),
)
MEASUREMENT_COLUMNS = (
    Column("unit", "Đơn vị", ("Mã đơn vị", "Tên đơn vị", "Cơ quan, đơn vị")),
    Column("criterion", "Tiêu chí", ("TT tiêu chí", "Số tiêu chí", "Mã tiêu chí")),
    Column("measured_on", "Ngày", ("Ngày đo", "Ngày số liệu", "Ngày cập nhật", "Tính đến ngày")),
    Column("value", "Giá trị", ("Số liệu", "Kết quả", "Giá trị đạt được")),
)


def _not_negative(value: object) -> Decimal:
    number = decimal(value)
    if number < 0:
        raise CellError("bad_number", f"'{text(value)}' không được âm", why="negative", value=clipped(value))
    return number


async def _drive(
    session: AsyncSession, options: Mapping[str, object], batch: Batch, *, may_create: bool
) -> Drive | None:
    """The drive of the options; a new (unsaved) one when a criteria file gives what it needs."""
    code = text(options.get("drive"))
    if not code or len(code) > 64:
        reason = "Chưa cho biết mã đợt thi đua (drive, tối đa 64 ký tự)"
        batch.error(0, "", "missing_option", reason, {"why": "drive", "size": 64})
        return None
    if drive := (await session.execute(select(Drive).where(Drive.code == code))).scalar_one_or_none():
        if batch.scope is not None and not await _drive_in_scope(session, drive, batch.scope):
            batch.outside(0, "", f"Đợt thi đua {code}", subject="drive", name=f"{drive.code} – {drive.title}")
            return None
        return drive
    if not (may_create and options.get("title") and options.get("starts_on") and options.get("ends_on")):
        reason = f"Chưa có đợt thi đua '{code}' (nhập tiêu chí kèm tên, ngày bắt đầu, kết thúc)"
        batch.error(0, "", "unknown_drive", reason, {"code": code, "criteria": may_create})
        return None
    dates: dict[str, date] = {}
    for key in ("starts_on", "ends_on"):
        try:
            dates[key] = day(options[key])
        except CellError as exc:
            batch.error(0, "", "missing_option", exc.reason, {**exc.params, "why": "drive_date", "option": key})
            return None
    starts_on, ends_on = dates["starts_on"], dates["ends_on"]
    if starts_on > ends_on:
        reason = "Ngày kết thúc đợt thi đua trước ngày bắt đầu"
        batch.error(0, "", "bad_date", reason, {"why": "drive_ends_before_start", "start": starts_on, "end": ends_on})
        return None
    organiser = batch.scope.id if batch.scope is not None else None
    return Drive(
        code=code, title=text(options["title"]), starts_on=starts_on, ends_on=ends_on, organiser_unit_id=organiser
    )


async def _drive_in_scope(session: AsyncSession, drive: Drive, scope: Scope) -> bool:
    """True when ``drive`` was organised in ``scope``'s province; a drive with no organiser only when
    every participant lies in the province."""
    if drive.organiser_unit_id is not None:
        return scope.contains(await session.get(Unit, drive.organiser_unit_id))
    paths = list(
        (
            await session.execute(
                select(Unit.path)
                .join(DriveParticipant, DriveParticipant.unit_id == Unit.id)
                .where(DriveParticipant.drive_id == drive.id)
            )
        ).scalars()
    )
    return bool(paths) and all(scope.contains_path(path) for path in paths)


@dataclass
class _Criterion:
    row: int
    number: int
    name: str
    weight: Decimal
    target_value: Decimal
    measure: str


def _read_criterion(cells: Cells) -> _Criterion | None:
    number = cells.get("number", positive, 0, required=True)
    title = cells.get("name", name(255), "", required=True)
    weight = cells.get("weight", _not_negative, Decimal(0), required=True)
    target = cells.get("target", decimal, Decimal(0), required=True)
    measure = cells.get("measure", limited(32), "%")
    return _Criterion(cells.row.number, number, title, weight, target, measure) if cells.ok else None


def _criterion_step(session: AsyncSession, drive: Drive, line: _Criterion, stored: DriveCriterion | None) -> Step:
    async def save() -> None:
        criterion = stored or DriveCriterion(drive_id=drive.id, number=line.number)
        criterion.name, criterion.weight = line.name, line.weight
        criterion.target_value, criterion.measure = line.target_value, line.measure
        if stored is None:
            session.add(criterion)

    return save


async def prepare_criteria(session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch) -> None:
    drive = await _drive(session, options, batch, may_create=True)
    if drive is None:
        return
    lines: list[_Criterion] = []
    first_row: dict[int, int] = {}
    for row in table.rows:
        cells = Cells(table, row, batch)
        if (line := _read_criterion(cells)) is None:
            continue
        if (seen := first_row.setdefault(line.number, row.number)) != row.number:
            params = {"why": "criterion", "number": line.number, "row": seen}
            cells.fail("number", "duplicate", f"TT {line.number} trùng với dòng {seen}", params)
            continue
        lines.append(line)
    if batch.failed:
        return
    stored: dict[int, DriveCriterion] = {}
    if drive.id is None:  # not saved yet: the options described a new drive

        async def create() -> None:
            session.add(drive)
            await session.flush()

        batch.also(Note("drive.create", {"code": drive.code, "title": drive.title}), create)
    else:
        query = select(DriveCriterion).where(DriveCriterion.drive_id == drive.id)
        stored = {c.number: c for c in (await session.execute(query)).scalars()}
    for line in lines:
        criterion = stored.get(line.number)
        new = (line.name, line.weight, line.target_value, line.measure)
        said = {"number": line.number, "name": line.name, "weight": line.weight, "target": line.target_value}
        said["measure"] = line.measure
        if criterion is None:
            batch.create(Note("criterion.create", said), _criterion_step(session, drive, line, None))
        elif (criterion.name, criterion.weight, criterion.target_value, criterion.measure) != new:
            batch.update(Note("criterion.update", said), _criterion_step(session, drive, line, criterion))
        else:
            batch.same()


@dataclass
class _Measurement:
    row: int
    unit: Unit
    criterion: DriveCriterion
    measured_on: date
    value: Decimal


class _Criteria:
    def __init__(self, criteria: list[DriveCriterion]) -> None:
        self.by_number = {c.number: c for c in criteria}
        self.by_name = {fold(c.name): c for c in criteria}

    def find(self, value: object) -> DriveCriterion:
        """A criterion by its number ("2") or its exact name."""
        written = text(value)
        visible(written)
        criterion = self.by_number.get(int(written)) if written.isdecimal() else self.by_name.get(fold(written))
        if criterion is None:
            known = ", ".join(str(n) for n in sorted(self.by_number)) or "chưa nhập tiêu chí nào"
            numbers = ", ".join(str(n) for n in sorted(self.by_number))
            reason = f"Đợt thi đua không có tiêu chí '{written}' (có: {known})"
            raise CellError("unknown_criterion", reason, value=clipped(written), known=numbers)
        return criterion


def _read_measurement(cells: Cells, lookup: UnitLookup, criteria: _Criteria) -> _Measurement | None:
    try:  # a code two units held during the drive (the reform's) means the one of the measurement's day
        on: date | None = day(cells.row["measured_on"])
    except CellError:
        on = None  # the date's own error is reported with its column below
    unit = cells.get("unit", lambda v: lookup.find(text(v), on=on), None, required=True)
    criterion = cells.get("criterion", criteria.find, None, required=True)
    measured_on = cells.get("measured_on", day, date.min, required=True)
    value = cells.get("value", decimal, Decimal(0), required=True)
    if not cells.ok or unit is None or criterion is None:
        return None
    return _Measurement(cells.row.number, unit, criterion, measured_on, value)


def _participant_step(session: AsyncSession, drive: Drive, unit: Unit, joined: dict[int, DriveParticipant]) -> Step:
    async def join() -> None:
        joined[unit.id] = DriveParticipant(drive_id=drive.id, unit_id=unit.id)
        session.add(joined[unit.id])
        await session.flush()

    return join


def _measurement_step(
    session: AsyncSession, line: _Measurement, joined: dict[int, DriveParticipant], stored: DriveMeasurement | None
) -> Step:
    async def save() -> None:
        if stored is not None:
            stored.value = line.value
            return
        participant = joined[line.unit.id]
        session.add(
            DriveMeasurement(
                participant_id=participant.id,
                criterion_id=line.criterion.id,
                measured_on=line.measured_on,
                value=line.value,
            )
        )

    return save


async def prepare_measurements(
    session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch
) -> None:
    drive = await _drive(session, options, batch, may_create=False)
    if drive is None:
        return
    query = select(DriveCriterion).where(DriveCriterion.drive_id == drive.id)
    criteria = _Criteria(list((await session.execute(query)).scalars()))
    lookup = await UnitLookup.load(session, batch.scope, (drive.starts_on, drive.ends_on))
    lines: list[_Measurement] = []
    first_row: dict[tuple[int, int, date], int] = {}
    for row in table.rows:
        cells = Cells(table, row, batch)
        if (line := _read_measurement(cells, lookup, criteria)) is None:
            continue
        key = (line.unit.id, line.criterion.id, line.measured_on)
        if (seen := first_row.setdefault(key, row.number)) != row.number:
            cells.fail("value", "duplicate", f"Số liệu này trùng với dòng {seen}", {"why": "measurement", "row": seen})
            continue
        lines.append(line)
    if batch.failed:
        return
    query_joined = select(DriveParticipant).where(DriveParticipant.drive_id == drive.id)
    joined = {p.unit_id: p for p in (await session.execute(query_joined)).scalars()}
    by_participant = {p.id: unit_id for unit_id, p in joined.items()}
    query_stored = (
        select(DriveMeasurement).where(DriveMeasurement.participant_id.in_(by_participant)) if joined else None
    )
    stored = {
        (by_participant[m.participant_id], m.criterion_id, m.measured_on): m
        for m in ((await session.execute(query_stored)).scalars() if query_stored is not None else [])
    }
    for unit in {line.unit.id: line.unit for line in lines if line.unit.id not in joined}.values():
        note = Note("drive.join", {"code": unit.code, "name": unit.name, "drive": drive.code})
        batch.also(note, _participant_step(session, drive, unit, joined))
    for line in lines:
        measurement = stored.get((line.unit.id, line.criterion.id, line.measured_on))
        said: dict[str, object] = {
            "name": line.unit.name,
            "code": line.unit.code,
            "criterion": line.criterion.number,
            "day": line.measured_on,
            "value": line.value,
            "measure": line.criterion.measure,
        }
        if measurement is None:
            batch.create(Note("measurement.create", said), _measurement_step(session, line, joined, None))
        elif measurement.value != line.value:
            note = Note("measurement.update", {**said, "old": measurement.value})
            batch.update(note, _measurement_step(session, line, joined, measurement))
        else:
            batch.same()
