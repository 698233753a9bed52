"""Admins (the reform secretariat) look after people: ``/canbo <đơn vị>`` lists a unit's officials with
their numbers, ``/thuhoi <số>`` revokes one (their chats get nothing more), ``/nhatky`` reads the audit
log. Each stays within the admin's own province."""

from __future__ import annotations

from handlers.access import own_unit
from handlers.base import ADMINS, Button, Commands, Reply, Request, UserError, is_number
from models.queries.admin import official_within, officials_of, recent_audit, revoke
from models.queries.in_operation import closest_named, ended_on, units_named
from models.queries.leave import leaves_of_unit
from models.queries.scores import province_of
from models.queries.units import unit_name, unit_names
from models.units import Unit

commands = Commands()


async def _province(request: Request) -> Unit:
    return await province_of(request.session, await own_unit(request))


@commands.command("canbo", roles=ADMINS, aliases=("officials",))
async def officials(request: Request) -> Reply:
    """The officials registered at a unit of the admin's province, with the number /thuhoi takes and their
    leave not yet ended (who stands in: /vangmat). The unit
    is the one its code or name means today; two in operation: a choice; only an abolished one: that one,
    said to have ended (its officials may still need revoking)."""
    if not request.args:
        raise UserError("errors/admin_usage", command="canbo")
    text = " ".join(request.args)
    today = request.clock.today()
    named = await units_named(request.session, text, today, await _province(request))
    if len(named.operating) > 1:
        names = await unit_names(request.session, [unit.id for unit in named.operating])
        choices = [names[unit.id] for unit in named.operating]
        buttons = [[Button("account.unit_choice", f"/canbo {choice.code}", {"unit": choice})] for choice in choices]
        return Reply("account/choose_unit", {"text": text, "choices": choices, "listed": False}, buttons=buttons)
    found = named.operating or named.not_operating
    if not found:
        near = await closest_named(request.session, text, today, await _province(request))
        names = await unit_names(request.session, [unit.id for unit in near])
        raise UserError("errors/unknown_unit", text=text, near=[names[unit.id] for unit in near], command="canbo")
    unit = found[0]
    people = await officials_of(request.session, unit)
    ended = ended_on(unit)
    context = {"unit": await unit_name(request.session, unit.id), "people": people, "today": today}
    context["leaves"] = await leaves_of_unit(request.session, unit, today)  # official id -> leave not ended
    return Reply("admin/officials", {**context, "ended": ended if ended is not None and ended <= today else None})


@commands.command("thuhoi", roles=ADMINS, aliases=("revoke",))
async def revoke_official(request: Request) -> Reply:
    """``/thuhoi <số>``: deactivate an official of the admin's province (never oneself); the invites they
    created and nobody redeemed yet are cancelled with them."""
    assert request.official is not None
    if len(request.args) != 1 or not is_number(request.args[0]):
        raise UserError("errors/admin_usage", command="thuhoi")
    target = await official_within(request.session, int(request.args[0]), await _province(request))
    if target is None:
        raise UserError("errors/unknown_official", number=request.args[0])
    if target.id == request.official.id:
        raise UserError("errors/revoke_self")
    already = not target.active
    cancelled: list[str] = []
    if not already:
        cancelled = await revoke(request.session, target, by_id=request.official.id, now=request.clock.now())
    name = await unit_name(request.session, target.unit_id)
    context = {"name": target.full_name, "unit": name, "already": already, "cancelled": len(cancelled)}
    return Reply("admin/revoked", context)


@commands.command("nhatky", roles=ADMINS, aliases=("audit",))
async def audit_log(request: Request) -> Reply:
    """The latest changes in the admin's province: progress reports, imports, invites, registrations,
    revocations, with who made them and when."""
    lines = await recent_audit(request.session, await _province(request))
    return Reply("admin/audit", {"lines": lines})
