"""Several Zalo bots (issue 21 point 3): the ``[[zalo.bots]]`` entries of the ``[zalo]`` section, and the one
list of bots the channel runs (``ZaloBot``), the single ``[zalo] token`` being the first, named "default".

The free plan allows about 50 users per bot and 3,000 messages a month (docs/ZALO.md §7): a province with
hundreds of officials runs several bots, each with its own token, webhook path and secret, message budget
(``budget_file``, one file per bot) and cap on registered officials (``max_users``). An official is bound to the
bot they registered on (``ChatAccount.bot``); a name stored before there were several bots (``""`` or
``"default"``) means the first bot. A part of ``models/settings.py`` kept apart for size, under the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, field_validator

from models import settings_checks as check
from models.settings_base import Section

if TYPE_CHECKING:
    from models.settings import ZaloConfig

DEFAULT_BOT = "default"  # the name of the bot of ``[zalo] token``
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
Budget = Annotated[int, Field(ge=1, le=10_000_000)]
MaxUsers = Annotated[int, Field(ge=1, le=100_000)]


class ZaloBotConfig(Section):
    """One ``[[zalo.bots]]`` entry: a bot of its own (a token from Zalo Bot Creator)."""

    name: str  # how admins and officials call it (lower-case letters, digits, - and _), e.g. "huyen-a"
    token: str
    webhook_secret: str = ""  # empty: [zalo].webhook_secret
    webhook_path: str = ""  # empty: <[zalo].webhook_path>/<name>
    monthly_budget: Budget = 3000
    max_users: MaxUsers = 50  # officials registered on it at most; then /start is pointed to another bot
    link: str = ""  # where an official finds this bot (its Zalo link or QR page), named when another bot is full
    budget_file: str = ""  # empty: [zalo].budget_file with "-<name>" before its suffix

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check.matching(_NAME, value or " ", "zalo_bot_name")

    @field_validator("token")
    @classmethod
    def _token(cls, value: str) -> str:
        if not value.strip():
            raise check.bad("zalo_bot_token")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        return check.matching(check.ZALO_SECRET, value, "secret", low=8, high=256)

    @field_validator("webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        return check.matching(check.PATH, value, "webhook_path")

    @field_validator("link")
    @classmethod
    def _link(cls, value: str) -> str:
        return check.url(value, https_only=False)


@dataclass(frozen=True)
class ZaloBot:
    """A bot as the channel runs it: every key resolved (``ZaloConfig.all_bots``). ``repr`` hides the token."""

    name: str
    token: str
    webhook_secret: str
    webhook_path: str
    monthly_budget: int
    max_users: int
    link: str
    budget_file: str

    def __repr__(self) -> str:
        return f"ZaloBot({self.name!r}, path={self.webhook_path!r}, max_users={self.max_users})"


def budget_file_of(shared: str, name: str) -> str:
    """``var/zalo-budget.json`` -> ``var/zalo-budget-<name>.json`` (empty stays empty: counted in memory)."""
    if not shared:
        return ""
    path = PurePath(shared)
    return str(path.with_name(f"{path.stem}-{name}{path.suffix}"))


def all_bots(zalo: ZaloConfig) -> tuple[ZaloBot, ...]:
    """Every bot ``[zalo]`` runs, the single ``token``'s first (named ``DEFAULT_BOT``)."""
    path = "/" + zalo.webhook_path.strip("/")
    found: list[ZaloBot] = []
    if zalo.token:
        found.append(
            ZaloBot(
                DEFAULT_BOT,
                zalo.token,
                zalo.webhook_secret,
                path,
                zalo.monthly_budget,
                zalo.max_users,
                zalo.link,
                zalo.budget_file,
            )
        )
    for bot in zalo.bots:
        found.append(
            ZaloBot(
                bot.name,
                bot.token,
                bot.webhook_secret or zalo.webhook_secret,
                "/" + (bot.webhook_path or f"{path.rstrip('/')}/{bot.name}").strip("/"),
                bot.monthly_budget,
                bot.max_users,
                bot.link,
                bot.budget_file or budget_file_of(zalo.budget_file, bot.name),
            )
        )
    return tuple(found)


def bot_named(zalo: ZaloConfig, name: str) -> ZaloBot | None:
    """The bot an account is bound to: ``""`` and ``"default"`` are the first bot; an unknown name None."""
    bots = all_bots(zalo)
    for bot in bots:
        if bot.name == name:
            return bot
    return bots[0] if bots and name in ("", DEFAULT_BOT) else None


def check_bots(zalo: ZaloConfig) -> None:
    """Names and tokens unique; in webhook mode each bot has a secret and a path of its own. The error
    names the sentence (``templates/cli/config_error.j2``), never a token."""
    bots = all_bots(zalo)
    names = [bot.name for bot in bots]
    if len(set(names)) != len(names):
        raise check.needs("bots", "zalo_bot_names")
    if len({bot.token for bot in bots}) != len(bots):
        raise check.needs("bots", "zalo_bot_tokens")
    if zalo.mode == "webhook" and zalo.bots:
        if not zalo.webhook_public_url or not all(bot.webhook_secret for bot in bots):
            raise check.needs("bots", "zalo_bots_webhook")
        if len({bot.webhook_path for bot in bots}) != len(bots):
            raise check.needs("bots", "zalo_bot_paths")
