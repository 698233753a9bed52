"""Competition drives (drives.toml): the real 2024 one-stop-desk drive with invented measurements
(drive_2024.csv) and a running demo drive placed around today (drive_current.csv)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from models.demo._context import DemoContext
from models.demo._files import read_rows, read_toml
from models.drives import Drive, DriveCriterion, DriveMeasurement, DriveParticipant


async def load_drives(demo: DemoContext) -> None:
    for spec in read_toml("drives.toml")["drive"]:
        await _load_drive(demo, spec)


def _period(demo: DemoContext, spec: dict[str, Any]) -> tuple[date, date]:
    """Fixed dates, or a period of ``days`` days starting ``starts_in`` days from today."""
    if "starts_on" in spec:
        return spec["starts_on"], spec["ends_on"]
    starts = demo.today + timedelta(days=int(spec["starts_in"]))
    return starts, starts + timedelta(days=int(spec["days"]) - 1)


async def _load_drive(demo: DemoContext, spec: dict[str, Any]) -> None:
    starts_on, ends_on = _period(demo, spec)
    # a drive of fixed dates takes the units of its period; the running drive today's units (one that began
    # before 1/7/2025 would otherwise take the old communes too)
    period = (starts_on, ends_on) if "starts_on" in spec else (demo.today, demo.today)
    drive = Drive(
        code=spec["code"],
        title=spec["title"],
        organiser_unit_id=demo.unit_during(spec["organiser"], period, spec["code"]).id,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    demo.session.add(drive)
    await demo.session.flush()
    criteria = [
        DriveCriterion(
            drive_id=drive.id,
            number=number,
            name=c["name"],
            weight=Decimal(c["weight"]),
            target_value=Decimal(c["target"]),
            measure=c["measure"],
        )
        for number, c in enumerate(spec["criteria"], start=1)
    ]
    if sum(c.weight for c in criteria) != 100:
        raise ValueError(f"drives.toml: the weights of {spec['code']} do not add up to 100")
    taking_part = demo.units_of(spec["participants"], period, f"drives.toml {spec['code']}")
    participants = {u.code: DriveParticipant(drive_id=drive.id, unit_id=u.id) for u in taking_part}
    demo.session.add_all([*criteria, *participants.values()])
    await demo.session.flush()
    rows: list[dict[str, Any]] = []
    for row in read_rows(spec["measurements"]):
        measured_on = demo.day(row["measured_on"] if "measured_on" in row else row["days"])
        if not starts_on <= measured_on <= ends_on:
            raise ValueError(f"{spec['measurements']}: {row['unit']} measured outside the drive")
        if measured_on > demo.today:  # a clock set inside the drive sees only what was measured by then
            continue
        participant = participants.get(row["unit"])
        if participant is None:
            raise ValueError(f"{spec['measurements']}: {row['unit']} is not a participant of {spec['code']}")
        rows += [
            {
                "participant_id": participant.id,
                "criterion_id": c.id,
                "measured_on": measured_on,
                "value": Decimal(row[f"c{c.number}"]),
            }
            for c in criteria
        ]
    if rows:
        await demo.session.execute(insert(DriveMeasurement), rows)
