"""What the Telegram channel itself asks the database: which chats belong to admins and leaders
(alerts, command menus). Who a sender is, the router answers (``Router.who``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import ChatAccount, Official, Role

CHANNEL = "telegram"


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
