"""Pushes on Zalo: a ``jobs.sender.Sender`` for the dispatcher, and the monthly message budget.

``ZaloPushSender.send`` renders the merged items as plain text (``bot.push_path.PushSender.render``), splits
them into ≤ 2,000-unit pieces and sends them. Zalo answers become outcomes: 429 "Quota exceeded" → retry
later (the dispatcher pauses Zalo), 401 → fatal (the token is refused), a failure after the request left
(a read timeout, a 5xx: Zalo may have delivered it) → uncertain (tried once more at most), anything else →
failed (retried with backoff). Every message the client sends counts against ``Budget`` (replies to users too: Zalo
counts every outbound message; the runner sets ``ZaloClient.on_sent`` to ``Budget.spend``).

The free plan allows about 3,000 messages a month (``[zalo].monthly_budget``). Past
``budget_warn_percent``: the admins are told once a month (a ``push/zalo_budget_low`` push through the
outbox), and ``hold_seconds(out)`` asks the dispatcher to hold an official's non-urgent pushes for up to
``HOLD_WHEN_LOW`` so that more of them go out merged in one message. Spent: pushes wait for next month.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import ZaloConfig
from bot.push_path import PushSender
from bot.render import Renderer
from bot.zalo.client import FailureKind, ZaloClient, ZaloError
from bot.zalo.send import split_text
from jobs.outbox import Push, enqueue
from jobs.sender import Outcome, Outgoing, Sender
from models import Clock
from models.queries.due import admins_of_channel
from models.settings import ZaloBot
from models.settings_zalo import DEFAULT_BOT

log = logging.getLogger(__name__)

CHANNEL = "zalo"
QUOTA_RETRY_SECONDS = 300.0  # Zalo gives no retry_after
HOLD_WHEN_LOW = 6 * 3600.0  # while the budget is low, a chat's pushes are held this long to be merged
URGENT = frozenset({"push/dead_letter", "push/zalo_budget_low"})
LOW_KIND = "zalo_budget_low"


@dataclass(frozen=True)
class BudgetState:
    month: str  # "2026-11"
    used: int
    budget: int
    warn_percent: int

    @property
    def left(self) -> int:
        return max(0, self.budget - self.used)

    @property
    def percent(self) -> int:
        return self.used * 100 // self.budget

    @property
    def low(self) -> bool:
        return self.used * 100 >= self.budget * self.warn_percent

    @property
    def spent(self) -> bool:
        return self.used >= self.budget


@dataclass
class Budget:
    """Messages sent on Zalo this month (in the process's clock zone), kept in a small JSON file so a
    restart does not forget them. One file per bot token; with several processes, point them all at one
    file on shared storage or accept a count per process (see docs/ZALO.md)."""

    budget: int
    warn_percent: int
    clock: Clock
    path: Path | None = None
    on_low: Callable[[BudgetState], Awaitable[None]] | None = None
    _month: str = ""
    _used: int = 0
    _warned: str = ""
    _loaded: bool = field(default=False, repr=False)

    def _this_month(self) -> str:
        return self.clock.now().strftime("%Y-%m")

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self._month, self._used, self._warned = str(data["month"]), int(data["used"]), str(data["warned"])
            except (ValueError, KeyError, TypeError):
                log.warning("Zalo budget file %s unreadable: counting from zero", self.path)

    def state(self) -> BudgetState:
        self._load()
        month = self._this_month()
        if month != self._month:
            self._month, self._used = month, 0
        return BudgetState(self._month, self._used, self.budget, self.warn_percent)

    async def spend(self, count: int = 1) -> BudgetState:
        """Count ``count`` messages sent; the first time the budget runs low this month, ``on_low``."""
        state = self.state()
        self._used += count
        state = BudgetState(self._month, self._used, self.budget, self.warn_percent)
        tell = state.low and self._warned != state.month
        if tell:
            self._warned = state.month
        self._save()
        if tell:
            log.warning("Zalo budget low: %d of %d messages sent in %s", state.used, state.budget, state.month)
            if self.on_low is not None:
                try:
                    await self.on_low(state)
                except Exception:
                    log.exception("could not warn the admins about the Zalo budget")
        return state

    def seconds_to_next_month(self) -> float:
        now = self.clock.now()
        year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
        first = now.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
        return max(60.0, (first - now).total_seconds())

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".part")
        partial.write_text(json.dumps({"month": self._month, "used": self._used, "warned": self._warned}))
        partial.replace(self.path)


def budget_warning(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, bot: str = ""
) -> Callable[[BudgetState], Awaitable[None]]:
    """``Budget.on_low``: a ``push/zalo_budget_low`` push to the active admins of the provinces that have
    officials on Zalo (the budget concerns them only), once a month for each bot (its dedupe key names the
    month and the bot, ``bot``: "" when there is one bot), delivered by the dispatcher on the admin's own
    channel."""

    async def warn(state: BudgetState) -> None:
        now = clock.now()
        context = {"month": state.month, "used": state.used, "budget": state.budget, "left": state.left,
                   "percent": state.percent, "bot": bot}  # fmt: skip
        which = f"{bot}:" if bot else ""
        async with sessions() as session, session.begin():
            admins = await admins_of_channel(session, CHANNEL)
            pushes = [
                Push(LOW_KIND, f"{LOW_KIND}:{state.month}:{which}official {admin}", admin, context, now, urgent=True)
                for admin in admins
            ]
            await enqueue(session, pushes)

    return warn


@dataclass(frozen=True)
class BotRoute:
    """One bot as the push sender uses it: its client and its month's budget."""

    client: ZaloClient
    budget: Budget


class ZaloPushSender:
    """A ``jobs.sender.Sender`` for the Zalo channel: each push goes through the bot its chat is bound to
    (``Outgoing.via``, the account's ``ChatAccount.bot``; "" and "default": the first bot, the one given
    first), counted against that bot's budget and held by it. ``bots``: the other bots, by name."""

    channels = frozenset({CHANNEL})

    def __init__(
        self, client: ZaloClient, renderer: Renderer, budget: Budget, bots: Mapping[str, BotRoute] | None = None
    ) -> None:
        self.client, self.budget = client, budget
        self.first = BotRoute(client, budget)
        self.bots = dict(bots or {})
        self._render = PushSender(renderer)
        self._held: dict[tuple[str, str], float] = {}  # (bot, chat) -> when its pushes were first held (monotonic)

    def route(self, out: Outgoing) -> BotRoute | None:
        """The bot ``out`` goes through: its chat's; None when that bot is not configured (any more)."""
        if out.via in self.bots:
            return self.bots[out.via]
        return self.first if out.via in ("", DEFAULT_BOT) else None

    def bot_of(self, out: Outgoing) -> str:
        """The name of the bot ``out`` goes through: "" and "default" are the first bot, which may also be
        named (``[[zalo.bots]]``); the dispatcher pauses a refused bot under this one name."""
        route = self.route(out)
        if route is None or out.via in self.bots:
            return out.via
        return next((name for name, other in self.bots.items() if other.client is route.client), DEFAULT_BOT)

    def hold_seconds(self, out: Outgoing) -> float:
        """How long the dispatcher should hold ``out`` before sending it (0: send now). While its bot's
        budget is low, a chat's non-urgent pushes are held up to ``HOLD_WHEN_LOW`` from the first one held,
        so that everything due in that time goes out as one merged message; once it is spent, until the
        next month (held, so that the other bots' pushes go on)."""
        route = self.route(out)
        if out.channel != CHANNEL or route is None or urgent(out):
            return 0.0
        state = route.budget.state()
        if state.spent:
            return route.budget.seconds_to_next_month()
        if not state.low:
            return 0.0
        now, key = time.monotonic(), (out.via, out.chat_id)
        first = self._held.setdefault(key, now)
        left = HOLD_WHEN_LOW - (now - first)
        if left <= 0:
            del self._held[key]
            return 0.0
        return left

    async def send(self, out: Outgoing) -> Outcome:
        if out.channel != CHANNEL:
            return Outcome.fatal(f"no {out.channel} channel in the Zalo sender")
        route = self.route(out)
        if route is None:  # an account of a bot taken out of the configuration: tried again, then dead
            return Outcome.failed(f"Zalo bot {out.via!r} is not configured in this process")
        state = route.budget.state()
        if state.spent and not urgent(out):
            return Outcome.retry(
                route.budget.seconds_to_next_month(), f"Zalo budget spent ({state.used} in {state.month})"
            )
        try:
            pieces = split_text(self._render.render(out, "text"))
        except Exception as exc:  # a template error: the push itself is wrong
            return Outcome.fatal(f"template: {type(exc).__name__}: {exc}")
        try:
            for piece in pieces:  # each piece sent is counted by its bot's budget (the client's on_sent)
                await route.client.send_message(out.chat_id, piece)
        except ZaloError as exc:
            if exc.kind is FailureKind.QUOTA:
                return Outcome.retry(QUOTA_RETRY_SECONDS, f"Zalo 429: {exc.description}")
            if exc.kind is FailureKind.FATAL:
                return Outcome.fatal(f"Zalo 401: {exc.description}")
            if exc.may_have_arrived:  # the dispatcher tries it once more at most
                return Outcome.uncertain(f"Zalo {exc.code or 'network'}: {exc.description}")
            return Outcome.failed(f"Zalo {exc.code or 'network'}: {exc.description}")
        self._held.pop((out.via, out.chat_id), None)
        return Outcome.sent()


def urgent(out: Outgoing) -> bool:
    return any(item.template in URGENT for item in out.items)


def budget_for(
    config: ZaloConfig, sessions: async_sessionmaker[AsyncSession], clock: Clock, bot: ZaloBot | None = None
) -> Budget:
    """The budget of one bot (the first when None): its ``monthly_budget``, kept in its ``budget_file``,
    warning the admins through the outbox (naming the bot when there are several)."""
    bots = config.all_bots()
    bot = bot or bots[0]
    path = Path(bot.budget_file) if bot.budget_file else None
    warn = budget_warning(sessions, clock, bot.name if len(bots) > 1 else "")
    return Budget(bot.monthly_budget, config.budget_warn_percent, clock, path, warn)


class Senders:
    """Several channel senders as the one ``jobs.sender.Sender`` a dispatcher takes, e.g.
    ``Senders(PushSender(renderer, telegram=bot), ZaloPushSender(...))``: each message goes to the sender
    of its channel; ``hold_seconds`` and ``bot_of`` are asked of the sender that has them."""

    def __init__(self, *senders: Sender) -> None:
        self.senders = senders

    @property
    def channels(self) -> frozenset[str]:
        return frozenset().union(*(sender.channels for sender in self.senders))

    def _for(self, out: Outgoing) -> Sender | None:
        return next((sender for sender in self.senders if out.channel in sender.channels), None)

    async def send(self, out: Outgoing) -> Outcome:
        sender = self._for(out)
        if sender is None:
            return Outcome.fatal(f"no {out.channel} channel in this process")
        return await sender.send(out)

    def hold_seconds(self, out: Outgoing) -> float:
        hold = getattr(self._for(out), "hold_seconds", None)
        return float(hold(out)) if hold is not None else 0.0

    def bot_of(self, out: Outgoing) -> str:
        bot_of = getattr(self._for(out), "bot_of", None)
        return str(bot_of(out)) if bot_of is not None else out.via
