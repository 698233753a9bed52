"""Multi-year targets (chỉ tiêu), e.g. the 18 targets of Resolution 60-NQ/TU, and their measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Exact


class Target(Base):
    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("programme", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(100))  # "Nghị quyết 60-NQ/TU"
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the unit the target is for
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    target_value: Mapped[Decimal | None] = mapped_column(Exact)
    measure: Mapped[str] = mapped_column(String(32), default="")  # "%", "bậc", ...
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)


class TargetMeasurement(Base):
    __tablename__ = "target_measurements"
    __table_args__ = (UniqueConstraint("target_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal | None] = mapped_column(Exact)
    met: Mapped[bool | None] = mapped_column(Boolean)  # the assessment published with the value
    note: Mapped[str] = mapped_column(String(255), default="")
