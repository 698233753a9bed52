"""What the push jobs need to know from the configuration, and how they write dates, tasks and units into
a push's JSON context. ``bot/`` builds ``PushSettings`` from the TOML; ``jobs/`` never reads the file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from models.clock import DEFAULT_TZ
from models.queries.units import UnitName

# Kinds of push (``outbox.kind``; the template is ``push/<kind>``). Mandatory ones reach officials who
# turned optional pushes off (/tatnhac): they are about the official's own duties — a deadline, a task
# overdue, an escalation to a superior, the quarterly progress report. Digests and drive standings are
# information, and optional.
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
)
MANDATORY = frozenset({DEADLINE, OVERDUE, ESCALATION, QUARTERLY})
CONTENT_CHARS = 160  # a task's content in a push: enough to recognise it on a small screen


@dataclass(frozen=True)
class PushSettings:
    offsets_days: tuple[int, ...] = (7, 3, 1, 0)  # deadline reminders, days before the deadline
    overdue_daily: bool = True  # a daily notice while a unit has overdue tasks
    escalate_after_days: int = 7  # days overdue before the superior and the secretariat are told
    catch_up_days: int = 1  # a one-off push missed while the bot was down is still sent this many days late
    due_soon_days: int = 30  # the reporting window of the task statuses (the leader digest's sentence)
    drive_days_left: tuple[int, ...] = (30, 7, 1)  # drive milestones, besides half-way
    quarterly_days_before: int = 7  # the quarterly review reminder, days before the quarter ends
    listed_tasks: int = 3  # tasks named in an overdue notice or a digest ("and N more")
    tz: ZoneInfo = DEFAULT_TZ  # "today" is the day in this zone


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
