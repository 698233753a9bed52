"""The patterns and error helpers ``models/settings.py``'s sections check their keys with; an error names
the sentence of ``templates/cli/config_error.j2`` that says it (``bot/config_errors.py``)."""

from __future__ import annotations

import re
from typing import Any

from pydantic_core import PydanticCustomError

TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook's secret_token accepts
ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")
PATH = re.compile(r"/[A-Za-z0-9._~/-]{0,200}")
TELEGRAM_PATH = re.compile(r"/?[A-Za-z0-9._~/-]{1,200}")  # the leading / is added when missing (webhook_url)
HOST = re.compile(r"[A-Za-z0-9.:_\[\]-]{1,253}")
USERNAME = re.compile(r"@?[A-Za-z0-9_]{0,64}")


def bad(kind: str, **context: Any) -> PydanticCustomError:
    """An error whose ``kind`` names the sentence of ``templates/cli/config_error.j2``."""
    return PydanticCustomError(kind, kind, context)


def url(value: str, *, https_only: bool, empty: bool = True) -> str:
    if (empty and not value) or value.startswith("https://"):
        return value
    if https_only:
        raise bad("https_url")
    if not value.startswith("http://"):
        raise bad("http_url")
    return value


def matching(pattern: re.Pattern[str], value: str, kind: str, **context: Any) -> str:
    if value and not pattern.fullmatch(value):
        raise bad(kind, **context)
    return value


def needs(key: str, kind: str = "webhook_needs") -> PydanticCustomError:
    return bad(kind, key=key)
