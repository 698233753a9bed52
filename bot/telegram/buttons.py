"""Inline keyboards from the core's buttons, within Telegram's 64-byte limit on callback data.

A button's data is a command line (``/nhiemvu 12 trang 2``). When it is longer than 64 bytes (long
Vietnamese arguments take 2–3 bytes a letter), the line is kept in the database and the button carries
``~`` and a 16-character key instead. The key is a hash of the chat and the line, so the same button
always gets the same key; the row lives in ``conversation_states`` under the channel name
``telegram:btn`` (no schema change, shared by every webhook worker, survives a restart) and expires
after ``KEEP``.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.render import Renderer
from handlers.base import Button, Reply
from models import Clock, ConversationState

LIMIT = 64
PREFIX = "~"
STORE = "telegram:btn"
KEEP = timedelta(days=30)


def key_for(chat_id: str, data: str) -> str:
    return PREFIX + hashlib.sha256(f"{chat_id}\n{data}".encode()).hexdigest()[:16]


class Buttons:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock, renderer: Renderer) -> None:
        self.sessions, self.clock, self.renderer = sessions, clock, renderer

    async def keyboard(self, chat_id: str, lang: str, reply: Reply) -> InlineKeyboardMarkup | None:
        if not reply.buttons:
            return None
        long = {b.data for row in reply.buttons for b in row if not b.url and len(b.data.encode()) > LIMIT}
        if long:
            await self._keep(chat_id, long)
        rows = [[self._button(chat_id, lang, b, long) for b in row] for row in reply.buttons]
        return InlineKeyboardMarkup(rows)

    def _button(self, chat_id: str, lang: str, b: Button, long: set[str]) -> InlineKeyboardButton:
        label = self.renderer.label(lang, b, "text")
        if b.url and b.web_app:
            return InlineKeyboardButton(label, web_app=WebAppInfo(b.url))
        if b.url:
            return InlineKeyboardButton(label, url=b.url)
        return InlineKeyboardButton(label, callback_data=key_for(chat_id, b.data) if b.data in long else b.data)

    async def resolve(self, chat_id: str, data: str) -> str | None:
        """The command line a pressed button stands for; None when a stored one has expired."""
        if not data.startswith(PREFIX):
            return data
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(ConversationState.data).where(
                        ConversationState.channel == STORE,
                        ConversationState.chat_id == chat_id,
                        ConversationState.external_id == data,
                        ConversationState.expires_at > self.clock.now(),
                    )
                )
            ).scalar_one_or_none()
        return str(row["data"]) if row else None

    async def _keep(self, chat_id: str, lines: set[str]) -> None:
        now = self.clock.now()
        async with self.sessions() as session:
            await session.execute(
                delete(ConversationState).where(ConversationState.channel == STORE, ConversationState.expires_at <= now)
            )
            for line in lines:
                key = key_for(chat_id, line)
                row = (
                    await session.execute(
                        select(ConversationState).where(
                            ConversationState.channel == STORE,
                            ConversationState.chat_id == chat_id,
                            ConversationState.external_id == key,
                        )
                    )
                ).scalar_one_or_none()
                if row is None:
                    row = ConversationState(channel=STORE, chat_id=chat_id, external_id=key, flow="button", data={})
                    session.add(row)
                row.data, row.updated_at, row.expires_at = {"data": line}, now, now + KEEP
            await session.commit()
