"""The periodic report's pushes (issue 17, points 2 and 3): the units asked for their inputs, reminded once,
the secretariat told who is missing before the due day, and a unit still silent after it treated like an
overdue task (told on its notice days, then escalated once).

- ``report_ask``: on [reports].ask_day of the period's last month, to the head of each unit that owes inputs
  (a unit with no active head: its active officials, so that no unit is left unasked):
  ``report_ask:2026-H1:unit 204:official 9``.
- ``report_remind``: on remind_day, the same people of the units that have given no item yet:
  ``report_remind:2026-H1:unit 204:official 9``.
- ``report_status``: on secretariat_day, to the secretariat (the active admins of each province): how many
  units answered, the first few still missing, the command that drafts the report:
  ``report_status:2026-H1:province 1:official 2``.
- ``report_overdue``: on each of overdue_days after the due day, to the people asked of a unit that has
  still given nothing (its inputs are taken late for late_days): ``report_overdue:2026-H1:unit 204:day 3:official 9``.
- ``report_escalation``: escalate_after_days after the due day, once, to the heads of a silent unit's parent
  unit and to the secretariat of its province: one push to each naming the silent units they oversee
  (the first few and how many more): ``report_escalation:2026-H1:official 3``.

All are mandatory (the unit's or the secretariat's duty) and, like the task pushes, sent up to
``catch_up_days`` late under the same key: a bot down on the day sends them late, a re-run queues nothing
again. The ask, the reminder and the secretariat's push are never sent after the due day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.kinds import (
    REPORT_ASK,
    REPORT_ESCALATION,
    REPORT_OVERDUE,
    REPORT_REMIND,
    REPORT_STATUS,
    PushRules,
    overdue_step,
    unit_ctx,
)
from jobs.outbox import Push
from models.enums import Role
from models.queries.due import officials_by_province, recipients, root_of
from models.queries.report_inputs import answered_ids, owing_units
from models.queries.units import unit_names
from models.report_inputs import ReportPeriod, open_period
from models.units import Unit

LISTED_UNITS = 10  # missing units named in the secretariat's push; /tinhhinhbaocao lists them all


def day_reached(today: date, day: date, due: date, catch_up: int) -> bool:
    """True on ``day`` and up to ``catch_up`` days after it, but not after ``due``."""
    return 0 <= (today - day).days <= catch_up and today <= due


async def report_input_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """What the report owes today: before the due day the ask, the reminder and the secretariat's status
    (a day can be several of them when they coincide); after it, the overdue notices and the escalation."""
    today, r = now.date(), s.reports
    period = open_period(today, r.due_day)
    pushes = list(await _before_due(session, now, s, period))
    pushes += await _after_due(session, now, s, period.previous())
    return iter(pushes)


async def _before_due(session: AsyncSession, now: datetime, s: PushRules, period: ReportPeriod) -> list[Push]:
    today, r = now.date(), s.reports
    due = period.due(r.due_day)
    days = ((REPORT_ASK, r.ask_day), (REPORT_REMIND, r.remind_day), (REPORT_STATUS, r.secretariat_day))
    wanted = [kind for kind, day in days if day_reached(today, period.day(day), due, s.schedule.catch_up_days)]
    if not wanted:
        return []
    owing = await owing_units(session, today)
    units = [u.id for u in owing]
    answered = await answered_ids(session, units, period.key) if wanted != [REPORT_ASK] else set()
    silent = [u for u in units if u not in answered]
    told = {kind: units if kind == REPORT_ASK else silent for kind in wanted if kind != REPORT_STATUS}
    pushes = await _to_units(session, now, period, due, told)
    if REPORT_STATUS in wanted:
        pushes += await _status(session, now, period, due, owing, answered)
    return pushes


async def _to_units(
    session: AsyncSession, now: datetime, period: ReportPeriod, due: date, told: dict[str, list[int]], step: str = ""
) -> list[Push]:
    """Each kind's push to the heads of its units (a unit with no active head: its active officials)."""
    everyone = {u for ids in told.values() for u in ids}
    people = await recipients(session, everyone, optional=False, roles=[Role.UNIT_HEAD])
    people |= await recipients(session, everyone - set(people), optional=False)
    names = await unit_names(session, everyone)
    pushes = []
    for kind, ids in told.items():
        for unit_id in ids:
            ctx = _context(period, due, now.date()) | {"unit": unit_ctx(names[unit_id])}
            for official_id in people.get(unit_id, ()):
                key = f"{kind}:{period.key}:unit {unit_id}{step}:official {official_id}"
                pushes.append(Push(kind, key, official_id, ctx, now))
    return pushes


