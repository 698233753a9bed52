"""What each dashboard page shows, asked of the same queries as the chat commands (``/tomtat``,
``/nhiemvu``, ``/thidua``, ``/chitieu``, the 📊 charts) and scoped by the same rule (``handlers/access.py``):
the province page is for leaders and the secretariat (``sees_everything``), a unit's page for whoever may
see that unit (``require_visible``: one's own subtree, a leader's whole province, never another province).

A page is a ``Reply`` like a chat answer, rendered in the ``page`` format of the one template tree
(``templates/dashboard/``); charts are SVG drawn by the template from the points computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from handlers.access import own_unit, require_visible, sees_everything
from handlers.base import Reply, Request, UserError
from models.progress import Progress
from models.queries.charts import IndexHistory, index_history
from models.queries.plan_board import plan_board
from models.queries.scores import province_of
from models.queries.summary import Summary, province_outlook
from models.queries.targets import visible_programmes
from models.queries.tasks import plan_for, unit_tasks
from models.queries.unit_summary import unit_summary
from models.queries.units import unit_names
from models.rules import StatusCounts

SORTS = ("overdue", "rate", "name")
AT_RISK = 5  # units named under "đơn vị cần chú ý"
TREND = (320, 120, 16)  # the trend chart's width, height and margin, in SVG units


@dataclass(frozen=True)
class HeatRow:
    """A row of a heat map: one unit's assignments in the plan by status (``key``: the unit's id), or one
    field's tasks (``key``: the field's number, 0 for none)."""

    key: int
    counts: StatusCounts
    progress: Progress
    heat: int  # 0 (none overdue) .. 5 (more than ten): the cell's colour class


@dataclass(frozen=True)
class TrendPoint:
    x: int
    y: int
    year: int
    score: Decimal | None


def heat_of(overdue: int) -> int:
    return next(level for level, most in enumerate((0, 1, 3, 6, 10, 10**9)) if overdue <= most)


def trend(history: IndexHistory | None) -> list[TrendPoint]:
    """The published scores as points of a line chart, placed by year: a year with no score is left out
    and its gap shows as the distance between the years around it."""
    if history is None:
        return []
    known = [p for p in history.points if p.score is not None]
    if not known:
        return []
    width, height, margin = TREND
    low = min(p.score for p in known if p.score is not None)
    high = max(p.score for p in known if p.score is not None)
    span = (high - low) or Decimal(1)
    # by year; points of one year (an index published by period) evenly, in their order
    by_year = len({p.year for p in known}) == len(known)
    place = [p.year - known[0].year for p in known] if by_year else list(range(len(known)))
    step = (width - 2 * margin) / max(1, place[-1])
    return [
        TrendPoint(
            int(margin + x * step),
            int(height - margin - (p.score - low) / span * (height - 2 * margin)) if p.score is not None else 0,
            p.year,
            p.score,
        )
        for x, p in zip(place, known, strict=True)
    ]


def _sort(request: Request) -> str:
    wanted = next((a.partition("=")[2] for a in request.args if a.startswith("sort=")), "")
    return wanted if wanted in SORTS else SORTS[0]


async def home(request: Request) -> Reply:
    """Leaders and the secretariat land on their province, everyone else on their unit."""
    assert request.official is not None
    if sees_everything(request.official):
        return await province_page(request)
    return await unit_page(request, (await own_unit(request)).id)


async def province_page(request: Request) -> Reply:
    """The province: indices with the PAR INDEX trend, the plan's reporting sentence and the heat map of
    its units' assignments (sortable), the units at risk, the drive's leaderboard and countdown, targets."""
    assert request.official is not None
    if not sees_everything(request.official):
        raise UserError("errors/not_allowed")
    session, today, soon = request.session, request.clock.today(), request.settings.due_soon_days
    province = await province_of(session, await own_unit(request))
    seen = await province_outlook(session, province, today)
    plan = await plan_for(session, province)
    board = await plan_board(session, plan, province, today, soon) if plan is not None else None
    rows: list[HeatRow] = []
    fields: list[HeatRow] = []  # the same row shape, keyed by the field's number (0: none)
    if board is not None:
        rows = [HeatRow(u, c, Progress.from_counts(c), heat_of(c.overdue)) for u, c in board.by_unit.items()]
        fields = [HeatRow(n, c, Progress.from_counts(c), heat_of(c.overdue)) for n, c in board.by_field.items()]
    standings = seen.board.standings if seen.board else []
    names = await unit_names(session, {province.id, *(r.key for r in rows), *(s.unit_id for s in standings)})
    report = board.report if board is not None else None
    found = Summary(
        province.id, seen.indices, seen.par, seen.fell, report, [], seen.board, seen.top, seen.bottom, names
    )
    sort = _sort(request)
    if sort == "name":
        rows.sort(key=lambda r: names[r.key].name)
    elif sort == "rate":
        rows.sort(key=lambda r: (r.progress.rate is None, r.progress.rate or 0, names[r.key].name))
    else:
        rows.sort(key=lambda r: (-r.counts.overdue, names[r.key].name))
    at_risk = sorted((r for r in rows if r.counts.overdue), key=lambda r: -r.counts.overdue)[:AT_RISK]
    context = {
        "s": found,
        "today": today,
        "rows": rows,
        "fields": fields,
        "sort": sort,
        "at_risk": at_risk,
        "standings": standings,
        "names": names,
        "days_left": (found.board.drive.ends_on - today).days if found.board else None,
        "programmes": await visible_programmes(session, province, today),
        "trend": trend(await index_history(session, "PAR", province.id)),
        "size": TREND,
    }
    return Reply("dashboard/province", context)


async def unit_page(request: Request, unit_id: int) -> Reply:
    """One unit: its scores, its assignments' reporting sentence and list, its units below with most
    overdue, its place in the drive."""
    unit = await require_visible(request, unit_id)
    session, today, soon = request.session, request.clock.today(), request.settings.due_soon_days
    found = await unit_summary(session, unit, today, due_soon_days=soon)
    assert found is not None
    tasks = await unit_tasks(session, found.plan.id, unit.id, today, soon) if found.plan else []
    return Reply(
        "dashboard/unit",
        {
            "s": found,
            "unit_id": unit.id,
            "today": today,
            "tasks": tasks,
            "days_left": (found.board.drive.ends_on - today).days if found.board else None,
            "leader_view": request.official is not None and sees_everything(request.official),
        },
    )
