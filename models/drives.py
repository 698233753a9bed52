"""Competition drives (phong trào thi đua): participants, weighted criteria and measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Exact


class Drive(Base):
    __tablename__ = "drives"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    organiser_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class DriveParticipant(Base):
    __tablename__ = "drive_participants"
    __table_args__ = (UniqueConstraint("drive_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)


class DriveCriterion(Base):
    """A criterion scores ``weight`` points when the measured value reaches ``target_value``
    (pro rata below it). Weights of a drive usually add up to 100."""

    __tablename__ = "drive_criteria"
    __table_args__ = (UniqueConstraint("drive_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    weight: Mapped[Decimal] = mapped_column(Exact)
    target_value: Mapped[Decimal] = mapped_column(Exact)
    measure: Mapped[str] = mapped_column(String(32), default="%")


class DriveMeasurement(Base):
    __tablename__ = "drive_measurements"
    __table_args__ = (UniqueConstraint("participant_id", "criterion_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("drive_participants.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("drive_criteria.id"))
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Exact)
