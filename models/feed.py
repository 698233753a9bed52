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
from models.system import AuditEntry

READ = "feed.read"  # the audit action of every answer a consumer got


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


async def reads_since(session: AsyncSession, consumer: FeedToken, since: datetime) -> list[datetime]:
    """When ``consumer`` was answered after ``since``, from the audit log: the rate limit is counted there,
    so every process serving the feed counts the same reads (and a restart forgets none). The consumer's
    row is locked first (PostgreSQL; SQLite writes one at a time anyway), so two processes answering the
    same consumer at once take their turns instead of both reading a count below the limit."""
    await session.execute(select(FeedToken.id).where(FeedToken.id == consumer.id).with_for_update())
    rows = await session.execute(
        select(AuditEntry.at, AuditEntry.detail).where(
            AuditEntry.action == READ, AuditEntry.province_id == consumer.province_id, AuditEntry.at > since
        )
    )
    return [at for at, detail in rows if detail.get("consumer_id") == consumer.id]


__all__ = ["READ", "FeedToken", "create_feed_token", "feed_consumer", "reads_since", "revoke_feed_token"]
