"""Indices the province and its units are ranked on (PAR INDEX, SIPAS, PAPI, PCI, DTI, internal, the 766
service index), their components, and published results by period (year, half, quarter, month).

A value that was not published stays NULL and is shown as "chưa có số liệu". Where a report gives only
the change (PAPI 2023: "giảm 0,37 điểm"), the change is stored in ``score_delta``/``rank_delta`` and is
used when the previous year's value is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Exact
from models.enums import ScoreKind
from models.units import Unit


class ScoreIndex(Base):
    __tablename__ = "indices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # PAR, SIPAS, PAPI, PCI, DTI, CCHC
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    publisher: Mapped[str] = mapped_column(String(255), default="")
    score_kind: Mapped[ScoreKind] = mapped_column(String(16))
    max_score: Mapped[Decimal | None] = mapped_column(Exact)
    min_score: Mapped[Decimal | None] = mapped_column(Exact)  # the scale's bottom (PAPI: 10); None: 0


class IndexComponent(Base):
    """A field (lĩnh vực) of PAR INDEX or a component of SIPAS, numbered in report order."""

    __tablename__ = "index_components"
    __table_args__ = (UniqueConstraint("index_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    index_id: Mapped[int] = mapped_column(ForeignKey("indices.id"))
    number: Mapped[int] = mapped_column(Integer)
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    max_score: Mapped[Decimal | None] = mapped_column(Exact)
    min_score: Mapped[Decimal | None] = mapped_column(Exact)  # the scale's bottom (PAPI's dimensions: 1); None: 0


PERIOD_YEAR = "year"
PERIOD_HALF = "half"
PERIOD_QUARTER = "quarter"
PERIOD_MONTH = "month"
PERIODS = (PERIOD_YEAR, PERIOD_HALF, PERIOD_QUARTER, PERIOD_MONTH)
PERIOD_NUMBERS = {PERIOD_YEAR: 0, PERIOD_HALF: 2, PERIOD_QUARTER: 4, PERIOD_MONTH: 12}  # how many in a year


class IndexResult(Base):
    """One published result of a unit in an index for a period: a year (``period`` "year", number 0), a
    half (1-2), a quarter (1-4) or a month (1-12) of ``year``. The year's number is 0, not NULL, so the
    unique constraint holds for yearly rows too (NULLs never collide in a unique constraint). Reading "the
    result of year Y" reads only the yearly row (``YEARLY``): a monthly result never stands for the year's."""

    __tablename__ = "index_results"
    __table_args__ = (UniqueConstraint("index_id", "unit_id", "year", "period", "period_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    index_id: Mapped[int] = mapped_column(ForeignKey("indices.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(8), default=PERIOD_YEAR, server_default=PERIOD_YEAR)
    period_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 1-2, 1-4, 1-12; 0: year
    score: Mapped[Decimal | None] = mapped_column(Exact)
    rank: Mapped[int | None] = mapped_column(Integer)
    rank_total: Mapped[int | None] = mapped_column(Integer)  # the denominator of "47/63"
    group_label: Mapped[str | None] = mapped_column(String(64))  # PAPI: "trung bình cao"
    score_delta: Mapped[Decimal | None] = mapped_column(Exact)  # published change, when only it is known
    rank_delta: Mapped[int | None] = mapped_column(Integer)  # published change in places (+ = up)
    score_places: Mapped[int | None] = mapped_column(Integer)  # decimals published ("47,345": 3); None: unknown
    delta_places: Mapped[int | None] = mapped_column(Integer)  # decimals of the published change
    note: Mapped[str] = mapped_column(String(255), default="")  # "trên 79%"
    published_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500), default="")

    index: Mapped[ScoreIndex] = relationship(lazy="raise")
    unit: Mapped[Unit] = relationship(lazy="raise")


class ComponentResult(Base):
    __tablename__ = "component_results"
    __table_args__ = (UniqueConstraint("result_id", "component_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("index_results.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("index_components.id"))
    score: Mapped[Decimal | None] = mapped_column(Exact)
    rank: Mapped[int | None] = mapped_column(Integer)
    rank_total: Mapped[int | None] = mapped_column(Integer)
    score_delta: Mapped[Decimal | None] = mapped_column(Exact)
    rank_delta: Mapped[int | None] = mapped_column(Integer)
    score_places: Mapped[int | None] = mapped_column(Integer)
    delta_places: Mapped[int | None] = mapped_column(Integer)

    component: Mapped[IndexComponent] = relationship(lazy="raise")


YEARLY = IndexResult.period == PERIOD_YEAR  # the filter of every question about "the result of year Y"


def period_key(year: int, period: str, number: int) -> tuple[int, int, int]:
    """An order of periods in time, for series: a month before the quarter it closes, a quarter before the
    half, the half before the year (a period sorts at its last month)."""
    last_month = {PERIOD_YEAR: 12, PERIOD_HALF: 6 * (number or 2), PERIOD_QUARTER: 3 * (number or 4)}.get(
        period, number or 12
    )
    return year, last_month, -PERIODS.index(period) if period in PERIODS else 0  # the year last


@dataclass(frozen=True)
class Period:
    """One period of a published table: a year (``kind`` "year", number 0), a half, a quarter or a month
    of ``year``. Its ``token`` names it in a button, a chart's spec and a file name: "2026", "2026-h1",
    "2026-q3", "2026-10"."""

    year: int
    kind: str = PERIOD_YEAR
    number: int = 0

    @property
    def token(self) -> str:
        prefix = {PERIOD_HALF: "h", PERIOD_QUARTER: "q", PERIOD_MONTH: ""}.get(self.kind)
        if prefix is None:
            return str(self.year)
        return f"{self.year}-{prefix}{self.number:02}" if not prefix else f"{self.year}-{prefix}{self.number}"

    @property
    def key(self) -> tuple[int, int, int]:
        return period_key(self.year, self.kind, self.number)

    @classmethod
    def from_token(cls, token: str) -> Period | None:
        """The period a ``token`` names; None when it names none (a forged button)."""
        found = _TOKEN.fullmatch(token.strip().lower())
        if found is None:
            return None
        year, prefix, number = int(found[1]), found[2] or "", int(found[3] or 0)
        kind = {"h": PERIOD_HALF, "q": PERIOD_QUARTER, "": PERIOD_MONTH}[prefix] if found[3] else PERIOD_YEAR
        period = cls(year, kind, number)
        return period if 1 <= number <= PERIOD_NUMBERS[kind] or kind == PERIOD_YEAR else None


_TOKEN = re.compile(r"(\d{4})(?:-([hq]?)(\d{1,2}))?")
