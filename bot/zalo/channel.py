"""The Zalo channel: each update (polled or posted to the webhook) is deduplicated, translated to the
core's Incoming, answered by the router with buttons as numbered options, and the replies are sent back
as plain text. Updates of different chats are handled concurrently, those of one chat in order (a guided
form reads its answers in the order they were typed); the receiver never waits for an answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.app import App
from bot.charts import Charts
from bot.zalo.client import ZaloClient, ZaloError
from bot.zalo.send import ZaloSender

if TYPE_CHECKING:
    from bot.zalo.push import Budget
from bot.zalo.updates import CHANNEL, Me, Seen, Translated, Verdict, translate
from handlers.base import COMMANDS, Incoming, Reply
from handlers.router import parse_command
from models import ChatAccount, Official

log = logging.getLogger(__name__)
# What every member of a group may see (as on Telegram: rankings and the command list, never a task).
GROUP_COMMANDS = frozenset({"help", "diem", "thidua", "chitieu"})
MAX_CONCURRENT_UPDATES = 32  # as on Telegram: more only adds task switching (the work is CPU and SQLite)


class ZaloChannel:
    def __init__(self, app: App, client: ZaloClient, me: Me) -> None:
        self.app, self.client, self.me = app, client, me
        self.sender = ZaloSender(client, app.renderer, Charts(app.sessions, app.clock, app.renderer), app.config.zalo)
        self.seen = Seen()
        self.handled = 0  # updates answered or deliberately ignored (tests, the benchmark)
        self.duplicates = 0
        self._chats: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self._background: set[asyncio.Task[None]] = set()
        self.poller: asyncio.Task[None] | None = None  # set by the runner in polling mode
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_UPDATES)
        self.budget: Budget | None = None  # the monthly message budget, set by the runner

    def accept(self, update: dict[str, Any]) -> bool:
        """Take one update for handling in the background; False when it was seen already."""
        translated = translate(update, self.me)
        if not self.seen.first_time(translated.key):
            self.duplicates += 1
            log.debug("Zalo update %s seen already: skipped", translated.key)
            return False
        if translated.verdict is Verdict.IGNORE or translated.incoming is None:
            self.handled += 1
            return True
        self._later(self._in_order(translated.incoming.chat_id, self._handle(translated)))
        return True

    async def _in_order(self, chat_id: str, work: Coroutine[Any, Any, None]) -> None:
        lock = self._chats.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock, self._slots:
                await work
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                del self._waiting[chat_id], self._chats[chat_id]

    async def _handle(self, translated: Translated) -> None:
        incoming = translated.incoming
        assert incoming is not None
        try:
            if translated.verdict is Verdict.UNSUPPORTED:
                await self._say(incoming, Reply("zalo/unsupported"))
            elif incoming.is_group and not self._for_group(incoming):
                await self._say(incoming, Reply("zalo/group_private"))
            else:
                async with self.sender.typing(incoming.chat_id):
                    lang, replies = await self.app.router.handle(incoming, numbered_buttons=True)
                for reply in replies:
                    await self.sender.send(incoming.chat_id, lang, reply)
        except ZaloError as exc:
            log.warning("Zalo: could not answer chat %s: %s", incoming.chat_id, exc)
        except Exception:
            log.exception("Zalo: update of chat %s failed", incoming.chat_id)
        finally:
            self.handled += 1

    @staticmethod
    def _for_group(incoming: Incoming) -> bool:
        parsed = parse_command(incoming.text)
        entry = COMMANDS.get(parsed.command) if parsed else None
        return entry is not None and entry.name in GROUP_COMMANDS

    async def _say(self, incoming: Incoming, reply: Reply) -> None:
        """A reply of the channel itself, in the sender's language."""
        await self.sender.send(incoming.chat_id, await self.language(incoming.user_id), reply)

    async def language(self, user_id: str) -> str:
        async with self.app.sessions() as session:
            lang = (
                await session.execute(
                    select(Official.language)
                    .join(ChatAccount, ChatAccount.official_id == Official.id)
                    .where(ChatAccount.channel == CHANNEL, ChatAccount.external_id == user_id)
                )
            ).scalar()
        return lang or self.app.config.bot.default_language

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def wait_background(self) -> None:
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
