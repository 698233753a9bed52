"""Several Zalo bots (issue 21 point 3, ``models/settings_zalo.py``): how many officials each bot carries,
whether a bot has room for one more, and the month's message count each bot's budget file holds; what
``/start`` on a full bot, ``/nhacnho`` and ``cchc-bot zalo bots`` read.

An official counts against the bot their Zalo account is bound to (``ChatAccount.bot``; ``""`` and
``"default"``: the first bot) while they are active; an account bound to a bot no longer configured counts
against none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.settings_zalo import DEFAULT_BOT, ZaloBot
from models.units import ChatAccount, Official

CHANNEL = "zalo"


@dataclass(frozen=True)
class BotLoad:
    """One bot as admins see it: officials on it of ``max_users``, messages this month of ``budget``
    (``used`` None: not counted in a file this process can read)."""

    name: str
    link: str
    users: int
    max_users: int
    used: int | None
    budget: int

    @property
    def full(self) -> bool:
        return self.users >= self.max_users


async def bot_users(session: AsyncSession, bots: Sequence[ZaloBot]) -> dict[str, int]:
    """Active officials with a Zalo account on each bot, by bot name (every bot named, 0 when none)."""
    counts = dict.fromkeys((bot.name for bot in bots), 0)
    if not bots:
        return counts
    rows = await session.execute(
        select(ChatAccount.bot, func.count(func.distinct(ChatAccount.official_id)))
        .join(Official, Official.id == ChatAccount.official_id)
        .where(ChatAccount.channel == CHANNEL, Official.active.is_(True))
        .group_by(ChatAccount.bot)
    )
    first = bots[0].name
    for name, n in rows:
        key = name if name in counts else first if name in ("", DEFAULT_BOT) else None
        if key is not None:
            counts[key] += int(n)
    return counts


def month_used(path: str, month: str) -> int | None:
    """Messages counted in ``month`` ("2026-12") by the budget file at ``path`` (``bot/zalo/push_sender.Budget``
    writes it): 0 when it holds an earlier month or does not exist yet; None when there is no file to read
    (``budget_file = ""``: counted in memory only) or it cannot be read."""
    if not path:
        return None
    file = Path(path)
    if not file.exists():
        return 0
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return int(data["used"]) if str(data["month"]) == month else 0
    except (OSError, ValueError, KeyError, TypeError):
        return None


async def bot_loads(session: AsyncSession, bots: Sequence[ZaloBot], month: str) -> list[BotLoad]:
    """Each bot's officials and messages this month, in the configuration's order."""
    users = await bot_users(session, bots)
    return [
        BotLoad(
            bot.name, bot.link, users[bot.name], bot.max_users, month_used(bot.budget_file, month), bot.monthly_budget
        )
        for bot in bots
    ]


async def full_here(session: AsyncSession, bots: Sequence[ZaloBot], here: ZaloBot) -> list[ZaloBot] | None:
    """None when the bot ``here`` has room for one more official; else the other bots that have (maybe none)."""
    users = await bot_users(session, bots)
    if users.get(here.name, 0) < here.max_users:
        return None
    return [bot for bot in bots if bot.name != here.name and users[bot.name] < bot.max_users]
