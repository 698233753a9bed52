"""/bieudo: the chart a reply offered, drawn and sent when its "📊" button is pressed.

A handler asks for a chart with ``Reply.chart`` (a spec such as ``{"kind": "index_history", "index":
"PAR", "unit_id": 12}``); a channel that can send images offers it with a button whose data is
``chart_line(spec)`` (``/bieudo index_history PAR 12``). Pressing it comes back here like any command:
the router checks the sender (rankings, and so their charts, are for every registered official, in
a group too; a drive's standings only for the officials of a province that organised or joins it),
and the answer is the chart itself (``Reply.chart_now``), drawn
by the channel (``bot/charts.py``). A forged or stale button naming no chart gets the expired-button
answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.access import province_scope
from handlers.base import Commands, Reply, Request, UserError, is_number
from handlers.compare import may_compare
from models import Unit
from models.indices import PERIODS, Period
from models.queries.drives import drive_seen_from
from models.queries.rankings import LEVELS

commands = Commands()

COMMAND = "bieudo"
FIELDS = {  # the last is an id
    "index_history": ("index", "unit_id"),
    "drive_leaderboard": ("drive_id",),
    "ranking_table": ("index", "year", "level", "unit_id"),
    "compare": ("index", "year", "period", "number", "unit_id"),
}


def chart_line(spec: Mapping[str, Any]) -> str | None:
    """The command line that asks for a chart: ``/bieudo index_history PAR 12``; None for an unknown kind."""
    fields = FIELDS.get(str(spec.get("kind")))
    if fields is None or any(f not in spec for f in fields):
        return None
    return f"/{COMMAND} " + " ".join([str(spec["kind"]), *(str(spec[f]) for f in fields)])


def chart_spec(args: list[str]) -> dict[str, Any] | None:
    """The chart ``/bieudo``'s arguments ask for (checked like typed text: they come from a button)."""
    kind, *values = args or [""]
    fields = FIELDS.get(kind)
    if fields is None or len(values) != len(fields) or not is_number(values[-1]):
        return None
    return {"kind": kind, **dict(zip(fields, values, strict=True))}


@commands.command(COMMAND, listed=False, in_groups=True)
async def chart(request: Request) -> Reply:
    spec = chart_spec(request.args)
    if spec is None:
        raise UserError("telegram/button_expired")
    if spec["kind"] == "drive_leaderboard":  # a drive's standings are its province's (index results are public)
        province = (await province_scope(request)).province
        if not await drive_seen_from(request.session, int(spec["drive_id"]), province):
            raise UserError("telegram/button_expired")  # as a forged button: says nothing of that drive
    if spec["kind"] == "ranking_table" and not await _table_seen(request, spec):
        raise UserError("telegram/button_expired")  # another province's internal table: as a forged button
    if spec["kind"] == "compare" and not await _compared_seen(request, spec):
        raise UserError("telegram/button_expired")  # a unit /sosanh would not compare for the sender
    return Reply("charts/chart", chart=spec, chart_now=True)


async def _table_seen(request: Request, spec: Mapping[str, Any]) -> bool:
    """A national table is everyone's; a table of a province's units only its own officials'."""
    if Period.from_token(str(spec["year"])) is None or spec["level"] not in LEVELS:
        return False
    if spec["level"] == "provinces":
        return True
    unit = await request.session.get(Unit, int(spec["unit_id"]))
    province = (await province_scope(request)).province
    return unit is not None and unit.path.startswith(province.path)


async def _compared_seen(request: Request, spec: Mapping[str, Any]) -> bool:
    """/sosanh's rule: a province is anyone's, another unit only who may read it (``compare.may_compare``)."""
    if not is_number(str(spec["year"])) or not is_number(str(spec["number"])) or spec["period"] not in PERIODS:
        return False
    unit = await request.session.get(Unit, int(spec["unit_id"]))
    return unit is not None and await may_compare(request, unit)


__all__ = ["COMMAND", "chart_line", "chart_spec", "commands"]
