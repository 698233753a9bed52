"""Leave and stand-ins in the push path (issue 18, point 2; the leave itself: ``models/leave.py``).

``reroute`` passes over every push a job computed. A push to an official on leave today:
- an optional one (digests, drives, index news) is dropped: information, and the catch-up on return says
  where the unit stands;
- a mandatory one (about the unit's duties: deadlines, overdue notices, escalations, the quarterly and
  periodic-report reminders) goes to the stand-in, or with none (or one away or revoked) to the unit's other
  active officials who are not away, marked ``instead_of`` (the absent official's name and return; a stand-in
  of another unit is asked to urge the unit to report rather than to report), under
  the key it would have had for them (``…:official <them>``): one who gets the same push for their own
  unit gets it once;
- when nobody else can take it, it is held: kept for the official, not urgent, due a few days after
  their return (so it is never lost, even if the catch-up never runs).

``return_pushes`` (in the ``reminders`` job) sends, the day after a leave ends (or up to ``catch_up_days``
late), one catch-up push, ``leave_return:leave 5:official 9``, and puts the held pushes back behind it in
the same transaction with their own keys: they leave together as one message (the dispatcher merges one
official's rows), none twice, none lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.kinds import LEAVE_RETURN, MANDATORY, PushRules, iso, unit_ctx
from jobs.outbox import Push
from models.queries.due import current_plan_ids, open_counts_by_unit, recipients
from models.queries.leave import Away, away_on, returned_between, take_held
from models.queries.units import unit_names

OFFICIAL = ":official "  # every push's key ends with the official it is for


def held_until(away: Away, s: PushRules) -> datetime:
    """When a held push goes out if no catch-up took it first: the start of the day after the last day the
    catch-up may still run."""
    day = away.ends_on + timedelta(days=1 + s.schedule.catch_up_days + 1)
    return datetime.combine(day, time(0), tzinfo=s.bot.tz)


def instead_of(away: Away, others: list[int]) -> dict[str, Any]:
    """Whose push it is and until when; ``elsewhere`` when it goes to a stand-in of another unit, who can
    only urge the unit to report (``/capnhat`` reports for one's own unit)."""
    said: dict[str, Any] = {"name": away.name, "until": iso(away.ends_on)}
    if others == [away.stand_in_id] and away.stand_in_unit_id != away.unit_id:
        said["elsewhere"] = True
    return said


async def reroute(session: AsyncSession, now: datetime, s: PushRules, pushes: Iterable[Push]) -> Iterator[Push]:
    """``pushes`` with those to officials on leave today dropped, re-routed or held (module docstring).
    Re-routed pushes come after the others, so that a colleague's own copy (no ``instead_of``) wins."""
    away = await away_on(session, now.date())
    if not away:
        return iter(pushes)
    staff = await recipients(session, {a.unit_id for a in away.values()}, optional=False)

    def takers(a: Away) -> list[int]:
        if a.stand_in_id is not None and a.stand_in_active and a.stand_in_id not in away:
            return [a.stand_in_id]
        return [o for o in staff.get(a.unit_id, ()) if o != a.official_id and o not in away]

    taking = {o for a in away.values() for o in takers(a)}

    def generate() -> Iterator[Push]:
        later: list[Push] = []
        own: set[str] = set()  # keys already going to someone who takes pushes for a colleague
        for push in pushes:
            a = away.get(push.official_id)
            if a is None:
                if push.official_id in taking:
                    own.add(push.dedupe_key)
                yield push
                continue
            if push.kind not in MANDATORY:
                continue
            base = push.dedupe_key.rsplit(OFFICIAL, 1)[0]
            others = takers(a)
            if not others:
                yield Push(
                    push.kind, push.dedupe_key, a.official_id, push.context, push.created_at, False, held_until(a, s)
                )
                continue
            ctx = push.context | {"instead_of": instead_of(a, others)}
            for other in others:
                later.append(Push(push.kind, f"{base}{OFFICIAL}{other}", other, ctx, push.created_at, push.urgent))
        seen = set(own)
        for push in later:  # a colleague's own copy wins; two absent colleagues' copies are one
            if push.dedupe_key not in seen:
                seen.add(push.dedupe_key)
                yield push

    return generate()


async def return_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """One catch-up push to each official whose leave ended yesterday (or up to ``catch_up_days`` before),
    then the pushes held for them (module docstring). Mandatory: it is about their own duties."""
    today = now.date()
    back = await returned_between(
        session, today - timedelta(days=1 + s.schedule.catch_up_days), today - timedelta(days=1)
    )
    if not back:
        return iter(())
    counts = await open_counts_by_unit(session, await current_plan_ids(session, today), today)
    names = await unit_names(session, {a.unit_id for a in back})
    pushes: list[Push] = []
    for a in back:
        c = counts.get(a.unit_id)
        ctx: dict[str, Any] = {"first": iso(a.starts_on), "last": iso(a.ends_on), "stand_in": a.stand_in}
        ctx |= {"unit": unit_ctx(names[a.unit_id]), "open": c.open if c else 0, "overdue": c.overdue if c else 0}
        held = await take_held(session, a.official_id, now)
        ctx["held"] = len(held)
        key = f"{LEAVE_RETURN}:leave {a.leave_id}{OFFICIAL}{a.official_id}"
        pushes.append(Push(LEAVE_RETURN, key, a.official_id, ctx, now))
        pushes += [Push(r.kind, r.dedupe_key, a.official_id, dict(r.context), now) for r in held]
    return iter(pushes)
