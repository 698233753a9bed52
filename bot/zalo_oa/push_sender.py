"""Pushes on the Zalo OA and by ZNS: a ``jobs.sender.Sender`` for the dispatcher, whose routing
(``jobs/oa_routing.py``) has already chosen the channel of each message.

- ``zalo_oa``: the merged items as plain text (``bot.push_path.PushSender.render``) in ≤ 2,000-unit
  pieces. The OA refusing because the window closed (the user stopped following, or wrote too long ago)
  forgets the interaction and answers "retry now": the rows go back to the outbox and are routed again
  (ZNS, another channel, or waiting). A refused token is renewed and the rows retried shortly.
- ``zns``: one urgent push as the ZNS template configured for its kind, its parameters taken from the
  push's context (``[zalo_oa.zns.templates.<kind>].params``; ISO dates written dd/mm/yyyy), to the
  official's phone (read here, when it is sent: the chat names the official, ``official:<id>``, so no
  number is in the outbox or a log line); each delivered message is added to the month's spend
  (``jobs/zns_spend.py``). An invite (``/moi zns``) is a ``push/invite`` row queued straight for ZNS with
  the ``invite`` template.
  ``tracking_id`` is a hash of the push, the same for a retry of it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.push_path import PushSender
from bot.render import Renderer
from bot.split import split_text
from bot.zalo_oa.client import FailureKind, OaClient, OaError
from bot.zalo_oa.tokens import NoToken, Tokens
from jobs import zns_spend
from jobs.oa_routing import OA, ZNS, window_closed
from jobs.sender import Outcome, Outgoing
from models.clock import Clock
from models.settings_oa import ZaloOaConfig
from models.units import Official

log = logging.getLogger(__name__)
QUOTA_RETRY_SECONDS = 300.0
TOKEN_RETRY_SECONDS = 30.0
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def zns_value(value: Any) -> str:
    if isinstance(value, str) and (day := _ISO_DAY.match(value)):
        return f"{day.group(3)}/{day.group(2)}/{day.group(1)}"
    return "" if value is None else str(value)


def zns_data(params: dict[str, str], context: dict[str, Any]) -> dict[str, str]:
    """The template's parameters from the push's context (``"task.due"``: ``context["task"]["due"]``)."""
    data: dict[str, str] = {}
    for name, path in params.items():
        value: Any = context
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        data[name] = zns_value(value)
    return data


class OaPushSender:
    def __init__(
        self,
        client: OaClient,
        tokens: Tokens,
        renderer: Renderer,
        config: ZaloOaConfig,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
    ) -> None:
        self.client, self.tokens, self.config, self.sessions, self.clock = client, tokens, config, sessions, clock
        self._render = PushSender(renderer)

    @property
    def channels(self) -> frozenset[str]:
        return frozenset({OA, ZNS}) if self.config.zns.templates else frozenset({OA})

    async def send(self, out: Outgoing) -> Outcome:
        try:
            token = await self.tokens.access()
        except NoToken as exc:
            return Outcome.retry(TOKEN_RETRY_SECONDS, str(exc))
        try:
            if out.channel == OA:
                await self._oa(token, out)
            elif out.channel == ZNS:
                return await self._zns(token, out)
            else:
                return Outcome.fatal(f"no {out.channel} channel in the Zalo OA sender")
        except OaError as exc:
            return await self._failed(out, exc)
        return Outcome.sent()

    async def _oa(self, token: str, out: Outgoing) -> None:
        for piece in split_text(self._render.render(out, "text"), 2000):
            await self.client.send(token, out.chat_id, {"text": piece})

    async def _zns(self, token: str, out: Outgoing) -> Outcome:
        item = out.items[0]
        kind = item.template.removeprefix("push/")
        template = self.config.zns.templates.get(kind)
        if template is None or len(out.items) != 1:
            return Outcome.fatal(f"no ZNS template for {kind}")
        phone = await self._phone(out.official_id)
        if phone is None:
            return Outcome.fatal("the official has no mobile number any more")
        tracking = hashlib.sha256(json.dumps([item.template, item.context], sort_keys=True).encode()).hexdigest()[:40]
        data = zns_data(template.params, item.context)
        await self.client.send_zns(token, phone, template.template_id, data, tracking)
        async with self.sessions() as session, session.begin():
            state = await zns_spend.record(session, self.clock.now(), self.config.zns)
        log.info("ZNS %s sent (%d this month, %d VND)", kind, state.messages, state.vnd)
        return Outcome.sent()

    async def _phone(self, official_id: int | None) -> str | None:
        """The official's number as it is now: routing and invites name the official, never the number, so
        no outbox row, log line or error holds it."""
        if official_id is None:
            return None
        async with self.sessions() as session:
            return await session.scalar(select(Official.phone).where(Official.id == official_id))

    async def _failed(self, out: Outgoing, exc: OaError) -> Outcome:
        kind = exc.kind
        if kind is FailureKind.WINDOW and out.channel == OA:
            async with self.sessions() as session, session.begin():
                await window_closed(session, out.chat_id, self.clock.now())
            return Outcome.retry(0.0, f"Zalo OA window closed ({exc.code})")
        if kind is FailureKind.TOKEN:
            await self.tokens.refresh(force=True)
            return Outcome.retry(TOKEN_RETRY_SECONDS, f"Zalo OA token refused ({exc.code})")
        if kind is FailureKind.QUOTA:
            return Outcome.retry(QUOTA_RETRY_SECONDS, f"Zalo OA quota ({exc.code}): {exc.message}")
        if exc.may_have_arrived:
            return Outcome.uncertain(str(exc))
        if kind is FailureKind.RETRY:
            return Outcome.failed(str(exc))
        return Outcome.fatal(str(exc))  # a wrong phone, template or parameter: sending again changes nothing
