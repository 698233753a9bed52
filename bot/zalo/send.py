"""From the core's Reply to Zalo calls: plain text (the renderer's ``text`` format, buttons as numbered
options a reply with the number presses), split at line ends into pieces of at most 2,000 UTF-16 code
units (Zalo's limit; a surrogate pair is never cut, an empty piece never sent); markdown only when
configured, and then a real markdown rendering of the plain text (every markdown character of the data
escaped, so Zalo shows exactly the plain text), re-sent as plain text without ``parse_mode`` when Zalo
refuses it. A photo refused with 429 waits and is tried again like text. A chart goes out as a photo only when
``[zalo].public_image_url`` is set: the PNG is written to ``[zalo].image_dir`` under a name made of its
hash, and Zalo fetches it from ``<public_image_url>/<name>.png`` (Zalo cannot receive an upload). A reply's
file (``Reply.document``: /xephang … xlsx) goes the same way, under an unguessable name, sent as a link
line; without a public URL, one line says where Excel files come instead. Writing one deletes those
written more than ``[zalo].file_days`` days before.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.charts import Charts
from bot.config import ZaloConfig
from bot.exports import Exports
from bot.render import Renderer
from bot.repeating import repeating
from bot.split import split_text as split
from bot.split import utf16_len as utf16_len  # re-exported: the Zalo tests and callers count with it
from bot.zalo.client import FailureKind, ZaloClient, ZaloError
from handlers.base import Reply

log = logging.getLogger(__name__)

MAX_TEXT = 2000  # UTF-16 code units
TYPING_AFTER = 0.8  # seconds: a quicker answer needs no typing indicator
TYPING_EVERY = 4.5
DAY = 86_400  # seconds
QUOTA_PAUSES = (2.0, 6.0)  # a reply refused with 429 is tried again after these pauses, then dropped
_MARKDOWN = re.compile(r"([\\`*_~])")  # what Zalo's markdown reads anywhere in a line (it has no links)
_LINE_START = re.compile(r"^(\s*)([#>])", re.MULTILINE)  # headings and quotes


def markdown(text: str) -> str:
    """``text`` as markdown that shows as ``text``: every character markdown would read, escaped."""
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", _MARKDOWN.sub(r"\\\1", text))


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` UTF-16 units, cut at line ends (a longer line at a space, never inside
    a character as a reader sees it); none empty (``bot.split``)."""
    return split(text, limit)


