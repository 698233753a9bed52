"""Units (the tree of agencies), officials, their chat accounts and invite codes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AwareDateTime, Base
from models.enums import LineageKind, Role, UnitKind


class Unit(Base):
    """A node of the unit tree. ``path`` is the materialised chain of ids (``/1/5/23/``), so a
    subtree is one indexed prefix match whatever the depth."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    # an official administrative code may be reused by a successor (revision 0003): unique only among the
    # units valid on any one day, which models.lineage.code_clash checks (no portable constraint does)
    code: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[UnitKind] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # byte-wise order on every database, so a subtree is one index range (see models.tree.subtree_clause)
    path: Mapped[str] = mapped_column(
        String(255).with_variant(String(255, collation="C"), "postgresql"), index=True, default=""
    )
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="raise")

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return self.path.startswith(other.path)

    def valid_on(self, day: date) -> bool:
        """True when the unit exists on ``day`` (an open end is no limit)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def valid_during(self, start: date | None, end: date | None) -> bool:
        """True when the unit exists on some day from ``start`` to ``end`` (None: no limit)."""
        return (self.valid_from is None or end is None or self.valid_from <= end) and (
            self.valid_to is None or start is None or start <= self.valid_to
        )


class UnitLineage(Base):
    """A predecessor unit whose history the successor carries on from ``on`` (the successor's first day)."""

    __tablename__ = "unit_lineage"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    how: Mapped[LineageKind] = mapped_column(String(16), default=LineageKind.FORMED_FROM)


class UnitAlias(Base):
    """Another name or code a unit is known by in the province's own files ("SNV" for Sở Nội vụ, "HL" for
    huyện Hữu Lũng, a name it had before). ``folded`` is ``models.text.fold(alias)``, what look-ups match."""

    __tablename__ = "unit_aliases"
    __table_args__ = (UniqueConstraint("unit_id", "folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    alias: Mapped[str] = mapped_column(String(255))  # as the file wrote it
    folded: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # code | name
    source: Mapped[str] = mapped_column(String(255), default="", server_default="")  # the file it came from


class Official(Base):
    __tablename__ = "officials"
    # one mobile number, one official (revision 0013): ZNS sends invite codes to it
    __table_args__ = (Index("uq_officials_phone", "phone", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[Role] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="vi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    push_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str | None] = mapped_column(String(16), default=None)  # 84xxxxxxxxx, for ZNS (revision 0011)
    push_channel: Mapped[str] = mapped_column(String(16), default="")  # pushes go here; "": last written from
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)

    unit: Mapped[Unit] = relationship(lazy="raise")


class ChatAccount(Base):
    """One chat identity (a Telegram user id, a Zalo user id, a console name) bound to an official."""

    __tablename__ = "chat_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Zalo: the bot the official registered on ([[zalo.bots]] name; "" or "default": the first bot), through
    # which their pushes go; "" on other channels
    bot: Mapped[str] = mapped_column(String(32), default="", server_default="")


class Invite(Base):
    """A single-use, expiring code that creates an official for a unit and role when redeemed."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    role: Mapped[Role] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(255), default="")
    title: Mapped[str] = mapped_column(String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime)
    used_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    # the official of the secretariat's list it was made for (revision 0013): redeeming it
    # binds the chat to them; None: redeeming creates the official
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"), default=None)

    unit: Mapped[Unit] = relationship(lazy="raise")
