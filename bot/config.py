"""Configuration: one TOML file, validated once at start-up into a typed object that is passed down.

Every setting is documented in ``config.example.toml``. Secrets (tokens, the database URL) can come from
the environment instead of the file. A bad file stops start-up with one line naming the key.
"""

from __future__ import annotations

import dataclasses
import os
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


@dataclass(frozen=True)
class ZaloConfig:
    token: str = ""
    mode: str = "polling"  # polling | webhook
    base_url: str = "https://bot-api.zapps.me"
    webhook_secret: str = ""


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
    """When the push jobs run (cron expressions in [bot].timezone). Owned by jobs/scheduler.py."""

    enabled: bool = True
    reminders: str = "0 8 * * *"  # deadline reminders, overdue notices, escalations


@dataclass(frozen=True)
class DispatchConfig:
    """How the outbox is drained. Owned by jobs/dispatcher.py."""

    enabled: bool = True
    max_attempts: int = 8  # then the row is dead-lettered and the admins are told


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
    tg = config.telegram
    if tg.mode == "webhook" and tg.token and not (tg.webhook_public_url and tg.webhook_secret):
        raise ConfigError(f"{src}: [telegram] webhook mode needs webhook_public_url and webhook_secret")


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
