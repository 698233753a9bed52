"""The dispatcher's questions to the outbox: claiming due rows so that no two processes send one row,
finding each official's chat, and marking rows as they go.

A claim is one transaction. On PostgreSQL: ``SELECT id … ORDER BY official_id, id LIMIT n FOR UPDATE
SKIP LOCKED``, then ``UPDATE outbox SET status = 'sending', claimed_by, claimed_until WHERE id IN (…)
RETURNING …``: the row locks let several processes claim side by side without waiting for or
overlapping each other. On SQLite (one writer at a time) it is the single ``UPDATE … WHERE id IN
(SELECT … LIMIT n) RETURNING …``, atomic by itself (a SELECT first would have to upgrade a read lock,
which SQLite refuses while another process writes). A row ``sending`` whose claim has expired belonged
to a process that died: it is claimed again, so a crash loses nothing (and may send that row twice).
Every mark is conditional on the claim still being ours.

Claims run on the database's clock, never the process's: ``claimed_until`` is the database's time plus
the claim's length, and a claim has expired when the database's time is past it (``database_now``:
PostgreSQL's ``clock_timestamp()``; SQLite's file can only be shared by processes of one host, which
share the OS clock, so there it is the OS clock in UTC). Two processes whose clocks disagree by minutes
therefore agree on whose a row is. The process's own (injected) clock still decides when a pending row
is due (``not_before``): a skew there delays a push or sends it early, never twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import OutboxStatus
from models.plans import Assignment
from models.queries.due import admins_of_officials
from models.system import OutboxMessage
from models.units import ChatAccount, Official

PENDING, SENDING = OutboxStatus.PENDING.value, OutboxStatus.SENDING.value
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    official_id: int | None
    channel: str
    chat_id: str
    template: str
    context: dict[str, Any]
    urgent: bool
    attempts: int
    last_error: str = ""


@dataclass(frozen=True)
class Chat:
    """Where an official's pushes go: their usable chat account most recently written from."""

    account_id: int | None
    channel: str
    chat_id: str
    language: str
    via: str = ""  # Zalo: the bot the account registered on (``ChatAccount.bot``)


async def database_now(session: AsyncSession) -> datetime:
    """The database's time (timezone-aware): what claims and leases are measured by. PostgreSQL:
    ``clock_timestamp()`` (the moment of the call, not of the transaction's start); SQLite: the OS clock,
    shared by every process that can open the file (they run on one host)."""
    if session.get_bind().dialect.name == "postgresql":
        moment = (await session.execute(text("SELECT clock_timestamp()"))).scalar_one()
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # type: ignore[no-any-return]
    return datetime.now(UTC)


def _due(now: datetime, db_now: datetime) -> Any:
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.not_before <= now),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < db_now),
    )


async def claim(
    session: AsyncSession, worker: str, now: datetime, seconds: float, limit: int, *, urgent_only: bool = False
) -> list[Claimed]:
    """Claim up to ``limit`` due rows for ``worker`` for ``seconds`` of the database's clock; ``now`` (the
    process's clock) decides which pending rows are due. The caller commits."""
    db_now = await database_now(session)
    until = db_now + timedelta(seconds=seconds)
    due = _due(now, db_now)
    if urgent_only:
        due = and_(due, OutboxMessage.urgent.is_(True))
    ids = (
        select(OutboxMessage.id)
        .where(due)
        .order_by(OutboxMessage.official_id, OutboxMessage.id)  # an official's rows together: one message
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        # The locked ids first, then the UPDATE: as a subquery of the UPDATE, PostgreSQL may run a
        # LIMIT … SKIP LOCKED more than once and claim more rows than asked. The locks hold until commit.
        picked: Any = list((await session.execute(ids)).scalars())
        if not picked:
            return []
    else:
        picked = ids.scalar_subquery()
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(picked), due)
        .values(status=SENDING, claimed_by=worker, claimed_until=until)
        .returning(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.official_id,
            OutboxMessage.channel,
            OutboxMessage.chat_id,
            OutboxMessage.template,
            OutboxMessage.context,
            OutboxMessage.urgent,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
        )
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(statement)).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: (c.official_id or 0, c.id))


