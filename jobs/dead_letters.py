"""Pushes the dispatcher gives up on (``jobs/dispatcher.py``): marked dead, and the active admins of each
dead push's province told by a ``push/dead_letter`` push in the same transaction, never for a dead letter
itself (so alerts cannot loop)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from jobs import claims
from jobs.claims import Claimed
from jobs.outbox import Push, enqueue
from models.enums import OutboxStatus

log = logging.getLogger("jobs.dispatcher")
DEAD_LETTER = "dead_letter"


async def dead_letters(session: AsyncSession, rows: list[Claimed], worker: str, reason: str, now: datetime) -> None:
    """Give the rows up and tell the active admins of each dead push's province, in the same
    transaction (a push to no official is only logged)."""
    for row in rows:
        await claims.mark(session, [row.id], worker, OutboxStatus.DEAD, attempts=row.attempts + 1, last_error=reason)
    telling = [row for row in rows if row.kind != DEAD_LETTER]  # an alert that dies is not alerted
    if not telling:
        return
    admins, names = await claims.admins_and_names(session, [r.official_id for r in telling if r.official_id])
    told = {admin for row in telling for admin in admins.get(row.official_id or 0, [])}
    log.error("dispatcher: %d push(es) dead after failures (%s); telling %d admin(s)", len(rows), reason, len(told))
    pushes = [
        Push(
            kind=DEAD_LETTER,
            dedupe_key=f"{DEAD_LETTER}:outbox {row.id}:official {admin}",
            official_id=admin,
            context={
                "outbox_id": row.id,
                "kind": row.kind,
                "official": names.get(row.official_id or 0, ""),
                "attempts": row.attempts + 1,
                "error": reason[:300],
            },
            created_at=now,
        )
        for row in telling
        for admin in admins.get(row.official_id or 0, [])
    ]
    await enqueue(session, pushes)