class ZaloSender:
    def __init__(self, client: ZaloClient, renderer: Renderer, charts: Charts, config: ZaloConfig) -> None:
        self.client, self.renderer, self.charts, self.config = client, renderer, charts, config
        self.exports = Exports(charts.sessions, renderer)
        self.quota_pauses = QUOTA_PAUSES

    async def send(self, chat_id: str, lang: str, reply: Reply) -> None:
        """One Reply: its text in pieces, then its chart (when images can be published)."""
        text = self.renderer.render(lang, reply, "text", numbered_buttons=True)
        if text:
            await self.send_text(chat_id, text)
        if reply.chart and self.config.public_image_url:
            await self.send_chart(chat_id, lang, reply.chart)
        if reply.document:
            await self.send_document(chat_id, lang, reply.document)
        attachment = getattr(reply, "attachment", None)  # a photo by file id, on its own channel only
        if attachment is not None and getattr(attachment, "channel", "") == "zalo":
            url = str(getattr(attachment, "file_id", ""))
            if url.startswith(("https://", "http://")):
                await self._patient(functools.partial(self.client.send_photo, chat_id, url))

    async def send_text(self, chat_id: str, text: str) -> None:
        for piece in split_text(text):
            await self._patient(functools.partial(self._send_piece, chat_id, piece))

    async def _send_piece(self, chat_id: str, piece: str) -> None:
        if not self.config.markdown:
            await self.client.send_message(chat_id, piece)
            return
        rendered = markdown(piece)
        if utf16_len(rendered) > MAX_TEXT:  # the escapes made it too long: plain text says the same
            await self.client.send_message(chat_id, piece)
            return
        try:
            await self.client.send_message(chat_id, rendered, parse_mode="markdown")
        except ZaloError as exc:
            if exc.code != 400:
                raise
            log.info("Zalo refused markdown in chat %s (%s); sending plain text", chat_id, exc.description)
            await self.client.send_message(chat_id, piece)

    async def _patient(self, make: Callable[[], Awaitable[object]]) -> None:
        """Make a call; when Zalo answers 429 (quota), wait and make it again a couple of times."""
        for pause in (*self.quota_pauses, None):
            try:
                await make()
                return
            except ZaloError as exc:
                if exc.kind is not FailureKind.QUOTA or pause is None:
                    raise
                log.warning("Zalo quota exceeded; the reply waits %.1f s", pause)
                await asyncio.sleep(pause)

    async def send_chart(self, chat_id: str, lang: str, spec: dict[str, Any]) -> None:
        async with self.typing(chat_id, after=0):
            png = await self.charts.draw(lang, spec)
        if png is None:
            return
        name = hashlib.sha256(png).hexdigest()[:32] + ".png"
        folder = Path(self.config.image_dir)
        path = folder / name
        if not path.exists():
            await asyncio.to_thread(_write, path, png)
        url = f"{self.config.public_image_url.rstrip('/')}/{name}"
        await self._patient(functools.partial(self.client.send_photo, chat_id, url))

    async def send_document(self, chat_id: str, lang: str, spec: dict[str, Any]) -> None:
        """The file as a link to a copy under ``image_dir`` (a name nobody can guess: the table is the
        asker's province's); without a public URL, the line saying where files come."""
        if not self.config.public_image_url:
            said = Reply("zalo/no_files", {"report": spec.get("kind") == "report"})  # a report: Word and Excel
            await self.send_text(chat_id, self.renderer.render(lang, said, "text"))
            return
        async with self.typing(chat_id, after=0):
            built = await self.exports.files(lang, spec)
        folder, names = Path(self.config.image_dir), []
        for file in built:  # each file its own link (a report: the draft, then its appendix)
            names.append(f"{secrets.token_urlsafe(24)}/{file.filename}")
            await asyncio.to_thread(_write, folder / names[-1], file.content)
        if built:
            await asyncio.to_thread(_forget_files, folder, self.config.file_days * DAY, time.time())
        for name in names:
            url = f"{self.config.public_image_url.rstrip('/')}/{name}"
            await self.send_text(chat_id, self.renderer.render(lang, Reply("zalo/file_link", {"url": url}), "text"))

    @contextlib.asynccontextmanager
    async def typing(self, chat_id: str, *, after: float = TYPING_AFTER) -> AsyncIterator[None]:
        """Show "typing…" once the block has taken ``after`` seconds, renewed until it ends."""
        async with repeating(lambda: self.client.send_chat_action(chat_id, "typing"), TYPING_EVERY, after=after):
            yield


def _forget_files(folder: Path, age: float, now: float) -> None:
    """Delete the files sent as links (``<token>/<name>`` under ``image_dir``) written more than ``age``
    seconds before ``now``: a link is for the days after the question, and a province's tables should not
    pile up on a public server. Charts (``<hash>.png`` at the top) stay: the same chart is sent again under
    the same name. A file that cannot be deleted is left for the next time, the reply is not failed."""
    try:
        for entry in folder.iterdir():
            if not entry.is_dir():
                continue
            files = list(entry.iterdir())
            if all(file.is_file() and file.stat().st_mtime < now - age for file in files):
                for file in files:
                    file.unlink(missing_ok=True)
                entry.rmdir()
    except OSError as exc:
        log.warning("Old Zalo files under %s not deleted: %s", folder, type(exc).__name__)


def _write(path: Path, png: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(png)
    partial.replace(path)  # Zalo never fetches half a file
