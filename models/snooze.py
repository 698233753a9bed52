"""Snoozing a reminder ("Nhắc lại sau 1 ngày / 3 ngày"): the day it comes again, within the limits that keep
a snooze from hiding a duty. A deadline reminder comes again at the latest on the last working day on or
before the deadline (snoozing 3 days with the deadline 2 days away: on the deadline's last working day,
said so); an overdue notice at the latest on the last working day before the escalation to the superior
(``[reminders] escalate_after_days`` after the deadline). The snoozed reminder itself is an outbox row
(``models/queries/snooze.py``), so it is as durable as any push."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from models.calendar import WorkCalendar

SNOOZABLE = frozenset({"deadline", "overdue"})  # the kinds of push (jobs.kinds) that carry the buttons
SNOOZE_DAYS = (1, 3)  # the buttons; a typed /nhaclai takes these too


class Limit(StrEnum):
    """Why a snooze comes back earlier than asked."""

    DEADLINE = "deadline"  # the last working day on or before the deadline
    ESCALATION = "escalation"  # the last working day before the escalation


@dataclass(frozen=True)
class Snooze:
    day: date  # when the reminder comes again
    limited: Limit | None  # set when ``day`` is earlier than asked


def snooze_day(
    today: date, days: int, kind: str, due: date, calendar: WorkCalendar, escalate_after: int
) -> Snooze | None:
    """The working day a reminder of ``kind`` about a deadline ``due`` comes again when snoozed ``days``
    days on ``today``: the first working day on or after ``today + days``, no later than the limit of its
    kind. None when the limit is today or past: nothing left to snooze into."""
    if kind == "deadline":
        limit, why = calendar.on_or_before(due), Limit.DEADLINE
    else:
        limit, why = calendar.last_working_day_before(due + timedelta(days=escalate_after)), Limit.ESCALATION
    if limit <= today:
        return None
    wanted = calendar.on_or_after(today + timedelta(days=days))
    return Snooze(limit, why) if wanted > limit else Snooze(wanted, None)
