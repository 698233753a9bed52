"""Units' narrative inputs for the periodic CCHC report (issue 17, point 2), and the reporting periods.

Before the report to the Ministry is due (the 20th of the period's last month), each unit that reports
to the Sở Nội vụ writes three short items the outline needs: kết quả nổi bật (``highlights``), tồn tại,
hạn chế (``issues``) and kiến nghị, đề xuất (``proposals``). One row per unit, period and item, replaced
when written again until the due date; the province's draft quotes them with the unit named.

Periods are those of the periodic report: quý I, 6 tháng (ending with quý II), quý III and năm (ending
with quý IV), keyed "2026-Q1", "2026-H1", "2026-Q3", "2026" (the keys of the report draft).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base
from models.enums import UnitKind
from models.naming import DISTRICT_LEVEL, LOCAL

HIGHLIGHTS, ISSUES, PROPOSALS = "highlights", "issues", "proposals"
ITEMS = (HIGHLIGHTS, ISSUES, PROPOSALS)  # in the order the outline has them and the chat asks them
MAX_CHARS = 2000  # one item: a paragraph or two of the report, not an annex
DUE_DAY = 20  # the report is due on the 20th of the period's last month (Văn bản 581/BNV-CCHC)
# The units that report to the Sở Nội vụ and so owe inputs: departments, the district level (in a tree
# that still holds districts, before 1/7/2025) and the commune level.
OWING_KINDS = DISTRICT_LEVEL | LOCAL | {UnitKind.DEPARTMENT, UnitKind.SPECIAL_ZONE}


class ReportInput(Base):
    """One item a unit wrote for one period's report; the official who last wrote it, and when."""

    __tablename__ = "report_inputs"
    __table_args__ = (UniqueConstraint("unit_id", "period", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))  # "2026-Q1", "2026-H1", "2026-Q3", "2026"
    item: Mapped[str] = mapped_column(String(16))  # highlights | issues | proposals
    text: Mapped[str] = mapped_column(Text)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """A reporting period, named by its last quarter: 1 quý I, 2 6 tháng đầu năm, 3 quý III, 4 năm."""

    year: int
    quarter: int

    @property
    def key(self) -> str:
        suffix = {1: "-Q1", 2: "-H1", 3: "-Q3", 4: ""}[self.quarter]
        return f"{self.year}{suffix}"

    @classmethod
    def from_key(cls, key: str) -> ReportPeriod | None:
        """The period of a key ("2026-Q1", "2026-H1", "2026-Q3", "2026"), None for anything else."""
        year, _, rest = key.strip().upper().partition("-")
        quarter = {"": 4, "Q1": 1, "H1": 2, "Q3": 3}.get(rest)
        if quarter is None or not (year.isascii() and year.isdecimal() and len(year) == 4):
            return None
        return cls(int(year), quarter)

    @property
    def kind(self) -> str:
        """How ``labels/periods.j2`` names it: "quarter" (quý I, quý III), "half" (6 tháng), "year"."""
        return {1: "quarter", 2: "half", 3: "quarter", 4: "year"}[self.quarter]

    @property
    def number(self) -> int:
        return {1: 1, 2: 1, 3: 3, 4: 0}[self.quarter]

    def day(self, day_of_month: int) -> date:
        """That day of the period's last month (the 31st of a 30-day month is its last day)."""
        month = self.quarter * 3
        return date(self.year, month, min(day_of_month, calendar.monthrange(self.year, month)[1]))

    def due(self, due_day: int = DUE_DAY) -> date:
        """The last day inputs are taken: the day the report is due."""
        return self.day(due_day)

    def following(self) -> ReportPeriod:
        return ReportPeriod(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> ReportPeriod:
        return ReportPeriod(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)


def open_period(today: date, due_day: int = DUE_DAY) -> ReportPeriod:
    """The period whose inputs are being taken on ``today``: the first one due on or after it."""
    period = ReportPeriod(today.year, (today.month - 1) // 3 + 1)
    return period if today <= period.due(due_day) else period.following()


def late_period(today: date, due_day: int = DUE_DAY, late_days: int = 0) -> ReportPeriod | None:
    """The period whose due date passed at most ``late_days`` days before ``today`` (a unit that gave
    nothing by then may still send its inputs late: the overdue notices ask it to), or None."""
    period = open_period(today, due_day).previous()
    return period if 0 < (today - period.due(due_day)).days <= late_days else None


__all__ = [
    "DUE_DAY",
    "HIGHLIGHTS",
    "ISSUES",
    "ITEMS",
    "MAX_CHARS",
    "OWING_KINDS",
    "PROPOSALS",
    "ReportInput",
    "ReportPeriod",
    "late_period",
    "open_period",
]
