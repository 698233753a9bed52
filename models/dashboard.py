"""The dashboard's sign-in (issue 19): single-use links and browser sessions, both stored as the SHA-256
of a random token, never the token itself (a copy of the database opens nobody's dashboard).

- A link (``/bangdieukhien`` on Zalo or the console) is valid ``link_minutes`` and works once: exchanging
  it marks it used and starts a session.
- A session (from a link, or from Telegram's signed Mini App init data) is valid ``session_minutes``; each
  request reads it with its official, so an official made inactive or removed loses the dashboard at the
  next request, and a changed role or unit shows at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base
from models.units import ChatAccount, Official

TOKEN_BYTES = 32  # 256 bits: not guessable within any link's ten minutes


class DashboardLink(Base):
    """A single-use sign-in link for one official."""

    __tablename__ = "dashboard_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime)
    used_at: Mapped[datetime | None] = mapped_column(AwareDateTime, default=None)


class DashboardSession(Base):
    """A signed-in browser: the cookie holds the token, the row its official and expiry."""

    __tablename__ = "dashboard_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    via: Mapped[str] = mapped_column(String(16))  # telegram | link
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


async def create_link(session: AsyncSession, official_id: int, now: datetime, minutes: int) -> str:
    """A new single-use link token for the official (stored hashed)."""
    token = new_token()
    expires = now + timedelta(minutes=minutes)
    session.add(
        DashboardLink(token_hash=token_hash(token), official_id=official_id, created_at=now, expires_at=expires)
    )
    await session.flush()
    return token


async def start_session(session: AsyncSession, official_id: int, via: str, now: datetime, minutes: int) -> str:
    """A new session token for the official (stored hashed)."""
    token = new_token()
    expires = now + timedelta(minutes=minutes)
    row = DashboardSession(
        token_hash=token_hash(token), official_id=official_id, via=via, created_at=now, expires_at=expires
    )
    session.add(row)
    await session.flush()
    return token


async def redeem_link(session: AsyncSession, token: str, now: datetime) -> int | None:
    """The official of an unused, unexpired link, marking it used in the same statement (two tabs racing
    for one link: one wins); None otherwise."""
    found = await session.execute(
        update(DashboardLink)
        .where(DashboardLink.token_hash == token_hash(token), DashboardLink.used_at.is_(None))
        .where(DashboardLink.expires_at > now)
        .values(used_at=now)
        .returning(DashboardLink.official_id)
    )
    official_id = found.scalar_one_or_none()
    if official_id is None:
        return None
    official = await session.get(Official, official_id)
    return official_id if official is not None and official.active else None


async def session_official(session: AsyncSession, token: str, now: datetime) -> tuple[Official, str] | None:
    """The active official of an unexpired session and how it began (telegram | link); None for anything
    else (checked on every request)."""
    row = (
        await session.execute(
            select(Official, DashboardSession.via)
            .join(DashboardSession, DashboardSession.official_id == Official.id)
            .where(DashboardSession.token_hash == token_hash(token), DashboardSession.expires_at > now)
        )
    ).first()
    if row is None or not row[0].active:
        return None
    return row[0], str(row[1])


async def telegram_official(session: AsyncSession, telegram_user_id: int) -> Official | None:
    """The active official bound to a Telegram user (the Mini App's signed ``user.id``)."""
    official: Official | None = await session.scalar(
        select(Official)
        .join(ChatAccount, ChatAccount.official_id == Official.id)
        .where(ChatAccount.channel == "telegram", ChatAccount.external_id == str(telegram_user_id))
    )
    return official if official is not None and official.active else None


__all__ = [
    "DashboardLink",
    "DashboardSession",
    "create_link",
    "redeem_link",
    "session_official",
    "start_session",
    "telegram_official",
    "token_hash",
]
