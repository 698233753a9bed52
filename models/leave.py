"""Officials' leave (vắng mặt) and who stands in for them (issue 18, point 2).

An official on leave from ``starts_on`` to ``ends_on`` (both days included, in the province's time zone)
gets no push but what they ask for: their unit's reminders go to the stand-in (``stand_in_id``) or, with
none, to the unit's other officials; what nobody else can take waits, and on the day after ``ends_on``
one catch-up message brings it (``jobs/leave.py``). Cancelling a leave that has begun ends it yesterday,
so that catch-up comes at once; one not yet begun is deleted.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base

MAX_DAYS = 366  # a leave longer than a year is a typing mistake (or a revocation: /thuhoi)
PAST_DAYS = 31  # "05/01" typed in December means next January, unless it is less than a month ago
DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")


def parse_day(text: str, today: date, after: date | None = None) -> date | None:
    """A day typed dd/mm or dd/mm/yyyy (also with "-" or "."; a two-digit year is 20yy), in the province's
    calendar (``today`` is the province's). Without a year: this year's, or next year's when this year's
    is before ``after`` (an end typed before its start) or more than ``PAST_DAYS`` ago. None: not a day."""
    found = DAY.match(text.strip())
    if found is None:
        return None
    day, month, year = int(found[1]), int(found[2]), found[3]
    try:
        if year is not None:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidate = date(today.year, month, day)
        if candidate < (after or today - timedelta(days=PAST_DAYS)):
            candidate = date(today.year + 1, month, day)
        return candidate
    except ValueError:  # 31/02, 29/02 of a common year, month 13
        return None


class Leave(Base):
    __tablename__ = "leaves"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    stand_in_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on
