"""The kinds of push, what the push jobs read of the configuration (``PushRules``: the sections as
validated, ``models/settings.py``), and how they write dates, tasks and units into a push's JSON context.
``jobs/`` never reads the file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from models.calendar import CalendarConfig, WorkCalendar
from models.queries.units import UnitName
from models.settings import BotConfig, Config, RemindersConfig, ReportsConfig, ScheduleConfig

# Kinds of push (``outbox.kind``; the template is ``push/<kind>``). Mandatory ones reach officials who
# turned optional pushes off (/tatnhac): they are about the official's own duties — a deadline, a task
# overdue, an escalation to a superior, the quarterly (and year-end) progress report, the unit's inputs to the
# periodic report and the secretariat's compiling of it. Digests, drive standings and
# a month's index result are information, and optional.
DEADLINE = "deadline"
OVERDUE = "overdue"
ESCALATION = "escalation"
QUARTERLY = "quarterly"
DIGEST_UNIT = "digest_unit"
DIGEST_LEADER = "digest_leader"
DRIVE_START = "drive_start"
DRIVE_WEEK = "drive_week"
DRIVE_MILESTONE = "drive_milestone"
DRIVE_FINAL = "drive_final"
INDEX_MONTH = "index_month"  # a monthly index result (766) that fell or is in the province's bottom five
REPORT_ASK = "report_ask"  # a unit head asked for the unit's inputs to the periodic report
REPORT_REMIND = "report_remind"  # the one reminder to a unit that has not answered
REPORT_STATUS = "report_status"  # to the secretariat before the due day: who has answered, who has not
REPORT_OVERDUE = "report_overdue"  # to a unit that gave nothing, on the days after the due day
REPORT_ESCALATION = "report_escalation"  # that unit, to its parent's heads and the secretariat, once
LEAVE_RETURN = "leave_return"  # the one catch-up message to an official back from leave (jobs/leave.py)
KINDS = (
    DEADLINE,
    OVERDUE,
    ESCALATION,
    QUARTERLY,
    DIGEST_UNIT,
    DIGEST_LEADER,
    DRIVE_START,
    DRIVE_WEEK,
    DRIVE_MILESTONE,
    DRIVE_FINAL,
    INDEX_MONTH,
    REPORT_ASK,
    REPORT_REMIND,
    REPORT_STATUS,
    REPORT_OVERDUE,
    REPORT_ESCALATION,
    LEAVE_RETURN,
)
REPORT_KINDS = frozenset({REPORT_ASK, REPORT_REMIND, REPORT_STATUS, REPORT_OVERDUE, REPORT_ESCALATION})
MANDATORY = frozenset({DEADLINE, OVERDUE, ESCALATION, QUARTERLY, LEAVE_RETURN}) | REPORT_KINDS
# Sent whenever due, however many messages the official has had today (``one_message_a_day``): besides
# urgent rows (a deadline today, escalations), the overdue notice. Everything else waits for the next
# working morning once the official has had the day's one message.
ALWAYS_SENT = frozenset({OVERDUE, ESCALATION, REPORT_OVERDUE, REPORT_ESCALATION})
CONTENT_CHARS = 160  # a task's content in a push: enough to recognise it on a small screen
LISTED_TASKS = 3  # tasks named in a digest ("and N more")


@dataclass(frozen=True)
class PushRules:
    """The sections the push jobs read: ``reminders`` (deadline offsets, overdue notices, escalation),
    ``schedule`` (catch-up, drive milestones, the quarterly reminder), ``bot`` (the time zone "today" is
    read in, and the reporting window of the leader digest) and ``calendar`` (the working days)."""

    reminders: RemindersConfig = field(default_factory=RemindersConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)

    @classmethod
    def of(cls, config: Config) -> PushRules:
        return cls(config.reminders, config.schedule, config.bot, config.reports, config.calendar)

    @cached_property
    def work_calendar(self) -> WorkCalendar:
        """The working days of ``[calendar]``, built once (it keeps what it has looked up)."""
        return self.calendar.work_calendar()

    def days_left(self, today: date, due: date) -> int:
        """Days from ``today`` to ``due``: working days where ``[calendar] count_working_days``."""
        return self.work_calendar.days_left(today, due, working=self.calendar.count_working_days)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def task_ctx(task_id: int, number: int, content: str, due: date) -> dict[str, Any]:
    short = content if len(content) <= CONTENT_CHARS else content[: CONTENT_CHARS - 1].rstrip() + "…"
    return {"id": task_id, "number": number, "content": short, "due": due.isoformat()}


def unit_ctx(name: UnitName) -> dict[str, Any]:
    """A unit's name as ``macros/units.j2`` reads it (the fields of ``UnitName``)."""
    return {
        "id": name.id,
        "code": name.code,
        "name": name.name,
        "kind": str(name.kind),
        "parent_name": name.parent_name,
        "parent_kind": str(name.parent_kind) if name.parent_kind else None,
    }


def overdue_step(days_late: int, days: Sequence[int], repeat: int, catch_up: int) -> int | None:
    """The notice day an assignment (or a unit's report inputs) ``days_late`` days overdue is at today, or
    None: the latest notice day not after ``days_late`` (``days``, then every ``repeat`` days after the last:
    1, 3, 7, 14, 21, …), provided it was reached at most ``catch_up`` days ago. A notice day missed while the
    bot was down (day 3) is sent up to ``catch_up`` days late under the same key; later than that it is
    skipped, and the next notice day (7) comes as usual: never two notices about one task to make up for a gap."""
    listed = sorted(set(days))
    reached = [n for n in listed if n <= days_late]
    if repeat and listed and days_late > listed[-1]:
        reached.append(listed[-1] + (days_late - listed[-1]) // repeat * repeat)
    if not reached:
        return None
    step = max(reached)
    return step if days_late - step <= catch_up else None
