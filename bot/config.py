"""Configuration: one TOML file, validated once at start-up into a typed object that is passed down.

Every setting is documented in ``config.example.toml``. Secrets (tokens, the database URL) can come from
the environment instead of the file. A bad file stops start-up with one line naming the key.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, get_args, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENT = {
    "CCHC_DATABASE_URL": ("database", "url"),
    "CCHC_TELEGRAM_TOKEN": ("telegram", "token"),
    "CCHC_TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "CCHC_ZALO_TOKEN": ("zalo", "token"),
    "CCHC_ZALO_WEBHOOK_SECRET": ("zalo", "webhook_secret"),
}


class ConfigError(Exception):
    """The configuration is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite+aiosqlite:///var/cchc.db"
    echo: bool = False
    messages_at_once: int = 2  # messages in their database transaction at the same time, per process


@dataclass(frozen=True)
class BotConfig:
    default_language: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    due_soon_days: int = 30
    invite_ttl_hours: int = 72
    page_size: int = 10
    log_level: str = "INFO"
    load_demo_when_empty: bool = True

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""
    mode: str = "polling"  # polling | webhook
    base_url: str = ""  # empty: the public Bot API; set for a local Bot API server
    bot_username: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_public_url: str = ""
    webhook_path: str = "/telegram"
    webhook_secret: str = ""
    webhook_max_connections: int = 100  # open at once; more close the slowest (bot/webhooks.py)
    webhook_header_seconds: int = 5  # a request's line and headers must arrive within this
    webhook_body_seconds: int = 10  # a request's body must arrive within this


@dataclass(frozen=True)
class ZaloConfig:
    """The Zalo Bot API channel (bot/zalo/, docs/ZALO.md)."""

    token: str = ""
    mode: str = "polling"  # polling | webhook
    base_url: str = "https://bot-api.zaloplatforms.com"
    poll_timeout: int = 30  # seconds one getUpdates call may wait for an update
    min_poll_interval_ms: int = 1000  # at least this long between two getUpdates calls
    markdown: bool = False  # send with parse_mode "markdown" (falls back to plain text when refused)
    public_image_url: str = ""  # where image_dir is served over public HTTPS; empty: charts are not sent
    image_dir: str = "var/zalo-images"  # charts are saved here as PNG files for Zalo to fetch
    groups: bool = False  # answer in group chats (Beta on Zalo): only messages that mention the bot
    group_allow: list[str] = field(default_factory=list)  # group chat ids allowed; empty: none
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8444
    webhook_public_url: str = ""
    webhook_path: str = "/zalo"
    webhook_secret: str = ""
    webhook_max_connections: int = 100  # open at once; more close the slowest (bot/webhooks.py)
    webhook_header_seconds: int = 5  # a request's line and headers must arrive within this
    webhook_body_seconds: int = 10  # a request's body must arrive within this
    monthly_budget: int = 3000  # messages a month the plan allows (the free plan: about 3,000)
    budget_warn_percent: int = 80  # past this share of the budget, admins are warned and pushes merged harder
    budget_file: str = "var/zalo-budget.json"  # where the month's count is kept; empty: in memory only


@dataclass(frozen=True)
class RemindersConfig:
    offsets_days: list[int] = field(default_factory=lambda: [7, 3, 1, 0])
    overdue_daily: bool = True
    escalate_after_days: int = 7
    quiet_start: str = "21:00"
    quiet_end: str = "07:00"
    weekends: bool = False


@dataclass(frozen=True)
class ScheduleConfig:
    """When the push jobs run (cron expressions in [bot].timezone; "" switches a job off) and the push
    rules that are not [reminders]. Owned by jobs/scheduler.py; the job names are those of jobs.due.JOBS."""

    enabled: bool = True
    reminders: str = "0 8 * * *"  # deadline reminders, overdue notices, escalations
    digests: str = "30 7 * * mon"  # weekly digest to unit heads: the week ahead
    leader_digests: str = "0 16 * * fri"  # weekly digest to provincial leaders: the week's changes
    drives: str = "0 9 * * *"  # drive start, weekly standings, milestones, final result
    quarterly: str = "15 8 * * *"  # the reminder before each quarterly review
    quarterly_days_before: int = 7  # remind this many days before the quarter ends
    drive_days_left: list[int] = field(default_factory=lambda: [30, 7, 1])  # drive milestones besides half-way
    catch_up_days: int = 1  # a one-off push missed while the bot was down is still sent this many days late
    catch_up_minutes: int = 120  # a job whose time passed this recently when the scheduler starts runs at once


_ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")
SCHEDULE_JOBS = ("reminders", "digests", "leader_digests", "drives", "quarterly")


