"""From the core's Reply to Telegram calls: HTML text (the renderer escapes everything that came from
data), the inline keyboard, an edit in place when a button asked for one, texts over 4,096 UTF-16 units
split at line ends. A reply with a chart offers it with a "📊" button (``/bieudo …``, answered by the
router with the chart itself, ``Reply.chart_now``), which is drawn while the chat shows "typing" and sent
as a photo (the same chart asked again within ten minutes is
re-sent by its Telegram file id, without drawing or uploading it). A reply with a file (``Reply.document``,
built by ``bot/exports.py``) is sent as a document with the text as its caption."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from bot.charts import Charts
from bot.exports import Exports
from bot.render import Renderer
from bot.repeating import repeating
from bot.split import split_text as split
from bot.split import utf16_len
from bot.telegram.buttons import Buttons
from handlers.base import Attachment, Button, Reply
from handlers.charts import chart_line

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHART_CACHE_SECONDS = 600.0  # a chart's numbers change with an import or a day's measurements
CHART_CACHE_SIZE = 512
TYPING_EVERY = 4.5  # Telegram shows a chat action for about 5 seconds
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` UTF-16 units, cut at line ends (a longer line at a space), never inside
    a tag, an entity or a character; the HTML elements open at a cut are closed and opened again, so
    each piece parses on its own (``bot.split``)."""
    return split(text, limit, html=True)


class ReplySender:
    def __init__(
        self, bot: Bot, renderer: Renderer, buttons: Buttons, charts: Charts, exports: Exports | None = None
    ) -> None:
        self.bot, self.renderer, self.buttons, self.charts = bot, renderer, buttons, charts
        self.exports = exports or Exports(charts.sessions, renderer)
        self._photos: dict[str, tuple[str, float]] = {}  # chart -> (Telegram file id, valid until)

    async def send(self, chat_id: str, lang: str, reply: Reply, *, edit_message_id: str | None = None) -> None:
        """Send one Reply to ``chat_id``; with ``edit_message_id``, replace that message where possible."""
        if reply.chart_now and reply.chart:
            await self.send_chart(chat_id, lang, reply.chart)
            return
        text = self.renderer.render(lang, reply, "html")
        offer = chart_line(reply.chart) if reply.chart else None
        if offer is not None:  # the chart is drawn when asked for: most readers want the numbers only
            reply = dataclasses.replace(reply, buttons=[*reply.buttons, [Button("charts.offer", offer)]])
        markup = await self.buttons.keyboard(chat_id, lang, reply)
        if reply.attachment is not None and reply.attachment.channel == "telegram":
            await self.send_file(chat_id, reply.attachment, text, markup)
            return
        if reply.document is not None and await self.send_document(chat_id, lang, reply.document, text, markup):
            return
        if not text:
            return
        editable = reply.edit and edit_message_id and utf16_len(text) <= MAX_TEXT
        if editable and await self._edit(chat_id, int(edit_message_id or 0), text, markup):
            return
        await self.send_text(chat_id, text, markup)

    async def send_text(self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        pieces = split_text(text)
        for number, piece in enumerate(pieces, start=1):
            await self.bot.send_message(
                chat_id,
                piece,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if number == len(pieces) else None,
                link_preview_options=NO_PREVIEW,
            )

    async def send_file(
        self, chat_id: str, attachment: Attachment, caption: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """A photo or document a user sent earlier, by its Telegram file id, with the text as its caption
        (a caption longer than Telegram allows goes first as a message of its own)."""
        if utf16_len(caption) > MAX_CAPTION:
            await self.send_text(chat_id, caption)
            caption = ""
        send = self.bot.send_photo if attachment.kind == "photo" else self.bot.send_document
        await send(chat_id, attachment.file_id, caption=caption or None, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def send_document(
        self, chat_id: str, lang: str, spec: dict[str, Any], caption: str, markup: InlineKeyboardMarkup | None
    ) -> bool:
        """Build the files and send them, the text as the first one's caption; False when there is nothing
        to send."""
        async with self.typing(chat_id):
            built = await self.exports.files(lang, spec)
        if not built:
            return False
        if utf16_len(caption) > MAX_CAPTION:
            await self.send_text(chat_id, caption)
            caption = ""
        for number, file in enumerate(built):
            await self.bot.send_document(
                chat_id,
                file.content,
                filename=file.filename,
                caption=(caption or None) if number == 0 else None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if number == 0 else None,
            )
        return True

    async def _edit(self, chat_id: str, message_id: int, text: str, markup: InlineKeyboardMarkup | None) -> bool:
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            if "not modified" in str(exc):
                return True  # the same page pressed twice: nothing to change
            log.info("could not edit message %s in chat %s (%s); sending a new one", message_id, chat_id, exc)
            return False
        return True

    async def send_chart(self, chat_id: str, lang: str, spec: dict[str, Any]) -> None:
        """Draw and send the chart; the same chart asked again soon is re-sent by its Telegram file id."""
        key = json.dumps([lang, spec], sort_keys=True, default=str)
        cached = self._photos.get(key)
        if cached is not None and cached[1] > time.monotonic():
            try:
                await self.bot.send_photo(chat_id, cached[0])
                return
            except BadRequest:
                del self._photos[key]
        async with self.typing(chat_id):
            png = await self.charts.draw(lang, spec)
        if png is None:
            return
        message = await self.bot.send_photo(chat_id, png, filename="chart.png")
        if message.photo:
            if len(self._photos) >= CHART_CACHE_SIZE:
                self._photos.pop(next(iter(self._photos)))
            self._photos[key] = (message.photo[-1].file_id, time.monotonic() + CHART_CACHE_SECONDS)

    @contextlib.asynccontextmanager
    async def typing(self, chat_id: str) -> AsyncIterator[None]:
        """Show "typing…" in the chat until the block ends (renewed every few seconds)."""
        async with repeating(lambda: self.bot.send_chat_action(chat_id, ChatAction.TYPING), TYPING_EVERY):
            yield
