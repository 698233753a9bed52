"""Competition drive pushes to the officials of every participant unit: the start, weekly standings (every
7 days from the start: own rank, gap to the leader, days left), milestones (half-way and 30, 7, 1 days
left) and the final result the day after the end: it congratulates the leading units by name and thanks
every unit; only a leading unit's own line celebrates (``leading_places``), never the lower half's.
Optional (officials who turned pushes off do not get them). Only drives with an event today are looked
at, and each board is computed once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.kinds import DRIVE_FINAL, DRIVE_MILESTONE, DRIVE_START, DRIVE_WEEK, PushRules, unit_ctx
from jobs.outbox import Push
from models.drives import Drive
from models.queries.drives import Board, DriveInfo, drive_board
from models.queries.due import recipients
from models.queries.units import UnitName, unit_names
from models.rules import Standing

PODIUM = 3  # the units a drive's pushes name: the top 3


@dataclass(frozen=True)
class Event:
    kind: str
    key: str  # "start", "week 3", "half-way", "days-left 7", "final"
    board_day: date  # the standings as of this day
    extra: dict[str, Any]


def drive_events(d: DriveInfo, today: date, s: PushRules) -> list[Event]:
    """The events of drive ``d`` due today (each still due ``catch_up_days`` after its day)."""
    c = s.schedule.catch_up_days

    def on(day: date) -> bool:
        return 0 <= (today - day).days <= c

    events: list[Event] = []
    if on(d.starts_on):
        events.append(Event(DRIVE_START, "start", today, {}))
    running = d.starts_on <= today <= d.ends_on
    since = (today - d.starts_on).days
    if running and since >= 7 and since % 7 <= c:
        events.append(Event(DRIVE_WEEK, f"week {since // 7}", today, {"week": since // 7}))
    halfway = d.starts_on + timedelta(days=(d.ends_on - d.starts_on).days // 2)
    if running and halfway > d.starts_on and on(halfway):
        events.append(Event(DRIVE_MILESTONE, "half-way", today, {"milestone": "half-way"}))
    for left in sorted(set(s.schedule.drive_days_left), reverse=True):
        day = d.ends_on - timedelta(days=left)
        if running and day > d.starts_on and on(day):
            events.append(Event(DRIVE_MILESTONE, f"days-left {left}", today, {"milestone": "days-left"}))
    if on(d.ends_on + timedelta(days=1)):
        events.append(Event(DRIVE_FINAL, "final", d.ends_on, {}))
    return events


def _drive_ctx(d: DriveInfo, today: date) -> dict[str, Any]:
    return {
        "title": d.title,
        "code": d.code,
        "starts": d.starts_on.isoformat(),
        "ends": d.ends_on.isoformat(),
        "days": (d.ends_on - d.starts_on).days + 1,
        "days_left": max(0, (d.ends_on - today).days),
    }


async def _around(session: AsyncSession, today: date, back: int) -> list[DriveInfo]:
    """Drives started by today and ended no more than ``back`` days ago (few rows)."""
    rows = await session.execute(
        select(Drive).where(Drive.starts_on <= today, Drive.ends_on >= today - timedelta(days=back)).order_by(Drive.id)
    )
    return [DriveInfo(d.id, d.code, d.title, d.starts_on, d.ends_on) for d in rows.scalars()]


def leading_places(total: int) -> int:
    """How many places the final result congratulates: the podium (3), but never the lower half of the
    board, so the unit placed 2/2 or 57/57 is thanked, not celebrated (ties share a place)."""
    return max(1, min(PODIUM, total // 2))


def _leaders(board: Board) -> list[Standing]:
    places = leading_places(len(board.standings))
    return [st for st in board.standings if st.rank <= places]


def _shared_ctx(board: Board, names: dict[int, UnitName], final: bool) -> dict[str, Any]:
    """What every participant's push of one board says alike: the number of units, the leader, the top 3;
    for the final result, the leading units congratulated by name."""
    leader = board.standings[0] if board.standings else None
    shared: dict[str, Any] = {
        "total": len(board.standings),
        "leader": {"unit": unit_ctx(names[leader.unit_id]), "points": str(leader.points)} if leader else None,
        "top": [
            {"rank": st.rank, "unit": unit_ctx(names[st.unit_id]), "points": str(st.points)}
            for st in board.standings[:PODIUM]
        ],
    }
    if final:
        shared["leaders"] = [
            {"rank": st.rank, "unit": unit_ctx(names[st.unit_id]), "points": str(st.points)} for st in _leaders(board)
        ]
    return shared


def _own_ctx(own: Standing, total: int) -> dict[str, Any]:
    return {
        "rank": own.rank,
        "points": str(own.points),
        "gap": str(own.gap_to_leader),
        "leading": own.rank <= leading_places(total),
    }


async def drive_pushes(session: AsyncSession, now: datetime, s: PushRules) -> Iterator[Push]:
    """The drive events due today, each to the officials of every participant unit: two queries per drive
    with an event (its board), then the officials and unit names of all of them at once."""
    today = now.date()
    due: list[tuple[DriveInfo, list[Event], dict[date, Board]]] = []
    for d in await _around(session, today, 1 + s.schedule.catch_up_days):
        events = drive_events(d, today, s)
        if events:
            boards = {day: await drive_board(session, d, day) for day in {e.board_day for e in events}}
            due.append((d, events, boards))
    units = {st.unit_id for _, _, boards in due for b in boards.values() for st in b.standings}
    people = await recipients(session, units, optional=True)
    named = {st.unit_id for _, _, bs in due for b in bs.values() for st in [*b.standings[:PODIUM], *_leaders(b)]}
    names = await unit_names(session, named)

    def generate() -> Iterator[Push]:
        for d, events, boards in due:
            drive = _drive_ctx(d, today)
            for event in events:
                board = boards[event.board_day]
                shared = {"drive": drive, **event.extra, **_shared_ctx(board, names, event.kind == DRIVE_FINAL)}
                for st in board.standings:
                    ctx = shared | _own_ctx(st, len(board.standings))
                    for official_id in people.get(st.unit_id, ()):
                        key = f"drive:drive {d.id}:{event.key}:official {official_id}"
                        yield Push(event.kind, key, official_id, ctx, now)

    return generate()
