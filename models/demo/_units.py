"""The unit tree of the demo province (units.csv), built with the product's own ``add_unit``, and the
lineage of its units (the ``formed_from`` column) recorded with ``models.lineage.link``."""

from __future__ import annotations

from datetime import timedelta

from models.demo._context import DemoContext
from models.demo._files import opt_date, read_rows
from models.enums import LineageKind, UnitKind
from models.lineage import link
from models.tree import add_unit


async def load_units(demo: DemoContext) -> None:
    rows = read_rows("units.csv")
    for row in rows:
        if row["code"] in demo.units:
            raise ValueError(f"units.csv: duplicate code {row['code']!r}")
        demo.units[row["code"]] = await add_unit(
            demo.session,
            code=row["code"],
            name=row["name"],
            kind=UnitKind(row["kind"]),
            parent=demo.unit(row["parent"]) if row["parent"] else None,
            valid_from=opt_date(row["valid_from"]),
            valid_to=opt_date(row["valid_to"]),
        )
    for row in rows:
        for code in row["formed_from"].split():
            await _link(demo, code, row["code"])


async def _link(demo: DemoContext, before: str, after: str) -> None:
    """The rule of units.csv's header: the link's day is the one after the predecessor's last; a unit
    beginning that day was formed from it, a unit that existed already took it in (merged into)."""
    predecessor, successor = demo.unit(before), demo.unit(after)
    if predecessor.valid_to is None:
        raise ValueError(f"units.csv: {after} is formed from {before}, which has no last day")
    on = predecessor.valid_to + timedelta(days=1)
    if not successor.valid_on(on):
        raise ValueError(f"units.csv: {after} does not exist on {on:%d/%m/%Y} to carry {before} on")
    how = LineageKind.FORMED_FROM if successor.valid_from == on else LineageKind.MERGED_INTO
    await link(demo.session, predecessor, successor, how, on)
