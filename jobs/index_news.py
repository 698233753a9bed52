"""When a month of an index published by month (the 766 service index) arrives: one push to each commune or
department whose score fell from the month before, or that is among the province's five lowest of its kind
(communes among communes, departments among departments), naming its score, change and place, the group that
fell most (else the one furthest below its maximum) and up to 3 of its own open tasks in the plan's fields
that work on that group (``models.standard_indices.GROUP_FIELDS``; else its open tasks due soonest). Units
that rose and are not in the bottom five get nothing. To the unit's heads (a unit with no active head: its
officials); optional, and never urgent, so quiet hours and weekends hold it.

Only a province's latest month is announced, once for its communes and once for its departments (provinces
often publish the two tables apart): when any push of that month was ever queued for the province's units of
that kind, the month is announced for them, so a re-run, a second process, a re-import of the same month or
a correction (other numbers for the same month) queue nothing new. A month that ended more than
``STALE_DAYS`` ago is history (a database loaded with past months tells nobody).
Key: ``index_month:766:2026-10:province 1:local:unit 204:official 9`` ("bodies" for departments).

The leaders' Friday digest (``jobs/digests.py``) takes ``movers_ctx``: the units that rose and fell most in
the latest month, and how many are below ``LOW_SCORE``, when that month is new since the previous digest."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.kinds import DIGEST_LEADER, INDEX_MONTH, LISTED_TASKS, PushRules, task_ctx, unit_ctx
from jobs.outbox import Push
from models.enums import Role
from models.indices import ScoreIndex
from models.plans import Assignment, Task
from models.queries.due import UnitTasks, current_plan_ids, first_open_tasks, recipients
from models.queries.month_results import (
    PEER_GROUPS,
    GroupLine,
    Month,
    MonthBoard,
    UnitMonth,
    announced,
    last_context,
    latest_months,
    month_board,
    monthly_indices,
    provinces,
)
from models.queries.score_periods import SERVICE_INDEX
from models.queries.units import unit_names
from models.rules import Change
from models.standard_indices import GROUP_FIELDS
from models.units import Unit

STALE_DAYS = 92  # a month announced later than a quarter after its end is no news
LOW_SCORE = Decimal(70)  # the digest counts the units below this total ("dưới 70 điểm")
MOVERS = 3  # units named in the digest as rising most, and as falling most


def stale(month: Month, today: date) -> bool:
    year, number = month
    ended = date(year, number, calendar.monthrange(year, number)[1])
    return (today - ended).days > STALE_DAYS


def prefix(code: str, month: Month, province_id: int) -> str:
    return f"index_month:{code}:{month[0]}-{month[1]:02d}:province {province_id}:"


def move_ctx(c: Change) -> dict[str, Any]:
    """A change as the templates say it: the amount without its sign and the direction in words."""
    points = c.points
    direction = None if points is None else "up" if points > 0 else "down" if points < 0 else "same"
    amount = str(abs(points)) if points is not None else None
    return {"amount": amount, "dir": direction, "places": c.places, "digits": c.digits if c.digits is not None else 2}


def focus_group(u: UnitMonth) -> tuple[GroupLine | None, bool]:
    """The group that fell most, with True; when none fell, the group furthest below its maximum, with False."""
    fallen = [g for g in u.groups if g.points is not None and g.points < 0]
    if fallen:
        return min(fallen, key=lambda g: (g.points or 0, g.number)), True
    short = [g for g in u.groups if g.score is not None and g.max_score is not None and g.score < g.max_score]
    if short:
        return max(short, key=lambda g: ((g.max_score or 0) - (g.score or 0), -g.number)), False
    return None, False


def _group_ctx(g: GroupLine, fell: bool) -> dict[str, Any]:
    digits = g.digits if g.digits is not None else 2
    ctx: dict[str, Any] = {"number": g.number, "name_vi": g.name_vi, "name_en": g.name_en, "fell": fell}
    ctx |= {"score": str(g.score), "max": str(g.max_score) if g.max_score is not None else None, "digits": digits}
    ctx["amount"] = str(abs(g.points)) if fell and g.points is not None else str((g.max_score or 0) - (g.score or 0))
    return ctx


async def _tasks(
    session: AsyncSession, plans: list[int], wanted: dict[int, tuple[int, ...]]
) -> dict[int, tuple[UnitTasks, bool]]:
    """Unit id -> its first open tasks in the fields wanted for it (True), else its open tasks due soonest
    (False). One query per distinct set of fields, one for the rest."""
    by_fields: dict[tuple[int, ...], list[int]] = {}
    for unit_id, fields in wanted.items():
        if fields:
            by_fields.setdefault(fields, []).append(unit_id)
    found: dict[int, tuple[UnitTasks, bool]] = {}
    for fields, units in by_fields.items():
        where = [Task.field.in_(fields), Assignment.unit_id.in_(units)]
        found |= {u: (t, True) for u, t in (await first_open_tasks(session, plans, where, LISTED_TASKS)).items()}
    rest = [u for u in wanted if u not in found]
    if rest:
        where = [Assignment.unit_id.in_(rest)]
        found |= {u: (t, False) for u, t in (await first_open_tasks(session, plans, where, LISTED_TASKS)).items()}
    return found


def _unit_ctx(board: MonthBoard, u: UnitMonth, max_score: Decimal | None) -> dict[str, Any]:
    year, month = board.month
    ctx: dict[str, Any] = {"index": board.code, "year": year, "month": month}
    ctx["previous"] = list(board.previous) if board.previous else None
    ctx |= {"score": str(u.score), "digits": u.digits if u.digits is not None else 2}
    ctx |= {"max": str(max_score) if max_score is not None else None, "rank": u.rank, "total": u.total}
    ctx |= {
        "peers": u.peers,
        "bottom": u.bottom,
        "bottom_of": u.bottom_of,
        "fell": u.fell,
        "change": move_ctx(u.change),
    }
    group, fell = focus_group(u)
    ctx["group"] = _group_ctx(group, fell) if group else None
    return ctx


async def _whom(session: AsyncSession, units: set[int]) -> dict[int, list[int]]:
    """The unit's heads who take optional pushes; a unit with no active head at all: its officials who take
    them (a head who turned pushes off is not replaced by the unit's officers)."""
    headed = await recipients(session, units, optional=False, roles=[Role.UNIT_HEAD])
    people = await recipients(session, units, optional=True, roles=[Role.UNIT_HEAD])
    return people | await recipients(session, units - set(headed), optional=True)


async def _province_pushes(session: AsyncSession, index: tuple[int, str], root: Unit, now: datetime) -> list[Push]:
    """The pushes of the province's latest month of ``index``, or none when it is announced or stale."""
    months = await latest_months(session, index[0], root)
    if not months or stale(months[0], now.date()):
        return []
    head = prefix(index[1], months[0], root.id)
    fresh = [peers for peers in PEER_GROUPS if not await announced(session, INDEX_MONTH, f"{head}{peers}:")]
    if not fresh:
        return []
    board = await month_board(session, index, root, months[0], months[1] if len(months) > 1 else None)
    told = [u for u in board.units if u.peers in fresh and (u.fell or u.bottom)]
    if not told:
        return []
    mapping = GROUP_FIELDS.get(index[1], {})
    wanted = {u.unit_id: mapping.get(g.number, ()) if (g := focus_group(u)[0]) else () for u in told}
    tasks = await _tasks(session, await current_plan_ids(session, now.date()), wanted)
    people = await _whom(session, {u.unit_id for u in told})
    row = await session.get(ScoreIndex, index[0])
    pushes = []
    for u in told:
        ctx = _unit_ctx(board, u, row.max_score if row else None)
        listed, in_area = tasks.get(u.unit_id, (UnitTasks(0, []), False))
        ctx |= {"tasks": [task_ctx(*t) for t in listed.tasks], "task_count": listed.count, "in_area": in_area}
        for official_id in people.get(u.unit_id, ()):
            key = f"{head}{u.peers}:unit {u.unit_id}:official {official_id}"
            pushes.append(Push(INDEX_MONTH, key, official_id, ctx, now))
    return pushes


async def index_month_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """For every province and every index published by month, the pushes of its latest month not yet
    announced (a few queries per province; a month's pushes are at most a few per unit)."""
    pushes: list[Push] = []
    indices = await monthly_indices(session)
    for root in await provinces(session) if indices else []:
        for index in indices:
            pushes += await _province_pushes(session, index, root, now)
    return iter(pushes)


# --- the leaders' digest --------------------------------------------------------------------------------


async def movers_ctx(session: AsyncSession, root: Unit, today: date, week: str) -> dict[str, Any]:
    """What the leaders' digest says of the 766 index: ``month`` (the latest, kept so the next digest knows
    it was told) and ``movers`` (the block), None unless that month is new since the previous digest."""
    index = next((i for i in await monthly_indices(session) if i[1] == SERVICE_INDEX), None)
    months = await latest_months(session, index[0], root) if index else []
    if index is None or len(months) < 2 or stale(months[0], today):
        return {"index_month": None, "movers": None}
    told = {"index_month": list(months[0]), "movers": None}
    mine = f"digest:province {root.id}:"
    last = await last_context(session, DIGEST_LEADER, mine, f"{mine}{week}:")
    if last is not None and last.get("index_month") == list(months[0]):
        return told
    board = await month_board(session, index, root, months[0], months[1])
    return told | {"movers": await _movers(session, board)}


async def _movers(session: AsyncSession, board: MonthBoard) -> dict[str, Any]:
    moved = [u for u in board.units if u.change.points is not None]
    rose = sorted((u for u in moved if (u.change.points or 0) > 0), key=lambda u: (-(u.change.points or 0), u.unit_id))
    fell = sorted((u for u in moved if (u.change.points or 0) < 0), key=lambda u: (u.change.points or 0, u.unit_id))
    shown = rose[:MOVERS] + fell[:MOVERS]
    names = await unit_names(session, {u.unit_id for u in shown})

    def line(u: UnitMonth) -> dict[str, Any]:
        return {"unit": unit_ctx(names[u.unit_id]), "change": move_ctx(u.change)}

    year, month = board.month
    ctx: dict[str, Any] = {"index": board.code, "year": year, "month": month, "previous": list(board.previous or ())}
    ctx |= {"rose": [line(u) for u in rose[:MOVERS]], "fell": [line(u) for u in fell[:MOVERS]]}
    low = sum(1 for u in board.units if u.score < LOW_SCORE)
    return ctx | {"low": low, "total": len(board.units), "threshold": str(LOW_SCORE)}
