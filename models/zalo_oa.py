"""What the Zalo Official Account (OA) and ZNS channel keeps (docs/ZALO_OA.md): the OA's OAuth tokens,
each OA user's follow state and last interaction (the window in which the OA may message them), and
each month's ZNS spend.

Tokens are in the database, not in the configuration: the access token lives about 25 hours and the
refresh token is single-use, so a renewed pair must survive a restart and be shared by every process
(one of them renews, under a lease). They are never logged or put in an error.

A phone number (``Official.phone``, for ZNS) is a Vietnamese mobile number kept in the national form
``84xxxxxxxxx`` that ZNS takes; ``mobile_number`` (``models/phones.py``) reads what a secretariat writes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base
from models.phones import mobile_number

__all__ = ["OaToken", "OaUser", "ZnsSpend", "mobile_number"]


class OaToken(Base):
    """The OA's current access and refresh tokens (one row per OA)."""

    __tablename__ = "zalo_oa_tokens"

    oa_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime)
    refreshed_at: Mapped[datetime] = mapped_column(AwareDateTime)

    def __repr__(self) -> str:  # never the tokens
        return f"OaToken(oa_id={self.oa_id!r}, expires_at={self.expires_at!r})"


class OaUser(Base):
    """A Zalo user as the OA knows them: whether they follow it, and when they last interacted (wrote,
    pressed a button, followed), which opens the window for OA messages."""

    __tablename__ = "zalo_oa_users"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    followed: Mapped[bool] = mapped_column(Boolean, default=True)
    last_interaction_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)


class ZnsSpend(Base):
    """ZNS messages sent in one month (``2026-12`` in the bot's time zone) and what they cost in VND at
    the configured unit price; ``warned``: the admins were told the cap is near."""

    __tablename__ = "zns_spend"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    vnd: Mapped[int] = mapped_column(Integer, default=0)
    warned: Mapped[bool] = mapped_column(Boolean, default=False)
