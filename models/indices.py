"""Indices the province and its units are ranked on (PAR INDEX, SIPAS, PAPI, PCI, DTI, internal),
their components, and published results.

A value that was not published stays NULL and is shown as "chưa có số liệu". Where a report gives only
the change (PAPI 2023: "giảm 0,37 điểm"), the change is stored in ``score_delta``/``rank_delta`` and is
used when the previous year's value is unknown.
"""

from __future__ import annotations

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


class IndexResult(Base):
    __tablename__ = "index_results"
    __table_args__ = (UniqueConstraint("index_id", "unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    index_id: Mapped[int] = mapped_column(ForeignKey("indices.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
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
