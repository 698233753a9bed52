"""Yearly CCHC plans, their numbered tasks, the per-unit assignments and progress reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AwareDateTime, Base
from models.enums import AssignmentRole, DeadlineKind
from models.units import Official, Unit


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # e.g. "KH-CCHC-2023"
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(500))
    issuing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    issued_on: Mapped[date | None] = mapped_column(Date)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    field: Mapped[int | None] = mapped_column(Integer)  # 1..8, PAR INDEX field
    deadline_text: Mapped[str] = mapped_column(String(100), default="")  # as written in the plan
    deadline_kind: Mapped[DeadlineKind] = mapped_column(String(16))
    due_date: Mapped[date] = mapped_column(Date)  # resolved: "quý II" -> 30/6, "thường xuyên" -> 31/12
    # a recurring deadline's rule (models.rules.Recurrence.rule: "quarterly@15"); due_date is then the last period's
    recurrence: Mapped[str | None] = mapped_column(String(32))
    product: Mapped[str] = mapped_column(
        String(500), default="", server_default=""
    )  # sản phẩm: "Báo cáo", "Quyết định"
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # ghi chú

    plan: Mapped[Plan] = relationship(lazy="raise")


class Assignment(Base):
    """A task given to one unit, as lead (chủ trì) or cooperating (phối hợp) unit."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("task_id", "unit_id"),
        # covers the status GROUP BYs of a plan (reporting sentence, overdue units) without table look-ups
        Index("ix_assignments_task_status", "task_id", "role", "progress", "completed_on", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[AssignmentRole] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent, 0..100
    completed_on: Mapped[date | None] = mapped_column(Date)  # set when progress reaches 100
    updated_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # the group the plan named this unit in ("communes": "UBND các xã, phường"); None when named itself
    via_group: Mapped[str | None] = mapped_column(String(32))
    # a recurring task's due date for this unit: the first period not yet reported on (None: the task's)
    due_on: Mapped[date | None] = mapped_column(Date)

    task: Mapped[Task] = relationship(lazy="raise")
    unit: Mapped[Unit] = relationship(lazy="raise")


class ProgressReport(Base):
    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(String(500), default="")  # a link or a channel file id
    evidence_kind: Mapped[str] = mapped_column(String(16), default="")  # "", link, photo, document
    evidence_channel: Mapped[str] = mapped_column(String(16), default="")  # whose file id: telegram, zalo
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    reported_at: Mapped[datetime] = mapped_column(AwareDateTime)
    # the unit's own word on its pace (models.enums.SelfAssessment), asked with one tap; None: not given
    self_assessment: Mapped[str | None] = mapped_column(String(16))

    reported_by: Mapped[Official | None] = relationship(lazy="raise")


# The day an assignment falls due: its own open period's for a recurring task, the task's otherwise. Every
# status, reminder and overdue count compares this, never ``Task.due_date`` alone.
assignment_due = func.coalesce(Assignment.due_on, Task.due_date)
