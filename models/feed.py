"""The machine feed's consumers (issue 19, point 3): the province's operations centre reads tasks, index
results and drive standings as JSON or CSV with a token an admin created on the command line
(``cchc-bot feed create``). The token is shown once and stored as its SHA-256; it reads its own province
only, and is revoked by its number (``cchc-bot feed revoke``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base
from models.dashboard import new_token, token_hash


class FeedToken(Base):
    """One consumer of the machine feed, for one province."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))  # who reads with it: "Trung tâm điều hành thông minh"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime, default=None)


async def create_feed_token(session: AsyncSession, province_id: int, name: str, now: datetime) -> tuple[int, str]:
    """A new consumer's number and token (the token is never stored, only its hash)."""
    token = new_token()
    row = FeedToken(name=name[:64], token_hash=token_hash(token), province_id=province_id, created_at=now)
    session.add(row)
    await session.flush()
    return row.id, token


async def revoke_feed_token(session: AsyncSession, number: int, province_id: int, now: datetime) -> FeedToken | None:
    """Revoke consumer ``number`` of the province; None when it has no such consumer."""
    row = await session.get(FeedToken, number)
    if row is None or row.province_id != province_id:
        return None
    row.revoked_at = row.revoked_at or now
    return row


async def feed_consumer(session: AsyncSession, token: str) -> FeedToken | None:
    """The unrevoked consumer holding ``token``; None for anything else."""
    row: FeedToken | None = await session.scalar(select(FeedToken).where(FeedToken.token_hash == token_hash(token)))
    return row if row is not None and row.revoked_at is None else None


__all__ = ["FeedToken", "create_feed_token", "feed_consumer", "revoke_feed_token"]
