"""The unit tree of the demo province (units.csv), built with the product's own ``add_unit``."""

from __future__ import annotations

from models.demo._context import DemoContext
from models.demo._files import opt_date, read_rows
from models.enums import UnitKind
from models.tree import add_unit


async def load_units(demo: DemoContext) -> None:
    for row in read_rows("units.csv"):
        if row["code"] in demo.units:
            raise ValueError(f"units.csv: duplicate code {row['code']!r}")
        demo.units[row["code"]] = await add_unit(
            demo.session,
            code=row["code"],
            name=row["name"],
            kind=UnitKind(row["kind"]),
            parent=demo.unit(row["parent"]) if row["parent"] else None,
            valid_to=opt_date(row["valid_to"]),
        )
