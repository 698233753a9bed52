"""The dispatcher: drains the outbox through a channel ``Sender`` (``jobs/sender.py``).

One drain claims a batch of due rows (``jobs/claims.py``), merges the rows of each official into one
message, finds the official's chat (the account they last wrote from, blocked ones left out; none: the
rows are skipped), and sends the messages one after another within each channel's flood limits
(``jobs/pacing.py``), marking each message's rows before the next send. So a crash between a send and its
mark duplicates at most ``in_flight`` messages (one by default), and loses none: the claim expires and
another drain sends the rows again. A process stops using a claim at 80% of ``claim_seconds`` and gives
the rest back, so no row is sent by two live processes. Each sender keeps one database connection for
its marks (one short transaction per message).

Outcomes: sent → ``sent`` with ``sent_at``; 429 → the bot refused (the channel's, or a Zalo bot) pauses for
``retry_after`` and its rows wait as long, no attempt counted; blocked → the chat account is marked
blocked and the rows go back to be sent elsewhere or skipped; a failure → retried after an exponential
backoff, and after ``max_attempts`` the rows are dead and the active admins of the official's province
get a ``push/dead_letter`` push (never for a dead letter itself, so alerts cannot loop). During quiet
hours non-urgent rows are moved to
the next allowed time; with ``one_message_a_day``, an official who has had a non-urgent message today
gets only urgent rows (``jobs.kinds.ALWAYS_SENT`` too) until the next working day at ``morning`` (the time of
the reminders job, so that what was held goes out merged with that morning's reminders: ``claims.one_a_day``).
A send that failed after the request left (``Result.UNCERTAIN``, e.g. a read timeout) may have arrived:
it is retried once after the backoff and counted in ``Drained.uncertain`` (each a possible duplicate);
if that retry is uncertain too, the rows are dead (admins told), never sent a third time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from datetime import time as time_of_day

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from jobs import claims
from jobs.claims import Chat, Claimed
from jobs.dead_letters import dead_letters
from jobs.kinds import ALWAYS_SENT
from jobs.oa_routing import RECHECK, WAITING, OaRouting
from jobs.pacing import Pace
from jobs.sender import Item, Outcome, Outgoing, Result, Sender
from models.clock import Clock
from models.enums import OutboxStatus
from models.quiet import QuietHours
from models.settings import DispatchConfig, Rates

log = logging.getLogger(__name__)
MAYBE_SENT = "may have arrived: "  # the last_error of a row whose last send may have been delivered
FAILURES_IN_A_ROW = 5  # then the drain stops sending: the channel is likely down


@dataclass
class Drained:
    """What one drain did (rows, except ``messages``)."""

    claimed: int = 0
    messages: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0
    blocked: int = 0
    released: int = 0
    deferred: int = 0
    uncertain: int = 0  # sent again after a send that may have arrived: possible duplicates

    def add(self, other: Drained) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Message:
    out: Outgoing
    rows: list[Claimed]
    account_id: int | None


def maybe_sent(row: Claimed) -> bool:
    """Whether an earlier send of ``row`` may have arrived (then it is never tried after another such send)."""
    return row.last_error.startswith(MAYBE_SENT)


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class Dispatcher:
    """Drains the outbox as ``dispatch`` ([dispatch]) says, each channel within its ``rates`` (from the
    [telegram] and [zalo] sections; a channel not listed is not paced), non-urgent rows outside ``quiet``
    ([reminders] in [bot].timezone); a chat of an official with no language speaks ``default_language``."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sender: Sender,
        *,
        clock: Clock,
        dispatch: DispatchConfig | None = None,
        rates: Mapping[str, Rates] | None = None,
        quiet: QuietHours | None = None,
        one_message_a_day: bool = False,
        morning: time_of_day | None = None,
        default_language: str = "vi",
        failures_in_a_row: int = FAILURES_IN_A_ROW,
        worker: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        oa: OaRouting | None = None,
    ) -> None:
        self.sessions, self.sender, self.clock = sessions, sender, clock
        self.dispatch = dispatch or DispatchConfig()
        self.quiet, self.worker, self.one_message_a_day = quiet, worker or worker_name(), one_message_a_day
        self.morning = morning  # when held pushes go the next working day (None: at the end of quiet hours)
        self.default_language, self.failures_in_a_row = default_language, failures_in_a_row
        self.monotonic, self.sleep = monotonic, sleep
        self.oa = oa  # the Zalo OA's window and ZNS (jobs/oa_routing.py), when the OA channel runs
        # a channel not in ``rates`` is not paced
        self.paces = {name: Pace(each, monotonic=monotonic) for name, each in (rates or {}).items()}
        self._engine: AsyncEngine = sessions.kw["bind"]
        self._wake = asyncio.Event()

    # ---- the loop -----------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Drain until ``stop`` is set; when nothing is due, look again every ``poll_seconds`` (or at
        ``wake()``). A database error is logged and retried at the next poll."""
        while not stop.is_set():
            full = False
            try:
                done = await self.drain(stop)
                full = done.claimed >= self.dispatch.batch_size
            except Exception:
                log.exception("dispatcher: drain failed; trying again in %.0f s", self.dispatch.poll_seconds)
            if not full:
                await self._idle(stop)

    async def _idle(self, stop: asyncio.Event) -> None:
        self._wake.clear()
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=self.dispatch.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    def wake(self) -> None:
        """Look for due rows now (e.g. after a job has queued some)."""
        self._wake.set()

    async def drain_all(self, stop: asyncio.Event | None = None) -> Drained:
        """Drain until nothing is due now (a one-off run; tests)."""
        total = Drained()
        while True:
            done = await self.drain(stop)
            total.add(done)
            if done.claimed == 0 or (stop is not None and stop.is_set()):
                return total

    # ---- one drain ----------------------------------------------------------------------------------
    async def drain(self, stop: asyncio.Event | None = None) -> Drained:
        """Claim one batch of due rows and send it."""
        done = Drained()
        now = self.clock.now()
        if self.quiet is not None and self.quiet.settling(now):  # the morning's jobs are still queueing
            return done
        quiet = self.quiet is not None and not self.quiet.allows(now)
        async with self.sessions() as session, session.begin():
            if self.quiet is not None and quiet:
                done.deferred = await claims.defer_quiet(session, now, self.quiet.next_allowed(now))
            rows = await claims.claim(
                session,
                self.worker,
                now,
                self.dispatch.claim_seconds,
                self.dispatch.batch_size,
                urgent_only=quiet,
            )
        done.claimed = len(rows)
        if not rows:
            return done
        # stop using the claim well before it expires, so that no other process can claim a row we send
        deadline = self.monotonic() + self.dispatch.claim_seconds * 0.8
        messages = await self._plan(rows, done)
        queue: asyncio.Queue[Message] = asyncio.Queue()
        for message in messages:
            queue.put_nowait(message)
        failures = [0]

        async def work() -> None:
            # one connection per sender for all its marks: a mark per message is the price of losing
            # nothing, so it costs one short transaction and nothing more (no checkout, no ping)
            async with self._engine.connect() as connection:
                marks = AsyncSession(bind=connection, expire_on_commit=False)
                while not queue.empty():
                    message = queue.get_nowait()
                    stopping = stop is not None and stop.is_set()
                    if stopping or self.monotonic() > deadline or failures[0] >= self.failures_in_a_row:
                        wait = self.dispatch.backoff_seconds if failures[0] >= self.failures_in_a_row else 0.0
                        await self._release(marks, message.rows, done, wait)
                        continue
                    result = await self._deliver(marks, message, done)
                    failing = (Result.FAILED, Result.FATAL, Result.UNCERTAIN)
                    failures[0] = failures[0] + 1 if result in failing else 0
                await marks.close()

        ended = await asyncio.gather(*(work() for _ in range(max(1, self.dispatch.in_flight))), return_exceptions=True)
        for outcome in ended:  # rows left claimed by a failed sender are sent again once the claim expires
            if isinstance(outcome, BaseException):
                raise outcome
        return done

    async def _plan(self, rows: list[Claimed], done: Drained) -> list[Message]:
        """Merge the claimed rows into messages: one per official (or per given chat)."""
        channels = self.sender.channels
        if any("snoozed" in row.context for row in rows):  # a snoozed reminder of a task done since: dropped
            async with self.sessions() as session, session.begin():
                settled = await claims.settled(session, rows, self.worker)
            rows, done.skipped = [row for row in rows if row.id not in settled], done.skipped + len(settled)
        skipped: list[int] = []
        by_chat: dict[tuple[str, str], list[Claimed]] = {}
        by_official: dict[int, list[Claimed]] = {}
        for row in rows:
            if row.channel and row.chat_id:
                if row.channel in channels:
                    by_chat.setdefault((row.channel, row.chat_id), []).append(row)
                else:
                    skipped.append(row.id)
            elif row.official_id is not None:
                by_official.setdefault(row.official_id, []).append(row)
            else:
                skipped.append(row.id)
        if self.one_message_a_day and self.quiet is not None and by_official:
            now = self.clock.now().astimezone(self.quiet.tz)
            today = datetime.combine(now.date(), time_of_day(0), self.quiet.tz)
            morning = self.quiet.morning_after(now.date(), self.morning or self.quiet.end)
            async with self.sessions() as session, session.begin():
                held = await claims.one_a_day(session, by_official, self.worker, today, morning, ALWAYS_SENT)
            done.deferred += held
        now = self.clock.now()
        async with self.sessions() as session:
            found = await claims.chats(session, by_official, channels)
            routed = await self.oa.route(session, now, found, by_official, channels) if self.oa else {}
            languages = await claims.languages(
                session, [r.official_id for g in by_chat.values() for r in g if r.official_id]
            )
        messages: list[Message] = []
        waiting: dict[datetime, list[int]] = {}
        for official_id, group in by_official.items():
            route = routed.get(official_id)
            if route is not None:  # on the Zalo OA: its window, ZNS, another channel, or waiting
                messages.extend(self._message(chat, official_id, rows_) for chat, rows_ in route.messages)
                waiting.setdefault(route.until or now + RECHECK, []).extend(row.id for row in route.waiting)
                continue
            chat = found.get(official_id)
            if chat is None:
                skipped.extend(row.id for row in group)
                continue
            messages.append(self._message(chat, official_id, group))
        for (channel, chat_id), group in by_chat.items():
            whose = group[0].official_id
            lang = languages.get(whose or 0, self.default_language)
            messages.append(self._message(Chat(None, channel, chat_id, lang), whose, group))
        if skipped:
            async with self.sessions() as session, session.begin():
                await claims.mark(session, skipped, self.worker, OutboxStatus.SKIPPED, last_error="no usable chat")
            done.skipped += len(skipped)
        if any(waiting.values()):  # pending still: sent when the official writes on the OA, or another route opens
            async with self.sessions() as session, session.begin():
                for until, ids in ((u, i) for u, i in waiting.items() if i):
                    await claims.mark(
                        session, ids, self.worker, OutboxStatus.PENDING, not_before=until, last_error=WAITING
                    )
                    done.deferred += len(ids)
        return messages

    def _message(self, chat: Chat, official_id: int | None, rows: list[Claimed]) -> Message:
        items = tuple(Item(row.template, row.context, row.id) for row in rows)
        out = Outgoing(chat.channel, chat.chat_id, official_id, chat.language, items, chat.via)
        return Message(out, rows, chat.account_id)

    async def _deliver(self, marks: AsyncSession, message: Message, done: Drained) -> Result:
        out = message.out
        hold = getattr(self.sender, "hold_seconds", None)  # optional: see jobs.sender.Sender
        held = float(hold(out)) if hold is not None else 0.0
        if held > 0:  # the channel asks to keep this chat's pushes back (e.g. Zalo's budget runs low)
            await self._release(marks, message.rows, done, held)
            return Result.RETRY
        pace = self.paces.get(out.channel)
        if pace is not None:
            # this chat had its share, or its bot was refused (429) for longer than the next look at the
            # outbox: the rows wait, the others go on (a sender asleep through Zalo's five minutes would
            # hold every channel's messages behind it); a shorter pause is slept through
            paused = pace.paused_for(self._bot(out))
            chat_wait = max(pace.chat_wait(out.chat_id), paused if paused > self.dispatch.poll_seconds else 0.0)
            if chat_wait > 0:
                await self._release(marks, message.rows, done, chat_wait)
                return Result.RETRY
            wait = max(pace.reserve(out.chat_id), paused)
            if wait > 0:
                await self.sleep(wait)
        try:
            outcome = await self.sender.send(out)
        except Exception as exc:  # a sender must answer with an Outcome; a bug is a failed send
            log.exception("dispatcher: sender raised for chat %s", out.chat_id)
            outcome = Outcome.failed(f"{type(exc).__name__}: {exc}")
        if outcome.result is Result.RETRY and pace is not None:
            pace.pause(outcome.retry_after, self._bot(out))
        await self._record(marks, message, outcome, done)
        return outcome.result

    def _bot(self, out: Outgoing) -> str:
        """The bot ``out`` leaves through, under one name (``Sender.bot_of``, else ``Outgoing.via``)."""
        bot_of = getattr(self.sender, "bot_of", None)
        return str(bot_of(out)) if bot_of is not None else out.via

    # ---- marks --------------------------------------------------------------------------------------
    async def _record(self, session: AsyncSession, message: Message, outcome: Outcome, done: Drained) -> None:
        rows, ids, now = message.rows, [row.id for row in message.rows], self.clock.now()
        reason = outcome.reason[:1000]
        async with session.begin():
            await claims.quick_commit(session)
            if outcome.result is Result.SENT:
                await claims.mark(
                    session, ids, self.worker, OutboxStatus.SENT,
                    sent_at=now, attempts=claims.OUTBOX.c.attempts + 1, last_error="",
                )  # fmt: skip
                done.messages += 1
                done.sent += len(ids)
            elif outcome.result is Result.RETRY:
                until = now + timedelta(seconds=outcome.retry_after)
                for marked in (False, True):  # a row whose earlier send may have arrived keeps saying so
                    group = [row.id for row in rows if maybe_sent(row) is marked]
                    why_ = (MAYBE_SENT + reason)[:1000] if marked else reason
                    await claims.mark(
                        session, group, self.worker, OutboxStatus.PENDING, not_before=until, last_error=why_
                    )
                done.retried += len(ids)
            elif outcome.result is Result.BLOCKED:
                log.info("dispatcher: chat %s on %s is blocked (%s)", message.out.chat_id, message.out.channel, reason)
                if message.account_id is not None:  # back to the queue: another account of theirs, or skipped
                    await claims.block_account(session, message.account_id)
                    await claims.mark(
                        session, ids, self.worker, OutboxStatus.PENDING, not_before=now, last_error=reason
                    )
                else:
                    await claims.mark(session, ids, self.worker, OutboxStatus.SKIPPED, last_error=reason)
                done.blocked += len(ids)
            else:
                log.warning("dispatcher: send to chat %s failed: %s", message.out.chat_id, reason)
                fatal = outcome.result is Result.FATAL
                if outcome.result is Result.UNCERTAIN:  # one more try at most: the first may have arrived
                    reason = (MAYBE_SENT + reason)[:1000]
                    fatal = any(maybe_sent(row) for row in rows)
                    if not fatal:
                        done.uncertain += len(rows)
                dead = [row for row in rows if fatal or row.attempts + 1 >= self.dispatch.max_attempts]
                dead_ids = {row.id for row in dead}
                for row in rows:
                    if row.id not in dead_ids:
                        until = now + timedelta(seconds=self.dispatch.backoff(row.attempts + 1))
                        kept = (
                            (MAYBE_SENT + reason)[:1000] if maybe_sent(row) and reason[:1] != MAYBE_SENT[:1] else reason
                        )
                        await claims.mark(
                            session, [row.id], self.worker, OutboxStatus.PENDING,
                            not_before=until, attempts=row.attempts + 1, last_error=kept,
                        )  # fmt: skip
                        done.failed += 1
                if dead:
                    await dead_letters(session, dead, self.worker, reason, now)
                    done.dead += len(dead)

    async def _release(self, session: AsyncSession, rows: list[Claimed], done: Drained, wait: float) -> None:
        """Give the rows back unsent (no attempt counted), due again after ``wait`` seconds."""
        until = self.clock.now() + timedelta(seconds=wait)
        async with session.begin():
            await claims.mark(session, [r.id for r in rows], self.worker, OutboxStatus.PENDING, not_before=until)
        if wait > 0:
            done.deferred += len(rows)
        else:
            done.released += len(rows)
