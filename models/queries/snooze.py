"""The snooze's questions to the outbox (``models/snooze.py`` says when): the reminder a button names, and
the snoozed reminder written as one more outbox row, due on the day asked.

One row per reminder snoozed: its key is the reminder's own key (without an earlier snooze's part) and
``:snooze of <outbox id>``, so pressing "1 ngày" and then "3 ngày" on one message moves that one row (while
it waits) instead of queueing two, a press repeated by a retrying channel writes nothing new, and the
snoozed reminder, once it came, can be snoozed again (its own id). Written in the press's transaction:
the row exists exactly when the answer said so, and the dispatcher sends it like any push (claimed, marked
as it goes, never twice)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import OutboxStatus
from models.system import OutboxMessage

MARK = ":snooze of "
_UNIT = re.compile(r":unit (\d+):")  # deadline and overdue keys name the unit (jobs/due.py)
_ABOUT = re.compile(r"^(?:deadline|overdue):task (\d+):unit (\d+):")


async def reminder(session: AsyncSession, outbox_id: int) -> OutboxMessage | None:
    return await session.get(OutboxMessage, outbox_id)


def unit_of(row: OutboxMessage) -> int | None:
    """The unit a deadline reminder or overdue notice was about, from its key."""
    found = _UNIT.search(row.dedupe_key)
    return int(found.group(1)) if found else None


def snooze_key(row: OutboxMessage) -> str:
    return f"{row.dedupe_key.split(MARK)[0]}{MARK}{row.id}"


async def snooze(
    session: AsyncSession, row: OutboxMessage, at: datetime, context: dict[str, Any], *, urgent: bool, now: datetime
) -> bool:
    """Queue ``row`` again for ``at`` with ``context``; False when its snooze had already been sent (then
    nothing changes). A snooze still waiting is moved to ``at``."""
    key = snooze_key(row)
    values = {
        "dedupe_key": key, "kind": row.kind, "official_id": row.official_id, "channel": "", "chat_id": "",
        "template": row.template, "context": context, "status": OutboxStatus.PENDING.value, "urgent": urgent,
        "attempts": 0, "not_before": at, "last_error": "", "created_at": now,
    }  # fmt: skip
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    inserted = await session.execute(
        insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    if getattr(inserted, "rowcount", 0):
        return True
    moved = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.dedupe_key == key, OutboxMessage.status == OutboxStatus.PENDING.value)
        .values(not_before=at, context=context, urgent=urgent)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(moved, "rowcount", 0))


async def waiting(session: AsyncSession, now: datetime) -> set[tuple[int, int, int]]:
    """(task, unit, official) of every snoozed reminder still to come after ``now``: the official asked not
    to be reminded of that task before then, so the regular reminders and notices of the days between are
    not sent (``jobs/due.py``; the urgent reminder of the deadline's day still is). A few rows: the
    pending snoozes."""
    rows = await session.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.official_id).where(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.dedupe_key.contains(MARK),
            OutboxMessage.not_before > now,
        )
    )
    found: set[tuple[int, int, int]] = set()
    for key, official_id in rows:
        about = _ABOUT.match(key)
        if about is not None and official_id is not None:
            found.add((int(about.group(1)), int(about.group(2)), official_id))
    return found
