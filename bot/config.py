"""Configuration: one TOML file, validated once at start-up into a typed object that is passed down.

Every setting is declared once below with its type and its range (pydantic models: strict, frozen,
unknown keys refused) and documented in ``config.example.toml``. Secrets (tokens, webhook secrets, the
database URL) can come from the environment instead of the file, and are validated like the file's
values. A bad file stops start-up with ONE line naming the key and what it may be (``bot/config_errors.py``
turns pydantic's errors into that line, from ``templates/<lang>/cli/config_error.j2``).

Why not pydantic-settings: the environment overrides are five named variables (``ENVIRONMENT``), read
from a mapping the tests pass in; mapping them onto sections would need a custom settings source, more
code than the five lines that apply them before validation.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.config_errors import ConfigError, from_validation

# Keys that moved to another section in a release: a file written for the earlier one still starts, with a
# warning naming the new place (a key also written at its new place keeps that value).
MOVED = {
    ("dispatch", "telegram_per_second"): ("telegram", "per_second"),
    ("dispatch", "telegram_chat_per_second"): ("telegram", "chat_per_second"),
    ("dispatch", "telegram_group_per_minute"): ("telegram", "group_per_minute"),
    ("dispatch", "zalo_per_second"): ("zalo", "per_second"),
    ("dispatch", "zalo_chat_per_minute"): ("zalo", "chat_per_minute"),
}
ENVIRONMENT = {
    "CCHC_DATABASE_URL": ("database", "url"),
    "CCHC_TELEGRAM_TOKEN": ("telegram", "token"),
    "CCHC_TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "CCHC_ZALO_TOKEN": ("zalo", "token"),
    "CCHC_ZALO_WEBHOOK_SECRET": ("zalo", "webhook_secret"),
}
SCHEDULE_JOBS = ("reminders", "digests", "leader_digests", "drives", "quarterly")
log = logging.getLogger(__name__)
__all__ = ["SCHEDULE_JOBS", "Config", "ConfigError", "find_config_file", "load", "replace"]

# Ranges used by several keys. Every number has an upper bound: a value past it is a typo, and would
# fail much later (an OverflowError in a date, a reminder job looping for minutes).
Port = Annotated[int, Field(ge=1, le=65535)]
Days = Annotated[int, Field(ge=0, le=366)]
PerSecond = Annotated[int, Field(ge=1, le=1000)]
Seconds = Annotated[int, Field(ge=1, le=86400)]
Connections = Annotated[int, Field(ge=1, le=10_000)]  # webhook connections open at once (bot/webhooks.py)
Deadline = Annotated[int, Field(ge=1, le=300)]  # seconds a webhook request's headers or body may take
OffsetDays = Annotated[list[Days], Field(max_length=10)]
DaysLeft = Annotated[list[Annotated[int, Field(ge=1, le=366)]], Field(max_length=10)]
GroupIds = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=1000)]

_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook's secret_token accepts
_ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")
_PATH = re.compile(r"/[A-Za-z0-9._~/-]{0,200}")
_TELEGRAM_PATH = re.compile(r"/?[A-Za-z0-9._~/-]{1,200}")  # the leading / is added when missing (webhook_url)
_HOST = re.compile(r"[A-Za-z0-9.:_\[\]-]{1,253}")
_USERNAME = re.compile(r"@?[A-Za-z0-9_]{0,64}")


def _bad(kind: str, **context: Any) -> PydanticCustomError:
    """An error whose ``kind`` names the sentence of ``templates/<lang>/cli/config_error.j2``."""
    return PydanticCustomError(kind, kind, context)


def _url(value: str, *, https_only: bool, empty: bool = True) -> str:
    if (empty and not value) or value.startswith("https://"):
        return value
    if https_only:
        raise _bad("https_url")
    if not value.startswith("http://"):
        raise _bad("http_url")
    return value


def _matching(pattern: re.Pattern[str], value: str, kind: str, **context: Any) -> str:
    if value and not pattern.fullmatch(value):
        raise _bad(kind, **context)
    return value


def _needs(key: str, kind: str = "webhook_needs") -> PydanticCustomError:
    return _bad(kind, key=key)


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class DatabaseConfig(Section):
    url: str = "sqlite+aiosqlite:///var/cchc.db"
    echo: bool = False
    messages_at_once: Annotated[int, Field(ge=1, le=64)] = 2  # messages in their transaction at once, per process
    lock_timeout_seconds: Annotated[int, Field(ge=1, le=600)] = 30  # SQLite: a write waits this long for a lock

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise _bad("database_url")
        try:
            make_url(value)  # a port that is no number, a broken host
        except (ArgumentError, ValueError):
            raise _bad("database_url") from None
        return value


class BotConfig(Section):
    default_language: Literal["vi", "en"] = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    due_soon_days: Days = 30
    invite_ttl_hours: Annotated[int, Field(ge=1, le=8760)] = 72
    page_size: Annotated[int, Field(ge=1, le=50)] = 10
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    load_demo_when_empty: bool = True

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise _bad("time_zone") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class WebhookSection(Section):
    """What the Telegram and Zalo channels share: a token, polling or a webhook, and the webhook
    server's address, secret and limits (``bot/webhooks.py``). A channel's section names its own
    path and secret rules."""

    PATH: ClassVar[re.Pattern[str]] = _PATH
    SECRET: ClassVar[tuple[re.Pattern[str], int]] = (_TELEGRAM_SECRET, 1)  # the pattern, its shortest length

    token: str = ""
    mode: Literal["polling", "webhook"] = "polling"
    webhook_listen: str = "127.0.0.1"
    webhook_public_url: str = ""  # Telegram and Zalo post only to HTTPS
    webhook_secret: str = ""
    webhook_max_connections: Connections = 100  # open at once; more close the slowest (bot/webhooks.py)
    webhook_header_seconds: Deadline = 5  # a request's line and headers must arrive within this
    webhook_body_seconds: Deadline = 10  # a request's body must arrive within this

    @field_validator("webhook_public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        return _url(value, https_only=True)

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        return _matching(_HOST, value or " ", "listen")

    @field_validator("webhook_path", check_fields=False)
    @classmethod
    def _path(cls, value: str) -> str:
        return _matching(cls.PATH, value or " ", "webhook_path")

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        pattern, low = cls.SECRET
        return _matching(pattern, value, "secret", low=low, high=256)

    @model_validator(mode="after")
    def _webhook_mode(self) -> Self:
        if self.mode == "webhook" and self.token and not (self.webhook_public_url and self.webhook_secret):
            raise _needs("mode")
        return self


class TelegramConfig(WebhookSection):
    PATH: ClassVar[re.Pattern[str]] = _TELEGRAM_PATH
    SECRET: ClassVar[tuple[re.Pattern[str], int]] = (_TELEGRAM_SECRET, 1)  # what setWebhook's secret_token accepts

    base_url: str = ""  # empty: the public Bot API; set for a local Bot API server
    bot_username: str = ""
    webhook_port: Port = 8443
    webhook_path: str = "/telegram"
    # Telegram's flood limits, for replies and pushes alike (bot/telegram/limits.py, jobs/pacing.py)
    per_second: PerSecond = 30
    chat_per_second: Annotated[int, Field(ge=1, le=100)] = 1
    group_per_minute: PerSecond = 20

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return _url(value, https_only=False)

    @field_validator("bot_username")
    @classmethod
    def _username(cls, value: str) -> str:
        return _matching(_USERNAME, value, "username")


class ZaloConfig(WebhookSection):
    """The Zalo Bot API channel (bot/zalo/, docs/ZALO.md)."""

    PATH: ClassVar[re.Pattern[str]] = _PATH
    SECRET: ClassVar[tuple[re.Pattern[str], int]] = (_ZALO_SECRET, 8)

    base_url: str = "https://bot-api.zaloplatforms.com"
    poll_timeout: Annotated[int, Field(ge=1, le=60)] = 30  # seconds one getUpdates call may wait for an update
    min_poll_interval_ms: Annotated[int, Field(ge=0, le=60000)] = 1000  # at least this long between two getUpdates
    markdown: bool = False  # send with parse_mode "markdown" (falls back to plain text when refused)
    public_image_url: str = ""  # where image_dir is served over public HTTPS; empty: charts are not sent
    image_dir: str = "var/zalo-images"  # charts are saved here as PNG files for Zalo to fetch
    groups: bool = False  # answer in group chats (Beta on Zalo): only messages that mention the bot
    group_allow: GroupIds = Field(default_factory=list)  # group chat ids allowed; empty: none
    webhook_port: Port = 8444
    webhook_path: str = "/zalo"
    monthly_budget: Annotated[int, Field(ge=1, le=10_000_000)] = 3000  # messages a month the plan allows
    budget_warn_percent: Annotated[int, Field(ge=1, le=100)] = 80  # past this share, admins warned, pushes merged
    budget_file: str = "var/zalo-budget.json"  # where the month's count is kept; empty: in memory only
    per_second: PerSecond = 5  # Zalo publishes no rate: a cautious one
    chat_per_minute: PerSecond = 30

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return _url(value, https_only=False, empty=False)

    @field_validator("public_image_url")
    @classmethod
    def _image_url(cls, value: str) -> str:
        return _url(value, https_only=False)

    @model_validator(mode="after")
    def _image_dir(self) -> Self:
        if self.public_image_url and not self.image_dir:
            raise _needs("image_dir", "image_dir_needed")
        return self


class RemindersConfig(Section):
    offsets_days: OffsetDays = Field(default_factory=lambda: [7, 3, 1, 0])
    overdue_daily: bool = True
    escalate_after_days: Days = 7
    quiet_start: str = "21:00"
    quiet_end: str = "07:00"
    weekends: bool = False

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError:
            raise _bad("clock_time") from None
        return value


class ScheduleConfig(Section):
    """When the push jobs run (cron expressions in [bot].timezone; "" switches a job off) and the push
    rules that are not [reminders]. Owned by jobs/scheduler.py; the job names are those of jobs.due.JOBS."""

    enabled: bool = True
    reminders: str = "0 8 * * *"  # deadline reminders, overdue notices, escalations
    digests: str = "30 7 * * mon"  # weekly digest to unit heads: the week ahead
    leader_digests: str = "0 16 * * fri"  # weekly digest to provincial leaders: the week's changes
    drives: str = "0 9 * * *"  # drive start, weekly standings, milestones, final result
    quarterly: str = "15 8 * * *"  # the reminder before each quarterly review
    quarterly_days_before: Annotated[int, Field(ge=0, le=92)] = 7  # remind this many days before the quarter ends
    drive_days_left: DaysLeft = Field(default_factory=lambda: [30, 7, 1])  # drive milestones besides half-way
    catch_up_days: Annotated[int, Field(ge=0, le=31)] = 1  # a missed one-off push is still sent this many days late
    catch_up_minutes: Annotated[int, Field(ge=0, le=10080)] = 120  # a job this recently due runs at once at start

    @field_validator(*SCHEDULE_JOBS)
    @classmethod
    def _cron(cls, line: str) -> str:
        if not line:
            return line  # switched off
        from apscheduler.triggers.cron import CronTrigger

        fields = line.split()
        if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
            raise _bad("cron_weekdays")
        try:
            CronTrigger.from_crontab(line, timezone=ZoneInfo("UTC"))
        except ValueError as exc:
            raise _bad("cron", reason=str(exc)) from None
        return line


class DispatchConfig(Section):
    """How the outbox is drained. Owned by jobs/dispatcher.py."""

    enabled: bool = True
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 8  # then the row is dead-lettered and the admins are told
    batch_size: Annotated[int, Field(ge=1, le=10000)] = 200  # rows claimed at once
    poll_seconds: Annotated[int, Field(ge=1, le=3600)] = 5  # how often an idle dispatcher looks for due pushes
    claim_seconds: Seconds = 300  # a claim not finished by then (a crashed process) is taken over
    backoff_seconds: Seconds = 60  # first retry after a failed send; doubled each time
    max_backoff_seconds: Annotated[int, Field(ge=1, le=604800)] = 3600
    in_flight: Annotated[int, Field(ge=1, le=100)] = 1  # sends under way at once per process
    lease_seconds: Annotated[int, Field(ge=3, le=3600)] = 30  # another process takes over this long after a death

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.max_backoff_seconds < self.backoff_seconds:
            raise _needs("max_backoff_seconds", "backoff_order")
        if self.claim_seconds < 2 * self.poll_seconds:
            raise _needs("claim_seconds", "claim_vs_poll")
        return self


class ConsoleConfig(Section):
    account: Annotated[str, Field(min_length=1, max_length=64)] = "chair"  # the demo official the console speaks as


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    database: DatabaseConfig = DatabaseConfig()
    bot: BotConfig = BotConfig()
    telegram: TelegramConfig = TelegramConfig()
    zalo: ZaloConfig = ZaloConfig()
    reminders: RemindersConfig = RemindersConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    dispatch: DispatchConfig = DispatchConfig()
    console: ConsoleConfig = ConsoleConfig()
    source: str = "(defaults)"


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read ``path`` (or the defaults when None), apply environment overrides, validate."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    source = "(defaults)"
    if path is not None:
        source = str(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError("file_not_found", source) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("unreadable", source, reason=getattr(exc, "strerror", None) or str(exc)) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("not_toml", source, reason=str(exc)) from None
    lang = _language(raw)
    if "source" in raw:
        raise ConfigError("unknown_section", source, lang, key="[source]")
    _move_keys(raw, source, lang)
    for variable, (section, key) in ENVIRONMENT.items():
        if environ.get(variable):
            if not isinstance(raw.setdefault(section, {}), dict):
                raise ConfigError("not_a_table", source, lang, key=f"[{section}]")
            raw[section][key] = environ[variable]
    try:
        return Config.model_validate({**raw, "source": source})
    except ValidationError as exc:
        raise from_validation(exc, Config, source, lang, raw) from None


def _move_keys(raw: dict[str, Any], source: str, lang: str) -> None:
    """Rewrite the keys of ``MOVED`` to their new place, warning once for each."""
    for (old_section, old_key), (section, key) in MOVED.items():
        old = raw.get(old_section)
        if not isinstance(old, dict) or old_key not in old:
            continue
        value = old.pop(old_key)
        if not isinstance(raw.setdefault(section, {}), dict):
            raise ConfigError("not_a_table", source, lang, key=f"[{section}]")
        raw[section].setdefault(key, value)
        log.warning("%s: [%s].%s is now [%s].%s; please move it", source, old_section, old_key, section, key)


def _language(raw: Mapping[str, Any]) -> str:
    """The language of the configuration's own error lines: [bot].default_language when it reads as one."""
    bot = raw.get("bot")
    return "en" if isinstance(bot, dict) and bot.get("default_language") == "en" else "vi"


def find_config_file(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """``--config``, else $CCHC_CONFIG, else ./config.toml when it exists, else None (the defaults)."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get("CCHC_CONFIG"):
        return Path(environ["CCHC_CONFIG"])
    local = Path("config.toml")
    return local if local.exists() else None


def replace(config: Config, section: str, **changes: Any) -> Config:
    """A copy of ``config`` with some keys of one section changed (for the CLI's flags and tests; not
    validated again: tests point webhooks at local http:// fakes)."""
    updated = getattr(config, section).model_copy(update=changes)
    return config.model_copy(update={section: updated})
