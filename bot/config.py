"""Configuration: one TOML file, validated once at start-up into a typed object whose sections are handed
to each layer.

Every setting is declared once with its type and its range in ``models/settings.py`` (the schema every
layer may import; re-exported here for ``bot/``) and documented in ``config.example.toml``. This module
reads the file, moves the keys of an earlier release (``MOVED``) and applies the environment overrides
(``ENVIRONMENT``): secrets (tokens, webhook secrets, the database URL) can come from the environment
instead of the file, and are validated like the file's values. A bad file stops start-up with ONE line
naming the key and what it may be (``bot/config_errors.py`` turns pydantic's errors into that line, from
``templates/cli/config_error.j2``).

Why not pydantic-settings: the environment overrides are five named variables (``ENVIRONMENT``), read
from a mapping the tests pass in; mapping them onto sections would need a custom settings source, more
code than the five lines that apply them before validation.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config_errors import ConfigError, from_validation
from models.settings import SCHEDULE_JOBS, Config, TelegramConfig, ZaloConfig

# Keys that moved to another section in a release: a file written for the earlier one still starts, with a
# warning naming the new place (a key also written at its new place keeps that value).
MOVED = {
    ("dispatch", "telegram_per_second"): ("telegram", "per_second"),
    ("dispatch", "telegram_chat_per_second"): ("telegram", "chat_per_second"),
    ("dispatch", "telegram_group_per_minute"): ("telegram", "group_per_minute"),
    ("dispatch", "zalo_per_second"): ("zalo", "per_second"),
    ("dispatch", "zalo_chat_per_minute"): ("zalo", "chat_per_minute"),
}
# Secrets the environment may set instead of the file (the environment wins); a bad one is never repeated.
ENVIRONMENT = {
    "CCHC_DATABASE_URL": ("database", "url"),
    "CCHC_TELEGRAM_TOKEN": ("telegram", "token"),
    "CCHC_TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "CCHC_ZALO_TOKEN": ("zalo", "token"),
    "CCHC_ZALO_WEBHOOK_SECRET": ("zalo", "webhook_secret"),
    "CCHC_ZALO_OA_APP_SECRET": ("zalo_oa", "app_secret"),
    "CCHC_ZALO_OA_SECRET_KEY": ("zalo_oa", "oa_secret_key"),
    "CCHC_ZALO_OA_REFRESH_TOKEN": ("zalo_oa", "refresh_token"),
}
log = logging.getLogger(__name__)
__all__ = [
    "SCHEDULE_JOBS",
    "Config",
    "ConfigError",
    "TelegramConfig",
    "ZaloConfig",
    "find_config_file",
    "load",
    "replace",
]


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
        raise from_validation(exc, Config, source, lang, raw, secrets=ENVIRONMENT.values()) from None


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
