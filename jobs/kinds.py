"""The kinds of push, what the push jobs read of the configuration (``PushRules``: the sections as
validated, ``models/settings.py``), and how they write dates, tasks and units into a push's JSON context.
``jobs/`` never reads the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.queries.units import UnitName
from models.settings import BotConfig, Config, RemindersConfig, ReportsConfig, ScheduleConfig

# Kinds of push (``outbox.kind``; the template is ``push/<kind>``). Mandatory ones reach officials who
# turned optional pushes off (/tatnhac): they are about the official's own duties — a deadline, a task
# overdue, an escalation to a superior, the quarterly (and year-end) progress report, the unit's inputs to the
# periodic report. Digests, drive standings and
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
    LEAVE_RETURN,
)
MANDATORY = frozenset({DEADLINE, OVERDUE, ESCALATION, QUARTERLY, REPORT_ASK, REPORT_REMIND, LEAVE_RETURN})
CONTENT_CHARS = 160  # a task's content in a push: enough to recognise it on a small screen
LISTED_TASKS = 3  # tasks named in a digest ("and N more")


@dataclass(frozen=True)
class PushRules:
    """The sections the push jobs read: ``reminders`` (deadline offsets, overdue notices, escalation),
    ``schedule`` (catch-up, drive milestones, the quarterly reminder) and ``bot`` (the time zone "today" is
    read in, and the reporting window of the leader digest)."""

    reminders: RemindersConfig = field(default_factory=RemindersConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    reports: ReportsConfig = field(default_factory=ReportsConfig)

    @classmethod
    def of(cls, config: Config) -> PushRules:
        return cls(config.reminders, config.schedule, config.bot, config.reports)


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
