"""The Zalo channel: each update (polled or posted to the webhook) is translated to the core's Incoming
and put into the inbox (``bot/inbox.py``: duplicates dropped, one chat's updates in order, chats
concurrently, the router's answer with buttons as numbered options, what a group may be answered); the
replies are sent back as plain text. The receiver never waits for an answer.

The bot never answers itself: an update carrying the id of a message the bot sent (``ZaloClient.sent_by_me``;
Zalo echoes the bot's messages, not always with the bot's id or ``is_bot``) is dropped, and a chat gets at
most ``PROMPTS_PER_HOUR`` registration prompts an hour (an echo that slipped through, or anyone writing in a
loop, cannot spend the monthly quota). A reply refused with 403 marks the chat blocked, quietly (as the push
dispatcher does for a push): one log line, no second send."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from bot.app import App
from bot.charts import Charts
from bot.inbox import Inbox
from bot.zalo.client import ZaloClient, ZaloError
from bot.zalo.send import ZaloSender
from jobs.claims import block_chat

if TYPE_CHECKING:
    from bot.zalo.push_sender import Budget
from bot.zalo.updates import CHANNEL, Me, Translated, Verdict, translate
from handlers.base import Incoming, Reply
from handlers.router import InGroup

log = logging.getLogger(__name__)
PROMPT = "account/register_prompt"
PROMPTS_PER_HOUR = 5  # as many as the wrong invite codes a chat may try in an hour
REMEMBERED_CHATS = 10_000


class Prompts:
    """How many registration prompts each chat got in the last hour (at most ``REMEMBERED_CHATS`` chats)."""

    def __init__(self, per_hour: int = PROMPTS_PER_HOUR) -> None:
        self.per_hour = per_hour
        self._sent: dict[str, deque[float]] = {}

    def allow(self, chat_id: str) -> bool:
        now = time.monotonic()
        times = self._sent.setdefault(chat_id, deque())
        while times and now - times[0] > 3600:
            times.popleft()
        if len(times) >= self.per_hour:
            return False
        times.append(now)
        if len(self._sent) > REMEMBERED_CHATS:
            self._sent = {chat: t for chat, t in self._sent.items() if t and now - t[-1] <= 3600}
        return True


class ZaloChannel:
    def __init__(self, app: App, client: ZaloClient, me: Me) -> None:
        self.app, self.client, self.me = app, client, me
        self.sender = ZaloSender(client, app.renderer, Charts(app.sessions, app.clock, app.renderer), app.config.zalo)
        self.inbox = Inbox(app.router)  # Zalo has no update id: the key is (event_name, message_id)
        self.handled = 0  # updates answered or deliberately ignored (tests, the benchmark)
        self.duplicates = 0
        self.poller: asyncio.Task[None] | None = None  # set by the runner in polling mode
        self.budget: Budget | None = None  # the monthly message budget, set by the runner
        self.prompts = Prompts()
        self.echoes = 0  # the bot's own messages that came back, dropped

    def accept(self, update: dict[str, Any]) -> bool:
        """Take one update for handling in the background; False when it was seen already."""
        translated = translate(update, self.me)
        if not self.inbox.first_time(translated.key):
            self.duplicates += 1
            log.debug("Zalo update %s seen already: skipped", translated.key)
            return False
        if translated.verdict is Verdict.IGNORE or translated.incoming is None:
            self.handled += 1
            return True
        self.inbox.post(translated.incoming.chat_id, self._handle(translated))
        return True

    async def _handle(self, translated: Translated) -> None:
        incoming = translated.incoming
        assert incoming is not None
        await self.client.settled(incoming.chat_id)  # a push there may be under way: its id comes with its answer
        if self.client.sent_by_me(incoming.message_id):  # checked after this chat's sends have ended
            self.echoes += 1
            self.handled += 1
            return
        try:
            if translated.verdict is Verdict.UNSUPPORTED:
                await self._say(incoming, Reply("zalo/unsupported"))
                return
            async with self.sender.typing(incoming.chat_id):
                answer = await self.inbox.answer(incoming, numbered_buttons=True)
            if answer.group is InGroup.REFUSE:
                await self.sender.send(incoming.chat_id, answer.lang, Reply("zalo/group_private"))
            for reply in answer.replies:
                if reply.template == PROMPT and not self.prompts.allow(incoming.chat_id):
                    log.info("Zalo: chat %s had %d registration prompts this hour: not answered",
                             incoming.chat_id, PROMPTS_PER_HOUR)  # fmt: skip
                    continue
                await self.sender.send(incoming.chat_id, answer.lang, reply)
        except ZaloError as exc:
            if exc.code == 403:
                await self._blocked(incoming.chat_id, exc)
            else:
                log.warning("Zalo: could not answer chat %s: %s", incoming.chat_id, exc)
        except Exception:
            log.exception("Zalo: update of chat %s failed", incoming.chat_id)
        finally:
            self.handled += 1

    async def _blocked(self, chat_id: str, exc: ZaloError) -> None:
        try:
            async with self.app.sessions() as session, session.begin():
                marked = await block_chat(session, CHANNEL, chat_id)
        except Exception as error:  # the database may be what failed; the chat stays as it was
            log.warning("Zalo: chat %s refused a reply (%s) and could not be marked blocked: %s", chat_id, exc, error)
            return
        log.info("Zalo: chat %s refused a reply (%s): %d account(s) marked blocked", chat_id, exc, marked)

    async def _say(self, incoming: Incoming, reply: Reply) -> None:
        """A reply of the channel itself, in the sender's language."""
        await self.sender.send(incoming.chat_id, await self.inbox.language(incoming), reply)

    async def wait_background(self) -> None:
        await self.inbox.drain()