async def defer_quiet(session: AsyncSession, now: datetime, allowed_at: datetime) -> int:
    """Quiet hours: move every pending non-urgent row due before ``allowed_at`` to ``allowed_at``."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.urgent.is_(False),
            OutboxMessage.not_before < allowed_at,
        )
        .values(not_before=allowed_at)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def one_a_day(
    session: AsyncSession,
    by_official: dict[int, list[Claimed]],
    worker: str,
    since: datetime,
    until: datetime,
    always: frozenset[str],
) -> int:
    """No nagging: an official who has had a message since ``since`` (the start of the local day) that was
    not urgent (``urgent`` rows and the kinds in ``always`` do not count) gets nothing more today but
    urgent rows: the others of ``by_official`` go back to wait for ``until`` (the next working morning),
    where they are merged into that day's one message. Changes ``by_official`` in place; how many rows
    were held. The caller commits."""
    wanted = sorted(official for official, rows in by_official.items() if any(not _urgent(r, always) for r in rows))
    if not wanted:
        return 0
    had = await session.execute(
        select(OutboxMessage.official_id)
        .where(
            OutboxMessage.official_id.in_(wanted),
            OutboxMessage.status == OutboxStatus.SENT.value,
            OutboxMessage.sent_at >= since,
            OutboxMessage.urgent.is_(False),
            OutboxMessage.kind.not_in(sorted(always)),
        )
        .distinct()
    )
    held: list[int] = []
    for official_id in had.scalars():
        assert official_id is not None  # asked for by id
        rows = by_official[official_id]
        held.extend(row.id for row in rows if not _urgent(row, always))
        by_official[official_id] = [row for row in rows if _urgent(row, always)]
        if not by_official[official_id]:
            del by_official[official_id]
    await mark(session, held, worker, OutboxStatus.PENDING, not_before=until)
    return len(held)


async def settled(session: AsyncSession, rows: list[Claimed], worker: str) -> set[int]:
    """The snoozed reminders among ``rows`` (``context["snoozed"]``: the task and unit) whose assignment is
    done by now: marked skipped, never sent (a snooze must not nag about a finished task). The caller
    commits."""
    pairs = {row.id: (s["task"], s["unit"]) for row in rows if isinstance(s := row.context.get("snoozed"), dict)}
    if not pairs:
        return set()
    found = await session.execute(
        select(Assignment.task_id, Assignment.unit_id).where(
            Assignment.task_id.in_(sorted({task for task, _ in pairs.values()})), Assignment.progress >= 100
        )
    )
    finished = {(task, unit) for task, unit in found}
    ids = sorted(i for i, pair in pairs.items() if pair in finished)
    await mark(session, ids, worker, OutboxStatus.SKIPPED, last_error="task done before the snooze ended")
    return set(ids)


def _urgent(row: Claimed, always: frozenset[str]) -> bool:
    return row.urgent or row.kind in always


async def chats(session: AsyncSession, official_ids: Iterable[int], channels: frozenset[str]) -> dict[int, Chat | None]:
    """Each official's chat: an active official's unblocked account on one of ``channels``: on the
    channel they chose (``Official.push_channel``, /kenh), else the one they last wrote from (None:
    nowhere to send)."""
    wanted = sorted(set(official_ids))
    found: dict[int, Chat | None] = dict.fromkeys(wanted)
    if not wanted:
        return found
    # two indexed lookups rather than a join: a plan that does not depend on the tables' statistics
    rows = await session.execute(
        select(Official.id, Official.language, Official.push_channel).where(Official.id.in_(wanted), Official.active)
    )
    officials: dict[int, str] = {}
    chosen: dict[int, str] = {}
    for official_id, language, push_channel in rows:
        officials[official_id], chosen[official_id] = language, push_channel
    accounts = await session.execute(
        select(
            ChatAccount.official_id,
            ChatAccount.id,
            ChatAccount.channel,
            ChatAccount.chat_id,
            ChatAccount.last_seen_at,
            ChatAccount.created_at,
            ChatAccount.bot,
        ).where(
            ChatAccount.official_id.in_(list(officials)),
            ChatAccount.blocked.is_(False),
            ChatAccount.channel.in_(sorted(channels)),
        )
    )
    best: dict[int, tuple[Any, ...]] = {}
    for official_id, account_id, channel, chat_id, seen, created, bot in accounts:
        rank = (channel == chosen[official_id], seen or created, account_id)
        if official_id not in best or rank > best[official_id][0]:
            best[official_id] = (rank, Chat(account_id, channel, chat_id, officials[official_id], bot))
    for official_id, (_rank, chat) in best.items():
        found[official_id] = chat
    return found


async def languages(session: AsyncSession, official_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(official_ids))
    if not wanted:
        return {}
    rows = await session.execute(select(Official.id, Official.language).where(Official.id.in_(wanted)))
    return {official_id: language for official_id, language in rows}


async def mark(session: AsyncSession, ids: Sequence[int], worker: str, status: OutboxStatus, **values: Any) -> int:
    """Set the status (and ``values``) of the rows still claimed by ``worker``; how many were."""
    if not ids:
        return 0
    ended = {"claimed_by": None, "claimed_until": None} if status != OutboxStatus.SENDING else {}
    result = await session.execute(  # on the table, not the ORM class: a mark per message, kept cheap
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(list(ids)), OUTBOX.c.claimed_by == worker, OUTBOX.c.status == SENDING)
        .values(status=status.value, **ended, **values)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def quick_commit(session: AsyncSession) -> None:
    """PostgreSQL: let this transaction's COMMIT return before its WAL record reaches the disk. The
    mark is visible to every process at once, and a crash of ours loses nothing; only a crash of the
    database server itself within a fraction of a second could forget the last marks, so that those
    messages are sent again — a duplicate, never a loss. It makes a mark per message cheap."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL synchronous_commit TO OFF"))


async def block_account(session: AsyncSession, account_id: int) -> None:
    await session.execute(update(ChatAccount).where(ChatAccount.id == account_id).values(blocked=True))


async def block_chat(session: AsyncSession, channel: str, chat_id: str) -> int:
    """Mark every account of ``chat_id`` on ``channel`` blocked (a reply there was refused: the user
    blocked the bot), as the dispatcher does for a push; how many were."""
    result = await session.execute(
        update(ChatAccount)
        .where(ChatAccount.channel == channel, ChatAccount.chat_id == chat_id, ChatAccount.blocked.is_(False))
        .values(blocked=True)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def admins_and_names(
    session: AsyncSession, official_ids: Iterable[int]
) -> tuple[dict[int, list[int]], dict[int, str]]:
    """For each of ``official_ids``, the active admins of their province (who hear of their dead
    letters: never another province's admins), and the officials' names."""
    wanted = sorted(set(official_ids))
    names = await session.execute(select(Official.id, Official.full_name).where(Official.id.in_(wanted)))
    return await admins_of_officials(session, wanted), {official_id: name for official_id, name in names}
