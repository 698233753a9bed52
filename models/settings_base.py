"""What every section of the configuration is built from (``models/settings.py``, ``models/settings_oa.py``):
the strict frozen ``Section`` and the ranges several keys share (the patterns and the checks that raise an
error naming a sentence of ``templates/cli/config_error.j2`` are in ``models/settings_checks.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

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
DaysAfter = Annotated[list[Annotated[int, Field(ge=1, le=60)]], Field(max_length=10)]
GroupIds = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=1000)]


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
