"""The Zalo Bot API over httpx: ``POST <base>/bot<token>/<method>`` with a JSON body, the ``{ok, result}``
envelope checked on every answer (an HTTP 200 alone proves nothing), errors sorted by what to do next.

Error codes (docs/ZALO.md, ``ZALO_BOT_API.md`` §6): 401 is fatal (the token is wrong: an operator must fix
it); 429 "Quota exceeded" means back off; 403 (printed "Internal server error" in the docs), 408 outside
getUpdates, 5xx and network errors are transient and retried a few times; 400, 404 and other codes are
given up at once. An empty getUpdates is an HTTP 408 and means "no update".

Sends (``SENDS``: sendMessage, sendPhoto) are different: once the request has left, Zalo may have
delivered the message whatever comes back (a read timeout, a 5xx, a 403, a 200 without ``ok``), and a
retry would show it twice. So a send is retried only when the request never left (a connect error, a
connect or pool timeout: ``ZaloError.left`` is False), and every send that may have been delivered is
counted against the monthly budget (``on_sent``). The ids of the messages the bot sent are remembered
(``sent_by_me``, the last ``REMEMBERED_SENDS``) so that their echoes are never answered.

The token sits in every URL path: httpx logs each request's URL at INFO, so its logger gets a filter that
masks the token, and no exception raised here carries a URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

import httpx

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
CALL_TIMEOUT = 20.0  # seconds, every method but getUpdates and sendPhoto
PHOTO_TIMEOUT = 150.0  # sendPhoto: Zalo fetches the image before it answers
POLL_MARGIN = 10.0  # getUpdates: the read timeout is the poll timeout plus this
SENDS = frozenset({"sendMessage", "sendPhoto", "sendSticker"})
NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)  # the request did not go out
NOT_SENT = frozenset({400, 401, 404, 429})  # Zalo's answer says the message was not delivered
REMEMBERED_SENDS = 10_000


class FailureKind(Enum):
    """What a failed call calls for."""

    RETRY = "retry"  # transient: try again after a short pause
    QUOTA = "quota"  # 429 Quota exceeded: back off for longer
    GIVE_UP = "give_up"  # the request itself is wrong or its target is gone
    FATAL = "fatal"  # the token is refused: nothing will work until an operator fixes it


def classify(code: int) -> FailureKind:
    if code == 401:
        return FailureKind.FATAL
    if code == 429:
        return FailureKind.QUOTA
    if code in (0, 403, 408) or code >= 500:  # 0: no HTTP answer at all (network, timeout)
        return FailureKind.RETRY
    return FailureKind.GIVE_UP


class ZaloError(Exception):
    """A call that failed: ``code`` is the Zalo ``error_code`` (0 for a network failure)."""

    def __init__(self, method: str, code: int, description: str, *, left: bool = True) -> None:
        super().__init__(f"Zalo {method}: {code or 'network'} {description}".strip())
        self.method, self.code, self.description = method, code, description
        self.left = left  # the request reached the network (False: a connection was never made)

    @property
    def may_have_arrived(self) -> bool:
        """For a send: Zalo may have delivered it (the request left, and no answer says it did not)."""
        return self.left and self.code not in NOT_SENT

    @property
    def kind(self) -> FailureKind:
        return classify(self.code)


class _MaskTokens(logging.Filter):
    """Masks every registered token in the records of the logger it is attached to (httpx's)."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def mask(self, text: str) -> str:
        for token in self.tokens:
            text = text.replace(token, "***").replace(token.replace(":", "%3A"), "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.tokens:
            record.msg, record.args = self.mask(record.getMessage()), None
        return True


_MASK = _MaskTokens()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_MASK)


class ZaloClient:
    """One bot's calls. ``retries``: how often a transient failure is tried again (not 429, not getUpdates)."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        poll_timeout: float = 30,
        timeout: float = CALL_TIMEOUT,
        retries: int = 3,
        backoff: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not token:
            raise ValueError("no Zalo token")
        _MASK.tokens.add(token)
        self._token = token
        self.base_url = base_url.rstrip("/")
        self.poll_timeout, self.timeout, self.retries, self.backoff = poll_timeout, timeout, retries, backoff
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        self._http = httpx.AsyncClient(timeout=timeout, limits=limits, transport=transport)
        self.sent = 0  # messages and photos delivered (or that may have been: see SENDS)
        self.on_sent: Callable[[int], Awaitable[object]] | None = None  # the monthly budget's counter
        self._sent_ids: OrderedDict[str, None] = OrderedDict()  # the bot's own messages, to ignore their echoes
        self._sending: dict[str, int] = {}  # chat -> sends under way (an echo may come before their answer)
        self._settled = asyncio.Condition()

    def mask(self, text: str) -> str:
        return text.replace(self._token, "***")

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, params: dict[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """One call, no retry: the ``result`` on success, else ``ZaloError``."""
        url = f"{self.base_url}/bot{self._token}/{method}"
        try:
            response = await self._http.post(url, json=params or {}, timeout=timeout or self.timeout)
        except httpx.HTTPError as exc:  # its message may name the URL: keep only the kind of failure
            left = not isinstance(exc, NEVER_LEFT)
            raise ZaloError(method, 0, self.mask(f"{type(exc).__name__} {exc}"), left=left) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZaloError(method, response.status_code if response.status_code != 200 else 502, "not a JSON object")
        if body.get("ok") is True:
            return body.get("result")
        code = body.get("error_code")
        code = code if isinstance(code, int) and code else response.status_code
        raise ZaloError(method, code if code != 200 else 502, self.mask(str(body.get("description") or "")))

    async def request(self, method: str, params: dict[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """A call with the transient failures retried (``retries`` times, doubling pauses)."""
        for attempt in range(self.retries + 1):
            try:
                return await self.call(method, params, timeout=timeout)
            except ZaloError as exc:
                if exc.kind is not FailureKind.RETRY or attempt == self.retries:
                    raise
                if method in SENDS and exc.left:  # it may have arrived: a retry could deliver it twice
                    raise
                pause = self.backoff * 2**attempt
                log.warning(
                    "Zalo %s failed (%s); retry %d in %.2f s", method, exc.code or "network", attempt + 1, pause
                )
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    # ---- the methods ------------------------------------------------------------------------------
    async def get_me(self) -> dict[str, Any]:
        result = await self.request("getMe")
        return result if isinstance(result, dict) else {}

    async def get_update(self, timeout: int | None = None) -> list[dict[str, Any]]:
        """One long poll. Zalo answers one update (an object); an array is accepted too; an HTTP 408 is
        the empty poll (``[]``)."""
        wait = self.poll_timeout if timeout is None else timeout
        try:
            result = await self.call("getUpdates", {"timeout": wait}, timeout=wait + POLL_MARGIN)
        except ZaloError as exc:
            if exc.code == 408:
                return []
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        return [result] if isinstance(result, dict) else []

    async def send_message(self, chat_id: str, text: str, parse_mode: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if parse_mode:
            params["parse_mode"] = parse_mode
        return await self._send("sendMessage", params)

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> dict[str, Any]:
        params: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        return await self._send("sendPhoto", params, timeout=PHOTO_TIMEOUT)

    async def _send(self, method: str, params: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
        """A send: counted when it was delivered or may have been; its message id remembered."""
        chat = str(params["chat_id"])
        self._sending[chat] = self._sending.get(chat, 0) + 1
        try:
            return await self._send_once(method, params, timeout)
        finally:
            self._sending[chat] -= 1
            if not self._sending[chat]:
                del self._sending[chat]
            async with self._settled:
                self._settled.notify_all()

    async def settled(self, chat_id: str, timeout: float = CALL_TIMEOUT) -> None:
        """Wait until no send to ``chat_id`` is under way (so that its message id is known), at most ``timeout``."""
        if chat_id not in self._sending:
            return
        async with self._settled:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settled.wait_for(lambda: chat_id not in self._sending), timeout)

    async def _send_once(self, method: str, params: dict[str, Any], timeout: float | None) -> dict[str, Any]:
        try:
            result = await self.request(method, params, timeout=timeout)
        except ZaloError as exc:
            if exc.may_have_arrived:
                log.warning("Zalo %s to chat %s may have arrived (%s): not sent again", method, params["chat_id"],
                            exc.code or "network")  # fmt: skip
                await self._count()
            raise
        found = result if isinstance(result, dict) else {}
        if found.get("message_id"):
            self._sent_ids[str(found["message_id"])] = None
            if len(self._sent_ids) > REMEMBERED_SENDS:
                self._sent_ids.popitem(last=False)
        await self._count()
        return found

    def sent_by_me(self, message_id: str | None) -> bool:
        """Whether the bot itself sent the message ``message_id`` (an echo of it must not be answered)."""
        return bool(message_id) and message_id in self._sent_ids

    async def _count(self) -> None:
        self.sent += 1
        if self.on_sent is not None:
            await self.on_sent(1)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        result = await self.request("setWebhook", {"url": url, "secret_token": secret_token})
        return result if isinstance(result, dict) else {}

    async def delete_webhook(self) -> None:
        await self.request("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any] | None:
        """The webhook's ``{url, updated_at}``; None when none is set (Zalo answers 404 then)."""
        try:
            result = await self.request("getWebhookInfo")
        except ZaloError as exc:
            if exc.code == 404:
                return None
            raise
        return result if isinstance(result, dict) and result.get("url") else None
