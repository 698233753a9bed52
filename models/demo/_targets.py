"""The 18 targets of Nghị quyết 60-NQ/TU for the province and their measurements (targets.csv,
target_measurements.csv)."""

from __future__ import annotations

from datetime import date

from models.demo._context import DemoContext
from models.demo._files import flag, opt_decimal, read_rows
from models.targets import Target, TargetMeasurement

PROGRAMME = "Nghị quyết 60-NQ/TU"  # of the Ban Thường vụ Tỉnh ủy, 15/12/2021
PROVINCE = "LS"


async def load_targets(demo: DemoContext) -> None:
    province = demo.unit(PROVINCE)
    targets: dict[int, Target] = {}
    for row in read_rows("targets.csv"):
        targets[int(row["number"])] = Target(
            programme=PROGRAMME,
            number=int(row["number"]),
            title=row["title"],
            unit_id=province.id,
            start_year=int(row["start_year"]),
            end_year=int(row["end_year"]),
            target_value=opt_decimal(row["target_value"]),
            measure=row["measure"],
            higher_is_better=flag(row["higher_is_better"]),
        )
    demo.session.add_all(targets.values())
    await demo.session.flush()
    demo.session.add_all(
        TargetMeasurement(
            target_id=targets[int(row["number"])].id,
            measured_on=date.fromisoformat(row["measured_on"]),
            value=opt_decimal(row["value"]),
            met=flag(row["met"]) if row["met"] else None,
            note=row["note"],
        )
        for row in read_rows("target_measurements.csv")
    )
    await demo.session.flush()
