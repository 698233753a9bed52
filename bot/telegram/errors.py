"""One error handler for the Telegram channel. The user whose message failed gets a short polite
message in their language with a reference; the admins get an alert with the same reference; the log
gets the traceback (through the token-masking filter of ``bot.logs``); the process keeps running.

Failures inside a handler are caught by the router, which answers ``errors/internal`` with a
reference; the channel passes that reference to ``Alerts`` too, so admins hear of every failure once.

Two failures of a reply are the user's side, not ours, and stay quiet (one log line, no traceback, no
second send, no alert): 403 Forbidden (the user blocked the bot: the chat is marked blocked, as the push
dispatcher does, so no push goes there either) and a send that failed after it left (a read timeout:
the reply may well have arrived, and a second message would repeat it).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections import deque
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.telegram.accounts import CHANNEL, chats_by_role
from bot.telegram.limits import describe, may_have_arrived
from bot.telegram.send import ReplySender
from handlers.base import ADMINS, Reply
from handlers.router import Router
from jobs.claims import block_chat
from models import Clock

log = logging.getLogger(__name__)

ALERTS_PER_WINDOW = 5
WINDOW_SECONDS = 600.0


class Alerts:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, send: ReplySender, router: Router
    ) -> None:
        self.sessions, self.clock, self.sender, self.router = sessions, clock, send, router
        self._recent: deque[float] = deque()

    async def alert(self, reference: str, what: str) -> None:
        """Tell every admin on Telegram; at most a few alerts per ten minutes (a failure storm is
        one story, and the log has all of it)."""
        now = time.monotonic()
        while self._recent and now - self._recent[0] > WINDOW_SECONDS:
            self._recent.popleft()
        if len(self._recent) >= ALERTS_PER_WINDOW:
            log.warning(
                "admin alert %s not sent: %d alerts in the last %d s", reference, len(self._recent), WINDOW_SECONDS
            )
            return
        self._recent.append(now)
        context = {"reference": reference, "what": what, "at": self.clock.now()}
        for chat_id, _role, lang in await chats_by_role(self.sessions, ADMINS, limit=20):
            try:
                await self.sender.send(chat_id, lang, Reply("telegram/admin_alert", context))
            except TelegramError as exc:
                log.warning("admin alert %s could not reach chat %s: %s", reference, chat_id, exc)

    async def on_error(self, update: object, context: Any) -> None:
        """python-telegram-bot's error handler: anything the channel itself failed at."""
        error = getattr(context, "error", None)
        chat = update.effective_chat if isinstance(update, Update) else None
        user = update.effective_user if isinstance(update, Update) else None
        if isinstance(error, Forbidden) and chat is not None:
            await self.blocked(str(chat.id), error)
            return
        if isinstance(error, TelegramError) and may_have_arrived(error):
            where = chat.id if chat is not None else "?"
            log.warning("a reply to chat %s may have arrived (%s): not sent again", where, describe(error))
            return
        reference = secrets.token_hex(4)
        log.error("Telegram update failed (ref %s): %s", reference, type(error).__name__, exc_info=error)
        if chat is not None:
            lang = self.router.default_lang
            with contextlib.suppress(Exception):  # the database may be what failed
                who = await self.router.who(CHANNEL, str(user.id)) if user else None
                lang = who.language if who else lang
            try:
                await self.sender.send(str(chat.id), lang, Reply("errors/internal", {"reference": reference}))
            except Exception as exc:  # the failure may be Telegram itself; the log has the story
                log.warning("could not tell chat %s about error %s: %s", chat.id, reference, exc)
        with contextlib.suppress(Exception):
            await self.alert(reference, type(error).__name__)

    async def blocked(self, chat_id: str, error: Forbidden) -> None:
        """A reply was refused with 403: the chat is marked blocked (no push goes there any more)."""
        try:
            async with self.sessions() as session, session.begin():
                marked = await block_chat(session, CHANNEL, chat_id)
        except Exception as exc:  # the database may be what failed; the chat stays as it was
            log.warning("chat %s refused a reply (%s) and could not be marked blocked: %s", chat_id, error, exc)
            return
        log.info("chat %s refused a reply (%s): %d account(s) marked blocked", chat_id, error, marked)
