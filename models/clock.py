"""The one clock. Everything that needs "now" or "today" takes a Clock, so tests can freeze time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Clock:
    tz: ZoneInfo = DEFAULT_TZ

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def today(self) -> date:
        return self.now().date()


@dataclass
class FrozenClock(Clock):
    """A clock that stands still until moved: ``FrozenClock(at=datetime(2024, 6, 1, 9, tzinfo=tz))``."""

    at: datetime = field(default_factory=lambda: datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ))

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        return self.at.astimezone(self.tz)

    def advance(self, delta: timedelta) -> None:
        self.at = self.at + delta
