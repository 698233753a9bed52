"""/vangmat: an official's leave and who stands in for them (issue 18, point 2; the push side:
``jobs/leave.py``).

Argument forms: ``/vangmat 05/12 10/12 [số cán bộ thay | tên]`` records one's own leave (a new one replaces
the one not yet ended), ``/vangmat`` shows it, ``/vangmat huy`` cancels it. For another official (unit
heads below them, leaders and the secretariat in their province, as ``handlers/access.py`` says):
``/vangmat canbo 12 05/12 10/12 [thay]``, ``/vangmat canbo 12``, ``/vangmat canbo 12 huy`` (the number /canbo
shows). Days are dd/mm[/yyyy] in the province's calendar; a bad one is refused in one line.
"""

from __future__ import annotations

from datetime import date

from handlers.access import may_manage, may_see, own_unit, province_scope
from handlers.base import Commands, Reply, Request, UserError, is_number
from models import Leave, Official, Unit
from models.leave import MAX_DAYS, parse_day
from models.queries.accounts import official_in
from models.queries.leave import cancel_leave, current_leave, officials_named, record_leave
from models.queries.units import unit_name
from models.text import fold

commands = Commands()
CANCEL = {"huy", "cancel", "xoa"}
OTHER = {"canbo", "cb", "official"}


@commands.command("vangmat", aliases=("leave",), listed=False, intents={"vang mat": [], "nghi phep": []})
async def leave(request: Request) -> Reply:
    """Record, show or cancel a leave: one's own, or (``canbo <số>``) another official's."""
    args = [fold(a) for a in request.args]
    assert request.official is not None
    absent, unit = request.official, await own_unit(request)
    if args[:1] and args[0] in OTHER:
        absent, unit = await _other(request, args[1] if len(args) > 1 else "")
        args = args[2:]
    today = request.clock.today()
    found = await current_leave(request.session, absent.id, today)
    mine = absent.id == request.official.id
    if not args:
        stand_in = await request.session.get(Official, found.stand_in_id) if found and found.stand_in_id else None
        return Reply("leave/show", _ctx(absent, mine, found, stand_in, today))
    if args[0] in CANCEL:
        if found is None:
            raise UserError("errors/leave", why="nothing", mine=mine, name=absent.full_name)
        begun = await cancel_leave(
            request.session, found, by_id=request.official.id, today=today, now=request.clock.now()
        )
        return Reply("leave/cancelled", {"name": absent.full_name, "mine": mine, "begun": begun})
    first, last = _days(args[:2], today)
    stand_in = await _stand_in(request, absent, unit, args[2:])
    stored = await record_leave(
        request.session, absent, first, last, stand_in, by_id=request.official.id, now=request.clock.now()
    )
    context = _ctx(absent, mine, stored, stand_in, today)
    context["unit"] = await unit_name(request.session, unit.id)
    return Reply("leave/saved", context)


def _ctx(
    absent: Official, mine: bool, found: Leave | None, stand_in: Official | None, today: date
) -> dict[str, object]:
    return {
        "name": absent.full_name,
        "id": absent.id,
        "mine": mine,
        "first": found.starts_on if found is not None else None,
        "last": found.ends_on if found is not None else None,
        "begun": found is not None and found.starts_on <= today,
        "stand_in": stand_in.full_name if stand_in is not None else None,
    }


async def _other(request: Request, typed: str) -> tuple[Official, Unit]:
    """The official numbered ``typed`` when the asker may manage them (``access.may_manage``)."""
    assert request.official is not None
    if not is_number(typed):
        raise UserError("errors/leave", why="usage")
    found = await official_in(request.session, int(typed), (await province_scope(request)).province)
    if found is None:
        raise UserError("errors/unknown_official", number=typed)
    target, unit = found
    if not await may_manage(request, unit):
        raise UserError("errors/not_your_unit")
    return target, unit


def _days(words: list[str], today: date) -> tuple[date, date]:
    if len(words) < 2:
        raise UserError("errors/leave", why="usage")
    first = parse_day(words[0], today)
    if first is None:
        raise UserError("errors/leave", why="bad_day", text=words[0][:20])
    last = parse_day(words[1], today, after=first)
    if last is None:
        raise UserError("errors/leave", why="bad_day", text=words[1][:20])
    if last < first:
        raise UserError("errors/leave", why="ends_before", first=first, last=last)
    if last < today:
        raise UserError("errors/leave", why="past", last=last)
    if (last - first).days + 1 > MAX_DAYS:
        raise UserError("errors/leave", why="too_long", days=MAX_DAYS)
    return first, last


async def _stand_in(request: Request, absent: Official, unit: Unit, words: list[str]) -> Official | None:
    """The stand-in typed after the days: an official's number (as /canbo shows it) of the absent official's
    unit or one the asker may see, or the name of an official of the absent official's unit; nothing typed:
    nobody (the unit's others)."""
    if not words:
        return None
    text = " ".join(words)
    if is_number(words[0]) and len(words) == 1:
        found = await official_in(request.session, int(words[0]), (await province_scope(request)).province)
        if found is None or not found[0].active:
            raise UserError("errors/leave", why="no_stand_in", text=text[:40])
        assert request.official is not None
        if found[1].id != unit.id and not may_see(request.official, await own_unit(request), found[1]):
            raise UserError("errors/leave", why="no_stand_in", text=text[:40])
        person = found[0]
    else:
        named = [o for o in await officials_named(request.session, unit.id, text) if o.id != absent.id]
        if not named:
            raise UserError("errors/leave", why="no_stand_in", text=text[:40])
        if len(named) > 1:
            raise UserError("errors/leave", why="many", text=text[:40], people=[(o.id, o.full_name) for o in named])
        person = named[0]
    if person.id == absent.id:
        raise UserError("errors/leave", why="self")
    return person
