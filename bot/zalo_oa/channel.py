"""The Zalo OA channel: each verified webhook event in (through the inbox, ``bot/inbox.py``), the replies
out as OA consultation messages.

A reply is plain text in pieces of at most 2,000 UTF-16 units (as on the Zalo bot); a reply with up to
``MAX_BUTTONS`` buttons gets them as real OA buttons on its last piece (``oa.query.show``: pressing one
sends its command line back as the user's message, checked like typed text); more buttons are numbered
lines, as on the Zalo bot (a reply with the number presses one).

Every event of a user records an interaction (``jobs.oa_routing.interacted``: their window opens) and
makes the pushes that waited for it due now (``release_waiting``); they go out merged, after the answer,
when the dispatcher is woken (``on_released``). Follow and unfollow are recorded the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from bot.app import App
from bot.inbox import Inbox
from bot.split import split_text
from bot.webhooks import Route
from bot.zalo_oa.client import FailureKind, OaClient, OaError
from bot.zalo_oa.events import CHANNEL, MAX_BODY, SIGNATURE_HEADER, Kind, read, verified
from bot.zalo_oa.tokens import Tokens
from handlers.base import Incoming, Reply
from jobs.oa_routing import interacted, release_waiting

log = logging.getLogger(__name__)
MAX_TEXT = 2000
MAX_BUTTONS = 5  # the most buttons an OA message is known to carry (docs/ZALO_OA.md)
MAX_LABEL = 100


class OaChannel:
    def __init__(self, app: App, client: OaClient, tokens: Tokens) -> None:
        self.app, self.client, self.tokens = app, client, tokens
        self.config = app.config.zalo_oa
        self.inbox = Inbox(app.router)
        self.on_released: Callable[[], None] | None = None  # the dispatcher's wake(), set by the runner
        self.handled = 0
        self.route = Route(self.webhook, SIGNATURE_HEADER, "signed", max_body=MAX_BODY, signed=True)

    async def webhook(self, headers: Mapping[str, str], body: bytes) -> int:
        """One POST of the OA: verified, read, handled in the background; 200 at once."""
        event = read(verified(headers, body, self.config.app_id, self.config.oa_secret_key))
        key = ("oa", event.message_id) if event.message_id else None
        if event.kind is Kind.IGNORE or not self.inbox.first_time(key):
            return 200
        if event.kind in (Kind.FOLLOW, Kind.UNFOLLOW):
            self.inbox.post(event.user_id, self._follow(event.user_id, event.kind is Kind.FOLLOW))
            return 200
        incoming = Incoming(CHANNEL, event.user_id, event.user_id, event.text, message_id=event.message_id or None)
        self.inbox.post(event.user_id, self._handle(incoming, readable=event.kind is Kind.TEXT))
        return 200

    async def _follow(self, user_id: str, followed: bool) -> None:
        await self._interacted(user_id, followed=followed)
        self.handled += 1

    async def _interacted(self, user_id: str, *, followed: bool = True) -> int:
        now = self.app.clock.now()
        async with self.app.sessions() as session, session.begin():
            await interacted(session, user_id, now, followed=followed)
            return await release_waiting(session, user_id, now) if followed else 0

    async def _handle(self, incoming: Incoming, *, readable: bool) -> None:
        try:
            released = await self._interacted(incoming.user_id)
            if not readable:
                await self.send(incoming.chat_id, await self.inbox.language(incoming), Reply("zalo_oa/unsupported"))
            else:
                answer = await self.inbox.answer(incoming, numbered_buttons=True)
                for reply in answer.replies:
                    await self.send(incoming.chat_id, answer.lang, reply)
            if released and self.on_released is not None:
                self.on_released()
        except OaError as exc:
            log.warning("Zalo OA: could not answer user %s: %s", incoming.user_id, exc)
        except Exception:
            log.exception("Zalo OA: event of user %s failed", incoming.user_id)
        finally:
            self.handled += 1

    async def send(self, user_id: str, lang: str, reply: Reply) -> None:
        """One reply: its text in pieces, its buttons (when few enough) on the last piece."""
        buttons = [button for row in reply.buttons for button in row]
        real = 0 < len(buttons) <= MAX_BUTTONS
        text = self.app.renderer.render(lang, reply, "text", numbered_buttons=not real)
        pieces = split_text(text, MAX_TEXT) if text else []
        for number, piece in enumerate(pieces, 1):
            message: dict[str, Any] = {"text": piece}
            if real and number == len(pieces):
                shown = [
                    {"title": self.app.renderer.label(lang, b)[:MAX_LABEL], "type": "oa.query.show", "payload": b.data}
                    for b in buttons
                ]
                message["attachment"] = {"type": "template", "payload": {"buttons": shown}}
            await self.send_message(user_id, message)

    async def send_message(self, user_id: str, message: dict[str, Any]) -> None:
        """One OA message; a refused token is renewed (or read again) and the message tried once more."""
        try:
            await self.client.send(await self.tokens.access(), user_id, message)
        except OaError as exc:
            if exc.kind is not FailureKind.TOKEN:
                raise
            await self.tokens.refresh(force=True)
            await self.client.send(await self.tokens.access(), user_id, message)

    async def wait_background(self) -> None:
        await self.inbox.drain()
