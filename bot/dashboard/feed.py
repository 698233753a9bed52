"""The machine feed (issue 19, point 3): ``P/api/<kind>.<json|csv>`` for the province's operations centre,
read with ``Authorization: Bearer <token>`` (``cchc-bot feed create``), one province per token.

kinds: ``nhiemvu`` (the current plan's assignments with their status today), ``chiso`` (published index
results of the province and its units), ``thidua`` (the current drive's standings). GET only, like the
pages. Each consumer may read ``[dashboard].feed_per_minute`` times a minute (429 with Retry-After
beyond), and every answer it gets is a line in the audit log ("feed.read": consumer, what, rows), which
/nhatky shows the province's admins; the budget is counted from those lines, so it holds across every
process serving the feed.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.webhook_http import Answer, HttpRequest
from models import Clock, Unit
from models.feed import READ, FeedToken, feed_consumer, reads_since
from models.queries.accounts import audit
from models.queries.feed import (
    DRIVE_COLUMNS,
    RESULT_COLUMNS,
    TASK_COLUMNS,
    Row,
    drive_rows,
    result_rows,
    task_rows,
)

log = logging.getLogger(__name__)
WINDOW = 60.0  # seconds of the rate limit's window
HEADERS = (
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
)
Rows = Callable[[AsyncSession, Unit], Awaitable[list[Row]]]


class Feed:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, per_minute: int, due_soon_days: int
    ) -> None:
        self.sessions, self.clock, self.per_minute, self.soon = sessions, clock, per_minute, due_soon_days

    def kinds(self) -> dict[str, tuple[tuple[str, ...], Rows]]:
        today = self.clock.today()

        async def tasks(session: AsyncSession, province: Unit) -> list[Row]:
            return await task_rows(session, province, today, self.soon)

        async def drive(session: AsyncSession, province: Unit) -> list[Row]:
            return await drive_rows(session, province, today)

        return {
            "nhiemvu": (TASK_COLUMNS, tasks),
            "chiso": (RESULT_COLUMNS, result_rows),
            "thidua": (DRIVE_COLUMNS, drive),
        }

    async def __call__(self, request: HttpRequest, name: str) -> Answer:
        kind, _, fmt = name.partition(".")
        found = self.kinds().get(kind)
        if found is None or fmt not in ("json", "csv"):
            return _plain(404, "unknown feed")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        async with self.sessions.begin() as session:
            consumer = await feed_consumer(session, token.strip()) if scheme.lower() == "bearer" else None
            if consumer is None:
                log.info("feed: a request without a valid token refused (401)")
                return Answer(401, (*HEADERS, ("WWW-Authenticate", "Bearer"), ("Content-Type", "text/plain")), b"401")
            wait = await self._wait(session, consumer)
            if wait:
                return Answer(429, (*HEADERS, ("Retry-After", str(wait)), ("Content-Type", "text/plain")), b"429")
            province = await session.get(Unit, consumer.province_id)
            assert province is not None  # a foreign key
            columns, read = found
            rows = await read(session, province)
            audit(
                session,
                at=self.clock.now(),
                actor_id=None,
                action=READ,
                subject=name,
                detail={"consumer": consumer.name, "consumer_id": consumer.id, "rows": len(rows)},
                province_id=province.id,
            )
        if fmt == "csv":
            return Answer(200, (*HEADERS, ("Content-Type", "text/csv; charset=utf-8")), _csv(columns, rows))
        body = {"province": province.code, "generated_at": self.clock.now().isoformat(), "rows": rows}
        data = json.dumps(body, default=_plain_value, ensure_ascii=False).encode()
        return Answer(200, (*HEADERS, ("Content-Type", "application/json")), data)

    async def _wait(self, session: AsyncSession, consumer: FeedToken) -> int:
        """0 when the consumer may read now, else the seconds until it may (its reads of the last minute
        are its answers in the audit log, written in this same transaction when it may)."""
        now = self.clock.now()
        reads = await reads_since(session, consumer, now - timedelta(seconds=WINDOW))
        if len(reads) < self.per_minute:
            return 0
        return max(1, int(WINDOW - (now - min(reads)).total_seconds()) + 1)


def _plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact, as published (a float would turn 85.94 into 85.93999…)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _csv(columns: tuple[str, ...], rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else _plain_value(row[c]) for c in columns])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM: Excel reads the Vietnamese as UTF-8


def _plain(status: int, text: str) -> Answer:
    return Answer(status, (*HEADERS, ("Content-Type", "text/plain")), text.encode())