@dataclass(frozen=True)
class DispatchConfig:
    """How the outbox is drained. Owned by jobs/dispatcher.py."""

    enabled: bool = True
    max_attempts: int = 8  # then the row is dead-lettered and the admins are told
    batch_size: int = 200  # rows claimed at once
    poll_seconds: int = 5  # how often an idle dispatcher looks for due pushes
    claim_seconds: int = 300  # a claim not finished by then (a crashed process) is taken over
    backoff_seconds: int = 60  # first retry after a failed send; doubled each time
    max_backoff_seconds: int = 3600
    in_flight: int = 1  # sends under way at once per process; a crash may duplicate each of them
    telegram_per_second: int = 30
    telegram_chat_per_second: int = 1
    telegram_group_per_minute: int = 20
    zalo_per_second: int = 5
    zalo_chat_per_minute: int = 30
    lease_seconds: int = 30  # the scheduler lease: another process takes over this long after the holder dies


@dataclass(frozen=True)
class ConsoleConfig:
    account: str = "chair"  # which demo official the console chat speaks as


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    zalo: ZaloConfig = field(default_factory=ZaloConfig)
    reminders: RemindersConfig = field(default_factory=RemindersConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    dispatch: DispatchConfig = field(default_factory=DispatchConfig)
    console: ConsoleConfig = field(default_factory=ConsoleConfig)
    source: str = "(defaults)"


CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("bot", "default_language"): ("vi", "en"),
    ("bot", "log_level"): ("DEBUG", "INFO", "WARNING", "ERROR"),
    ("telegram", "mode"): ("polling", "webhook"),
    ("zalo", "mode"): ("polling", "webhook"),
}


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read ``path`` (or the defaults when None), apply environment overrides, validate."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    source = "(defaults)"
    if path is not None:
        source = str(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"{source}: file not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    for variable, (section, key) in ENVIRONMENT.items():
        if environ.get(variable):
            raw.setdefault(section, {})
            if not isinstance(raw[section], dict):
                raise ConfigError(f"{source}: [{section}] must be a table")
            raw[section][key] = environ[variable]
    sections: dict[str, Any] = {}
    hints = get_type_hints(Config)
    for name, value in raw.items():
        if name not in hints or name == "source":
            raise ConfigError(f"{source}: unknown section [{name}]")
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: [{name}] must be a table")
        sections[name] = _section(source, name, hints[name], value)
    config = Config(**sections, source=source)
    _check(config)
    return config


def _section(source: str, name: str, cls: type[Any], values: dict[str, Any]) -> Any:
    hints = get_type_hints(cls)
    for key, value in values.items():
        if key not in hints:
            known = ", ".join(sorted(hints))
            raise ConfigError(f"{source}: unknown key [{name}].{key} (known: {known})")
        expected = hints[key]
        if not _fits(value, expected):
            raise ConfigError(f"{source}: [{name}].{key} must be {_describe(expected)}, got {value!r}")
        allowed = CHOICES.get((name, key))
        if allowed and value not in allowed:
            raise ConfigError(f"{source}: [{name}].{key} must be one of {', '.join(allowed)}, got {value!r}")
    return cls(**values)


def _fits(value: Any, expected: Any) -> bool:
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is str:
        return isinstance(value, str)
    args = get_args(expected)
    if args and isinstance(value, list):
        return all(_fits(item, args[0]) for item in value)
    return False


def _describe(expected: Any) -> str:
    names = {bool: "true or false", int: "a whole number", str: "a string"}
    if expected in names:
        return names[expected]
    plural = {bool: "true/false values", int: "whole numbers", str: "strings"}
    return f"a list of {plural.get(get_args(expected)[0], 'values')}"


def _check(config: Config) -> None:
    src = config.source
    try:
        ZoneInfo(config.bot.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{src}: [bot].timezone {config.bot.timezone!r} is not a known time zone") from exc
    for key in ("due_soon_days", "invite_ttl_hours", "page_size"):
        if getattr(config.bot, key) < (1 if key != "due_soon_days" else 0):
            raise ConfigError(f"{src}: [bot].{key} is too small: {getattr(config.bot, key)}")
    if config.database.messages_at_once < 1:
        at_once = config.database.messages_at_once
        raise ConfigError(f"{src}: [database].messages_at_once must be 1 or more, got {at_once}")
    if not config.database.url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ConfigError(f"{src}: [database].url must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
    for key in ("quiet_start", "quiet_end"):
        try:
            time.fromisoformat(getattr(config.reminders, key))
        except ValueError as exc:
            raise ConfigError(
                f"{src}: [reminders].{key} must be HH:MM, got {getattr(config.reminders, key)!r}"
            ) from exc
    if any(day < 0 for day in config.reminders.offsets_days):
        raise ConfigError(f"{src}: [reminders].offsets_days must be days before the deadline (0 or more)")
    _check_dispatch(config)
    _check_schedule(config)
    tg = config.telegram
    if tg.mode == "webhook" and tg.token and not (tg.webhook_public_url and tg.webhook_secret):
        raise ConfigError(f"{src}: [telegram] webhook mode needs webhook_public_url and webhook_secret")
    _check_zalo(config)
    for section in ("telegram", "zalo"):  # the webhook server's limits (bot/webhooks.py)
        for key in ("webhook_max_connections", "webhook_header_seconds", "webhook_body_seconds"):
            if (value := getattr(getattr(config, section), key)) < 1:
                raise ConfigError(f"{src}: [{section}].{key} must be 1 or more, got {value}")


def _check_zalo(config: Config) -> None:
    zalo, src = config.zalo, config.source
    if not zalo.base_url.startswith(("https://", "http://")):
        raise ConfigError(f"{src}: [zalo].base_url must start with https:// or http://, got {zalo.base_url!r}")
    if not 1 <= zalo.poll_timeout <= 60:
        raise ConfigError(f"{src}: [zalo].poll_timeout must be 1 to 60 seconds, got {zalo.poll_timeout}")
    if zalo.min_poll_interval_ms < 0:
        raise ConfigError(f"{src}: [zalo].min_poll_interval_ms must be 0 or more, got {zalo.min_poll_interval_ms}")
    if zalo.public_image_url and not zalo.public_image_url.startswith(("https://", "http://")):
        raise ConfigError(f"{src}: [zalo].public_image_url must be an http(s) URL, got {zalo.public_image_url!r}")
    if zalo.public_image_url and not zalo.image_dir:
        raise ConfigError(f"{src}: [zalo].image_dir must name a folder when public_image_url is set")
    if not 1 <= zalo.webhook_port <= 65535:
        raise ConfigError(f"{src}: [zalo].webhook_port must be 1 to 65535, got {zalo.webhook_port}")
    if not zalo.webhook_path.startswith("/"):
        raise ConfigError(f"{src}: [zalo].webhook_path must start with /, got {zalo.webhook_path!r}")
    if zalo.webhook_secret and not _ZALO_SECRET.fullmatch(zalo.webhook_secret):
        raise ConfigError(f"{src}: [zalo].webhook_secret must be 8 to 256 letters, digits, _ or -")
    if zalo.mode == "webhook" and zalo.token and not (zalo.webhook_public_url and zalo.webhook_secret):
        raise ConfigError(f"{src}: [zalo] webhook mode needs webhook_public_url and webhook_secret")
    if zalo.webhook_public_url and not zalo.webhook_public_url.startswith("https://"):
        raise ConfigError(f"{src}: [zalo].webhook_public_url must be an https:// URL (Zalo calls only HTTPS)")
    if zalo.monthly_budget < 1:
        raise ConfigError(f"{src}: [zalo].monthly_budget must be 1 or more, got {zalo.monthly_budget}")
    if not 1 <= zalo.budget_warn_percent <= 100:
        raise ConfigError(f"{src}: [zalo].budget_warn_percent must be 1 to 100, got {zalo.budget_warn_percent}")
    if any(not group for group in zalo.group_allow):
        raise ConfigError(f"{src}: [zalo].group_allow must list group chat ids (non-empty strings)")


def _check_schedule(config: Config) -> None:
    from apscheduler.triggers.cron import CronTrigger

    schedule, src = config.schedule, config.source
    for key in SCHEDULE_JOBS:
        line = getattr(schedule, key)
        if not line:
            continue  # switched off
        fields = line.split()
        if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
            raise ConfigError(f"{src}: [schedule].{key} must name weekdays (mon-sun), not number them: {line!r}")
        try:
            CronTrigger.from_crontab(line, timezone=config.bot.tz)
        except ValueError as exc:
            raise ConfigError(
                f"{src}: [schedule].{key} must be a cron line (minute hour day month weekday), got {line!r}: {exc}"
            ) from exc
    for key in ("quarterly_days_before", "catch_up_days", "catch_up_minutes"):
        if getattr(schedule, key) < 0:
            raise ConfigError(f"{src}: [schedule].{key} must be 0 or more, got {getattr(schedule, key)}")
    if any(day < 1 for day in schedule.drive_days_left):
        raise ConfigError(f"{src}: [schedule].drive_days_left must be days before a drive ends (1 or more)")


def _check_dispatch(config: Config) -> None:
    dispatch = config.dispatch
    for key in (f.name for f in dataclasses.fields(dispatch)):
        value = getattr(dispatch, key)
        if not isinstance(value, bool) and value < 1:
            raise ConfigError(f"{config.source}: [dispatch].{key} must be 1 or more, got {value}")
    if dispatch.max_backoff_seconds < dispatch.backoff_seconds:
        raise ConfigError(f"{config.source}: [dispatch].max_backoff_seconds must be at least backoff_seconds")
    if dispatch.claim_seconds < 2 * dispatch.poll_seconds:
        raise ConfigError(f"{config.source}: [dispatch].claim_seconds must be at least twice poll_seconds")
    if dispatch.lease_seconds < 3:
        raise ConfigError(f"{config.source}: [dispatch].lease_seconds must be 3 or more, got {dispatch.lease_seconds}")


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
    """A copy of ``config`` with some keys of one section changed (for the CLI's flags and tests)."""
    updated = dataclasses.replace(getattr(config, section), **changes)
    return dataclasses.replace(config, **{section: updated})
