"""What every section of the configuration is built from (``models/settings.py``, ``models/settings_oa.py``):
the strict frozen ``Section``, the ranges several keys share, the patterns of paths, hosts and secrets, and the
checks that raise an error naming a sentence of ``templates/cli/config_error.j2``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

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
OverdueDays = Annotated[list[Annotated[int, Field(ge=1, le=366)]], Field(min_length=1, max_length=10)]
GroupIds = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=1000)]

_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook's secret_token accepts
_ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")
_PATH = re.compile(r"/[A-Za-z0-9._~/-]{0,200}")
_TELEGRAM_PATH = re.compile(r"/?[A-Za-z0-9._~/-]{1,200}")  # the leading / is added when missing (webhook_url)
_HOST = re.compile(r"[A-Za-z0-9.:_\[\]-]{1,253}")
_USERNAME = re.compile(r"@?[A-Za-z0-9_]{0,64}")


def _bad(kind: str, **context: Any) -> PydanticCustomError:
    """An error whose ``kind`` names the sentence of ``templates/cli/config_error.j2``."""
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


@dataclass(frozen=True)
class Rates:
    """A channel's flood limits as the pacing (``jobs/pacing.py``) reads them: messages a second overall, a
    minute per private chat and per group."""

    per_second: float
    chat_per_minute: float
    group_per_minute: float
    burst: int = 0  # overall burst; 0: a second's worth less the headroom
    chat_burst: int = 2  # Telegram allows about 3


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
