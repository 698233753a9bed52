"""The units' inputs to the periodic report (issue 17, point 2): asked, then reminded once.

- ``report_ask``: on [reports].ask_day of the period's last month, to the head of each unit that owes inputs
  (a unit with no active head: its active officials, so that no unit is left unasked):
  ``report_ask:2026-H1:unit 204:official 9``.
- ``report_remind``: on remind_day, the same people of the units that have given no item yet:
  ``report_remind:2026-H1:unit 204:official 9``.

Both are mandatory (the unit's duty) and sent up to ``catch_up_days`` late, never after the due date.
The escalation of a report still missing after the 20th (issue 17, point 3) is not here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.kinds import REPORT_ASK, REPORT_REMIND, PushRules, unit_ctx
from jobs.outbox import Push
from models.enums import Role
from models.queries.due import recipients
from models.queries.report_inputs import answered_ids, owing_units
from models.queries.units import unit_names
from models.report_inputs import ReportPeriod, open_period


def day_reached(today: date, day: date, due: date, catch_up: int) -> bool:
    """True on ``day`` and up to ``catch_up`` days after it, but not after ``due``."""
    return 0 <= (today - day).days <= catch_up and today <= due


async def report_input_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """The ask on the ask day, the reminder on the remind day (a day can be both when they coincide)."""
    today, r = now.date(), s.reports
    period = open_period(today, r.due_day)
    due = period.due(r.due_day)
    wanted = [
        kind
        for kind, day in ((REPORT_ASK, r.ask_day), (REPORT_REMIND, r.remind_day))
        if day_reached(today, period.day(day), due, s.schedule.catch_up_days)
    ]
    if not wanted:
        return iter(())
    units = [u.id for u in await owing_units(session, today)]
    answered = await answered_ids(session, units, period.key) if REPORT_REMIND in wanted else set()
    told = {kind: units if kind == REPORT_ASK else [u for u in units if u not in answered] for kind in wanted}
    everyone = {u for ids in told.values() for u in ids}
    people = await recipients(session, everyone, optional=False, roles=[Role.UNIT_HEAD])
    people |= await recipients(session, everyone - set(people), optional=False)
    names = await unit_names(session, everyone)

    def generate() -> Iterator[Push]:
        for kind, ids in told.items():
            for unit_id in ids:
                ctx = _context(period, due, today) | {"unit": unit_ctx(names[unit_id])}
                for official_id in people.get(unit_id, ()):
                    key = f"{kind}:{period.key}:unit {unit_id}:official {official_id}"
                    yield Push(kind, key, official_id, ctx, now)

    return generate()


def _context(period: ReportPeriod, due: date, today: date) -> dict[str, Any]:
    return {
        "period": {"key": period.key, "year": period.year, "kind": period.kind, "number": period.number},
        "due": due.isoformat(),
        "days_left": (due - today).days,
    }


__all__ = ["day_reached", "report_input_pushes"]