async def _status(
    session: AsyncSession, now: datetime, period: ReportPeriod, due: date, owing: list[Unit], answered: set[int]
) -> list[Push]:
    """To the secretariat of each province that has units owing inputs: answered/total, who is missing."""
    admins = await officials_by_province(session, Role.ADMIN, optional=False)
    by_province: dict[int, list[Unit]] = {}
    for unit in owing:
        by_province.setdefault(root_of(unit.path), []).append(unit)
    listed = {p: [u.id for u in units if u.id not in answered][:LISTED_UNITS] for p, units in by_province.items()}
    names = await unit_names(session, {*by_province, *(u for ids in listed.values() for u in ids)})
    pushes = []
    for province_id, units in by_province.items():
        given = sum(u.id in answered for u in units)
        ctx = _context(period, due, now.date()) | {"province": unit_ctx(names[province_id])}
        ctx |= {"answered": given, "total": len(units), "missing": [unit_ctx(names[u]) for u in listed[province_id]]}
        ctx["more"] = len(units) - given - len(listed[province_id])
        for official_id in admins.get(province_id, ()):
            key = f"{REPORT_STATUS}:{period.key}:province {province_id}:official {official_id}"
            pushes.append(Push(REPORT_STATUS, key, official_id, ctx, now))
    return pushes


async def _after_due(session: AsyncSession, now: datetime, s: PushRules, period: ReportPeriod) -> list[Push]:
    """The units owing ``period``'s inputs (those in operation on its due date) that gave nothing: on a
    notice day, to their own people; on the escalation day, to their parent's heads and the secretariat."""
    today, r, catch_up = now.date(), s.reports, s.schedule.catch_up_days
    due = period.due(r.due_day)
    late = (today - due).days
    step = overdue_step(late, r.overdue_days, 0, catch_up) if late <= r.late_days else None
    escalate = 0 <= late - r.escalate_after_days <= catch_up
    if step is None and not escalate:
        return []
    owing = await owing_units(session, due)
    answered = await answered_ids(session, [u.id for u in owing], period.key)
    silent = [u for u in owing if u.id not in answered]
    pushes = []
    if step is not None:
        told = {REPORT_OVERDUE: [u.id for u in silent]}
        pushes += await _to_units(session, now, period, due, told, step=f":day {step}")
    if escalate and silent:
        pushes += await _escalations(session, now, period, due, silent)
    for push in pushes:  # how late, and the last day a late answer is taken
        push.context |= {"days_late": late, "late_until": (due + timedelta(days=r.late_days)).isoformat()}
    return pushes


async def _escalations(
    session: AsyncSession, now: datetime, period: ReportPeriod, due: date, silent: list[Unit]
) -> list[Push]:
    """One push to each official a silent unit escalates to (the heads of its parent unit, the secretariat
    of its province) naming the silent units they oversee: on the escalation day every late unit comes due
    at once, and the secretariat would otherwise get one push for each of a province's hundred units."""
    heads = await recipients(
        session, {u.parent_id for u in silent if u.parent_id}, optional=False, roles=[Role.UNIT_HEAD]
    )
    admins = await officials_by_province(session, Role.ADMIN, optional=False)
    secretariat = {official for ids in admins.values() for official in ids}
    oversees: dict[int, list[int]] = {}  # official -> silent units, by name
    for unit in silent:
        for official_id in dict.fromkeys([*heads.get(unit.parent_id or 0, ()), *admins.get(root_of(unit.path), ())]):
            oversees.setdefault(official_id, []).append(unit.id)
    names = await unit_names(session, {u for ids in oversees.values() for u in ids[:LISTED_UNITS]})
    pushes = []
    for official_id, ids in oversees.items():
        ctx = _context(period, due, now.date()) | {"units": [unit_ctx(names[u]) for u in ids[:LISTED_UNITS]]}
        ctx |= {"count": len(ids), "more": len(ids) - min(len(ids), LISTED_UNITS)}
        ctx["secretariat"] = official_id in secretariat  # may list them all with /tinhhinhbaocao
        key = f"{REPORT_ESCALATION}:{period.key}:official {official_id}"
        pushes.append(Push(REPORT_ESCALATION, key, official_id, ctx, now, urgent=True))
    return pushes


def _context(period: ReportPeriod, due: date, today: date) -> dict[str, Any]:
    return {
        "period": {"key": period.key, "year": period.year, "kind": period.kind, "number": period.number},
        "due": due.isoformat(),
        "days_left": (due - today).days,
    }


__all__ = ["LISTED_UNITS", "day_reached", "report_input_pushes"]
