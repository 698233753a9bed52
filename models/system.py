"""What the bot itself keeps: conversation state, the push outbox, leases and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base
from models.enums import OutboxStatus


class ConversationState(Base):
    """A multi-step flow in progress (a guided progress report, a pending confirmation, a numbered
    menu awaiting a reply). Kept in the database so it survives a restart and works across workers."""

    __tablename__ = "conversation_states"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime)


class OutboxMessage(Base):
    """A push waiting to be sent. ``dedupe_key`` makes re-computing what is due idempotent."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="")
    chat_id: Mapped[str] = mapped_column(String(64), default="")
    template: Mapped[str] = mapped_column(String(100))
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.PENDING, index=True)
    urgent: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(AwareDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class Lease(Base):
    """A named role only one process may play at a time (``scheduler``): taken and renewed with a
    conditional write, it passes to another process once ``expires_at`` is past (see jobs/lease.py)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    # the province the change was made in (revision 0002): /nhatky shows a province its own entries, also
    # those of the command line (no actor); older entries are placed by their actor's unit
    province_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))  # progress.report, import.tasks, invite.create, ...
    subject: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
