"""Who may see what. Officials see their own unit's subtree; leaders and admins see everything in
their own province (the root of their unit's tree), never another province's; rankings (scores, drive
leaderboards) are visible to every registered official.

History: a unit formed from others (the communes merged on 1/7/2025, the departments merged on 1/3/2025)
carries their data on, so its officials also read its predecessors' data, through any number of
generations, backwards only. Lineage opens nothing else: not another unit's predecessors, not a
predecessor's successors."""

from __future__ import annotations

from handlers.base import LEADERS, Request, UserError
from models import Official, Role, Unit
from models.lineage import predecessors
from models.scope import Scope, scope_of
from models.snooze import SNOOZABLE
from models.system import OutboxMessage


async def own_unit(request: Request) -> Unit:
    """The asking official's unit (read with the official by the router, else loaded once)."""
    official = _registered(request)
    if request.unit is not None and request.unit.id == official.unit_id:
        return request.unit
    unit = await request.session.get(Unit, official.unit_id)
    if unit is None:  # an official always has a unit; a dangling one is a data error
        raise UserError("errors/no_unit")
    return unit


def sees_everything(official: Official) -> bool:
    return Role(official.role) in LEADERS


def visible_path(official: Official, own: Unit) -> str:
    """The path prefix of the units whose task details ``official`` may see: their own unit's subtree,
    or for leaders and admins their whole province's tree."""
    if sees_everything(official):
        return "/" + own.path.strip("/").split("/")[0] + "/"
    return own.path


def may_see(official: Official, own: Unit, unit: Unit) -> bool:
    """True when ``official`` may see task details of ``unit``."""
    return unit.path.startswith(visible_path(official, own))


async def may_manage(request: Request, unit: Unit) -> bool:
    """True when the asking official may act for the officials of ``unit`` (record their leave): a unit
    head for their unit and below, leaders and admins for their province; an officer only for themself."""
    official = _registered(request)
    return Role(official.role) != Role.OFFICER and may_see(official, await own_unit(request), unit)


async def history_of(request: Request, unit: Unit) -> list[Unit]:
    """The predecessors of ``unit`` whose data the asking official may read with ``unit``'s, nearest
    first: all of them for the official's own unit; for leaders and admins asking about a unit of their
    province, those inside the province; for anyone else none (lineage never widens what one sees)."""
    official = _registered(request)
    own = await own_unit(request)
    if unit.id == own.id:
        return await predecessors(request.session, unit)
    if sees_everything(official) and may_see(official, own, unit):
        return [earlier for earlier in await predecessors(request.session, unit) if may_see(official, own, earlier)]
    return []


async def require_visible(request: Request, unit_id: int) -> Unit:
    """The unit, or a refusal when the asking official may not see it (their subtree, their province for
    leaders, and their own unit's predecessors)."""
    official = _registered(request)
    own = await own_unit(request)
    unit = await request.session.get(Unit, unit_id)
    if unit is None:
        raise UserError("errors/not_your_unit")
    if not may_see(official, own, unit) and unit.id not in {u.id for u in await history_of(request, own)}:
        raise UserError("errors/not_your_unit")
    return unit


async def province_scope(request: Request) -> Scope:
    """The province the asking official (a leader, an admin) acts in: every import, admin list and
    answer about the province is limited to it (the one rule of models/scope.py)."""
    return await scope_of(request.session, await own_unit(request))


def own_reminder(request: Request, row: OutboxMessage | None) -> OutboxMessage:
    """A deadline reminder or overdue notice pushed to the asking official themself: its buttons (snooze)
    act for them only. A forwarded or forged button is refused alike whether the push exists or not."""
    official = _registered(request)
    if row is None or row.official_id != official.id or row.kind not in SNOOZABLE:
        raise UserError("errors/not_your_reminder")
    return row


def _registered(request: Request) -> Official:
    if request.official is None:
        raise UserError("account/register_prompt")
    return request.official


__all__ = [
    "history_of",
    "may_manage",
    "may_see",
    "own_reminder",
    "own_unit",
    "province_scope",
    "require_visible",
    "sees_everything",
    "visible_path",
]
