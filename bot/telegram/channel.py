"""The Telegram channel: each update becomes the core's Incoming, goes through the router, and each
Reply goes back as Telegram messages. Button presses are answered at once (the spinner stops) and
edit their message in place when the reply asks for it; the "📊" button of a reply with a chart is the
channel's own (it draws and sends the chart); an admin's spreadsheet is downloaded before the router
sees it; groups get only what every member may see."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import OrderedDict
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.app import App
from bot.charts import CHART_PREFIX, Charts, chart_spec
from bot.telegram.accounts import sender
from bot.telegram.buttons import Buttons
from bot.telegram.commands import Menus
from bot.telegram.errors import Alerts
from bot.telegram.send import Sender
from bot.telegram.updates import InGroup, in_group, to_incoming
from handlers.base import FileRef, Incoming, Reply
from handlers.router import parse_command
from handlers.uploads import MAX_UPLOAD_BYTES, is_spreadsheet
from models import Role

log = logging.getLogger(__name__)
REFRESH_MENU_AFTER = frozenset({"start", "ngonngu", "language", "lang"})
REMEMBERED_UPDATES = 10_000  # update ids kept to drop a redelivered update (webhook retries)


class TelegramChannel:
    def __init__(self, app: App, bot: Bot) -> None:
        self.app, self.bot = app, bot
        self.buttons = Buttons(app.sessions, app.clock, app.renderer)
        self.sender = Sender(bot, app.renderer, self.buttons, Charts(app.sessions, app.clock, app.renderer))
        self.menus = Menus(bot, app.renderer, app.sessions, app.config.bot.default_language, app.router.commands)
        self.alerts = Alerts(app.sessions, app.clock, self.sender, app.config.bot.default_language)
        self._background: set[asyncio.Task[None]] = set()
        self._seen: OrderedDict[int, None] = OrderedDict()

    @property
    def bot_username(self) -> str:
        return self.app.router.settings.bot_username

    def set_bot_username(self, username: str) -> None:
        self.app.router.settings = dataclasses.replace(self.app.router.settings, bot_username=username)

    def _replayed(self, update_id: int) -> bool:
        if update_id in self._seen:
            return True
        self._seen[update_id] = None
        if len(self._seen) > REMEMBERED_UPDATES:
            self._seen.popitem(last=False)
        return False

    async def on_update(self, update: Update, context: Any) -> None:
        """Every message and button press (python-telegram-bot calls this; errors go to ``Alerts``).
        An update seen before (Telegram posts it again when a webhook answer came late) is dropped."""
        if self._replayed(update.update_id):
            log.info("update %s delivered again: dropped", update.update_id)
            return
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # an old query cannot be answered; the press still counts
                await update.callback_query.answer()
        incoming = to_incoming(update)
        if incoming is None:
            return
        if incoming.callback is not None:
            line = await self.buttons.resolve(incoming.chat_id, incoming.callback)
            if line is None:
                await self._say(incoming, Reply("telegram/button_expired"))
                return
            incoming = dataclasses.replace(incoming, callback=line)
            if line.startswith(CHART_PREFIX):
                await self._chart(incoming, line)
                return
        if incoming.is_group:
            verdict = in_group(incoming, self.bot_username, self.app.router.commands)
            if verdict is InGroup.IGNORE:
                return
            if verdict is InGroup.REFUSE:
                await self._say(incoming, Reply("telegram/group_private", {"bot": self.bot_username}))
                return
        incoming = await self._with_content(incoming)
        lang, replies = await self.app.router.handle(incoming)
        edit_id = incoming.message_id if incoming.callback is not None else None
        for reply in replies:
            await self.sender.send(incoming.chat_id, lang, reply, edit_message_id=edit_id if reply.edit else None)
            if reply.edit:
                edit_id = None  # one message is edited once; later replies come below it
            if reply.template == "errors/internal":
                self._later(self.alerts.alert(str(reply.context.get("reference", "")), "handler"))
        parsed = parse_command(incoming.callback or incoming.text, self.bot_username)
        if parsed is not None and parsed.command in REFRESH_MENU_AFTER and not incoming.is_group:
            self._later(self.menus.refresh(incoming.user_id, incoming.chat_id))

    async def _chart(self, incoming: Incoming, line: str) -> None:
        """The "📊" button: rankings are for registered officials (a group's included), so no router."""
        who = await sender(self.app.sessions, incoming.user_id)
        spec = chart_spec(line)
        if who is None or spec is None:
            await self._say(incoming, Reply("account/register_prompt" if who is None else "telegram/button_expired"))
            return
        await self.sender.send_chart(incoming.chat_id, who.language, spec)

    async def _say(self, incoming: Incoming, reply: Reply) -> None:
        """A reply of the channel itself, in the sender's language."""
        who = await sender(self.app.sessions, incoming.user_id)
        await self.sender.send(incoming.chat_id, who.language if who else self.app.config.bot.default_language, reply)

    async def _with_content(self, incoming: Incoming) -> Incoming:
        """Download an admin's spreadsheet (within the size limit) so the upload handler can read it."""
        file = incoming.file
        if file is None or file.kind != "document" or not is_spreadsheet(file.name) or file.size > MAX_UPLOAD_BYTES:
            return incoming
        who = await sender(self.app.sessions, incoming.user_id)
        if who is None or who.role != Role.ADMIN:
            return incoming
        content = await download(self.bot, file)
        return dataclasses.replace(incoming, file=dataclasses.replace(file, content=content))

    def publish_menus(self) -> None:
        self._later(self.menus.publish())

    def _later(self, work: Any) -> None:
        """Run ``work`` without holding up the chat's next update; keep a reference until it ends."""
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def wait_background(self) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)


async def download(bot: Bot, file: FileRef) -> bytes | None:
    """getFile, then the file itself; None when Telegram refuses it (too big for the Bot API)."""
    try:
        found = await bot.get_file(file.file_id)
        if found.file_size and found.file_size > MAX_UPLOAD_BYTES:
            return None
        return bytes(await found.download_as_bytearray())
    except TelegramError as exc:
        log.warning("could not download file %s: %s", file.file_id, exc)
        return None
