"""/tomtat: one screen for a provincial leader with one minute to spare.

Argument forms: ``/tomtat`` (the latest plan), ``/tomtat 2023`` (the plan of 2023). Leaders and admins see
the province; every other official sees the same screen for their own unit and the units below it.
"""

from __future__ import annotations

from handlers.access import own_unit, sees_everything
from handlers.base import Commands, Reply, Request, UserError
from handlers.scores import as_year
from models.queries.risk import at_risk
from models.queries.scores import province_of
from models.queries.summary import leader_summary
from models.queries.tasks import plan_for
from models.queries.unit_summary import unit_summary
from models.queries.units import unit_names
from models.risk import WINDOW

commands = Commands()
LISTED_RISKS = 3  # tasks at risk named on the one screen; the rest: /nhiemvu nguyco


@commands.command("tomtat", aliases=("summary",), intents=("tom tat", "bao cao nhanh"))
async def summary(request: Request) -> Reply:
    """The province's indices (latest year of each: score, rank x/N, change), the PAR INDEX fields that
    fell most, the plan's reporting sentence ("Kế hoạch CCHC năm 2023: 48 nhiệm vụ. 45/48 nhiệm vụ đến hạn
    đã hoàn thành, đạt 93,75% …", models/progress.py), the units with most overdue assignments, the
    tasks due within two weeks at risk of finishing late with why (``models/risk.py``), and the current
    drive's top three and bottom three.

    The reporting sentence counts TASKS, each once, by the status of its lead (chủ trì) assignment; the
    overdue list counts ASSIGNMENTS ("lượt", lead and cooperating apart) per unit."""
    year = next((y for y in map(as_year, request.args) if y is not None), None)
    today = request.clock.today()
    assert request.official is not None
    if not sees_everything(request.official):
        return await _for_unit(request, year)
    province = await province_of(request.session, await own_unit(request))
    found = await leader_summary(
        request.session, province, today, plan_year=year, due_soon_days=request.settings.due_soon_days
    )
    if found is None:
        latest = await plan_for(request.session, province)
        raise UserError("errors/summary_no_plan", year=year, latest=latest.year if latest else None)
    chart = {"kind": "index_history", "index": "PAR", "unit_id": province.id} if found.par else None
    risks = (
        await at_risk(request.session, [found.plan.plan_id], today, (0, WINDOW), within=province, lead_only=True)
        if found.plan
        else []
    )
    names = await unit_names(request.session, {line.unit_id for line in risks[:LISTED_RISKS]})
    context = {"s": found, "today": today, "risk_count": len(risks), "window": WINDOW}
    context["risks"] = [(names[line.unit_id], line) for line in risks[:LISTED_RISKS]]
    return Reply("summary/leader", context, chart=chart)


async def _for_unit(request: Request, year: int | None) -> Reply:
    """The unit's own one screen: its scores, its assignments' reporting sentence, its drive standing."""
    unit = await own_unit(request)
    today = request.clock.today()
    found = await unit_summary(
        request.session, unit, today, plan_year=year, due_soon_days=request.settings.due_soon_days
    )
    if found is None:
        latest = await plan_for(request.session, unit)
        raise UserError("errors/summary_no_plan", year=year, latest=latest.year if latest else None)
    return Reply("summary/unit", {"s": found, "today": today})
