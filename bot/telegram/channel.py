"""The Telegram channel: each update becomes the core's Incoming, goes into the inbox (``bot/inbox.py``:
duplicates, order, the router), and each Reply goes back as Telegram messages. What stays here is
Telegram's own: a button press is answered at once (the spinner stops) and edits its message in place
when the reply asks for it; callback data too long for Telegram is looked up (``buttons``); a file the
router says will be read is downloaded first; a chart is drawn and sent as a photo (``send``); the
command menus follow an official's registration and language (``commands``).

The router decides the rest: what is answered in a group (``in_groups=``), who may upload a file
(``takes_files=``/``files=``), who may see a chart (the 📊 button is the command ``/bieudo``)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.app import App
from bot.charts import Charts
from bot.inbox import Inbox, Seen
from bot.telegram.buttons import Buttons
from bot.telegram.commands import Menus
from bot.telegram.errors import Alerts
from bot.telegram.send import ReplySender
from bot.telegram.updates import to_incoming
from handlers.base import FileRef, Incoming, Reply
from handlers.router import InGroup

log = logging.getLogger(__name__)
REFRESH_MENU_AFTER = frozenset({"start", "ngonngu"})
REMEMBERED_UPDATES = 10_000  # update ids kept to drop a redelivered update (webhook retries)


class TelegramChannel:
    def __init__(self, app: App, bot: Bot, inbox: Inbox | None = None) -> None:
        self.app, self.bot = app, bot
        self.inbox = inbox or Inbox(app.router, seen=Seen(ttl=None, size=REMEMBERED_UPDATES))
        self.buttons = Buttons(app.sessions, app.clock, app.renderer)
        self.sender = ReplySender(bot, app.renderer, self.buttons, Charts(app.sessions, app.clock, app.renderer))
        self.menus = Menus(bot, app.renderer, app.router, app.config.bot.default_language)
        self.alerts = Alerts(app.sessions, app.clock, self.sender, app.router)

    @property
    def bot_username(self) -> str:
        return self.app.router.settings.bot_username

    def set_bot_username(self, username: str) -> None:
        self.app.router.settings = dataclasses.replace(self.app.router.settings, bot_username=username)

    async def on_update(self, update: Update, context: object) -> None:
        """Every message and button press (python-telegram-bot calls this, in the chat's order through
        the inbox; errors go to ``Alerts``). An update seen before (Telegram posts it again when a
        webhook answer came late) is dropped."""
        if not self.inbox.first_time(update.update_id):
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
        incoming = await self._with_content(incoming)
        answer = await self.inbox.answer(incoming)
        if answer.group is InGroup.REFUSE:
            await self.sender.send(
                incoming.chat_id, answer.lang, Reply("telegram/group_private", {"bot": self.bot_username})
            )
        edit_id = incoming.message_id if incoming.callback is not None else None
        for reply in answer.replies:
            await self.sender.send(
                incoming.chat_id, answer.lang, reply, edit_message_id=edit_id if reply.edit else None
            )
            if reply.edit:
                edit_id = None  # one message is edited once; later replies come below it
            if reply.template == "errors/internal":
                self.inbox.later(self.alerts.alert(str(reply.context.get("reference", "")), "handler"))
        if answer.command in REFRESH_MENU_AFTER and not incoming.is_group:
            self.inbox.later(self.menus.refresh(incoming.user_id, incoming.chat_id))

    async def _say(self, incoming: Incoming, reply: Reply) -> None:
        """A reply of the channel itself, in the sender's language."""
        await self.sender.send(incoming.chat_id, await self.inbox.language(incoming), reply)

    async def _with_content(self, incoming: Incoming) -> Incoming:
        """Download the file when the router says it will be read (a spreadsheet an admin sent)."""
        file = incoming.file
        if file is None:
            return incoming
        limit = await self.inbox.may_download(incoming)
        if limit is None:
            return incoming
        content = await download(self.bot, file, limit)
        return dataclasses.replace(incoming, file=dataclasses.replace(file, content=content))

    def publish_menus(self) -> None:
        self.inbox.later(self.menus.publish())

    async def wait_background(self) -> None:
        await self.inbox.drain()


async def download(bot: Bot, file: FileRef, limit: int) -> bytes | None:
    """getFile, then the file itself; None when it is over ``limit`` bytes or Telegram refuses it."""
    try:
        found = await bot.get_file(file.file_id)
        if found.file_size and found.file_size > limit:
            return None
        return bytes(await found.download_as_bytearray())
    except TelegramError as exc:
        log.warning("could not download file %s: %s", file.file_id, exc)
        return None
