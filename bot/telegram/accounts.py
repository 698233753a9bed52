"""What the Telegram channel itself asks the database: who the sender is before the router runs (to
download an admin's file, to answer an error in the right language), and which chats belong to admins
and leaders (alerts, command menus)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import ChatAccount, Official, Role

CHANNEL = "telegram"


@dataclass(frozen=True)
class Sender:
    role: Role
    language: str


async def sender(sessions: async_sessionmaker[AsyncSession], user_id: str) -> Sender | None:
    """The active official bound to this Telegram user, or None."""
    async with sessions() as session:
        row = (
            await session.execute(
                select(Official.role, Official.language)
                .join(ChatAccount, ChatAccount.official_id == Official.id)
                .where(ChatAccount.channel == CHANNEL, ChatAccount.external_id == user_id, Official.active.is_(True))
            )
        ).first()
    return Sender(Role(row[0]), row[1]) if row else None


async def chats_by_role(
    sessions: async_sessionmaker[AsyncSession], roles: frozenset[Role], limit: int = 500
) -> list[tuple[str, Role, str]]:
    """(chat id, role, language) of the Telegram chats of active officials with one of ``roles``."""
    async with sessions() as session:
        rows = await session.execute(
            select(ChatAccount.chat_id, Official.role, Official.language)
            .join(Official, Official.id == ChatAccount.official_id)
            .where(
                ChatAccount.channel == CHANNEL,
                ChatAccount.blocked.is_(False),
                Official.active.is_(True),
                Official.role.in_([r.value for r in roles]),
            )
            .order_by(ChatAccount.id)
            .limit(limit)
        )
        return [(chat, Role(role), lang) for chat, role, lang in rows]
