"""A fake Zalo Bot API server on real HTTP (tornado, 127.0.0.1, a random port), with the shapes of
``ZALO_BOT_API.md``, for the end-to-end tests and the benchmark:

    async with FakeZalo() as zalo:
        uid = zalo.user("Nguyễn Văn An")
        ... config [zalo] base_url=zalo.base_url, token=TOKEN ...
        await zalo.send_text(uid, "/help")
        reply = await zalo.next_sent(uid)

``/bot<token>/<method>`` (method names case-sensitive; JSON, form or query parameters) answers getMe,
getUpdates (one update per call; HTTP 408 "Request timeout" when none came within the timeout; 400 while a
webhook is set), setWebhook / deleteWebhook / getWebhookInfo (404 when none), sendMessage (text of 1–2,000
UTF-16 units), sendPhoto (an http(s) URL), sendChatAction ("typing"). Failures are ``{ok: false,
error_code, description}`` with the same HTTP status. ``faults`` forces answers (429 "Quota exceeded",
5xx, ...). While a webhook is set, each new update is POSTed to it with ``X-Bot-Api-Secret-Token``, flat
or wrapped (``wrapped``); ``post_webhook`` posts any body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

from tests.fakes.local_server import LocalServer
from tests.fakes.sent_log import Call
from tests.fakes.zalo_world import ApiError, Sent, World, hex_id

TOKEN = "3051247896:ZaloFakeTokenForTestsOnly_abcXYZ"
MAX_TEXT = 2000
MAX_WAIT = 2.0  # a long poll here waits at most this long, whatever timeout the bot asks for


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _text(params: dict[str, Any], key: str, *, required: bool) -> str:
    value = params.get(key)
    if value is None:
        if required:
            raise ApiError(400, f"Bad Request: {key} is required")
        return ""
    if not isinstance(value, str) or not 1 <= utf16_units(value) <= MAX_TEXT:
        raise ApiError(400, f"Bad Request: {key} must be 1-{MAX_TEXT} characters")
    return value


def _chat(params: dict[str, Any]) -> str:
    chat = params.get("chat_id")
    if not isinstance(chat, str) or not chat:
        raise ApiError(400, "Bad Request: chat_id is required")
    return chat


class FakeZalo(World, LocalServer):
    def __init__(self, token: str = TOKEN) -> None:
        super().__init__(token)
        self.port = 0
        self.deliveries: list[tuple[str, int]] = []  # (message id, HTTP status) of webhook POSTs
        self._http: tornado.httpserver.HTTPServer | None = None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self.on_update = self._queue.put_nowait
        self.bots: dict[str, FakeZalo] = {token: self}  # token -> its bot: several bots on one server
        self._others: list[FakeZalo] = []

    def another_bot(self, token: str, bot_id: str, name: str) -> FakeZalo:
        """A second bot on this server (its own token, so its own ``/bot<token>/`` paths, users, updates,
        webhook and record of what it sent), as one Zalo account's several bots are."""
        other = FakeZalo(token)
        other.me = {**self.me, "id": bot_id, "display_name": name, "account_name": f"bot.{bot_id}"}
        other.port = self.port
        other._worker = asyncio.create_task(other._deliver())
        self.bots[token] = other
        self._others.append(other)
        return other

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def routes(self) -> list[Any]:
        return [(r"/bot([^/]+)/([A-Za-z]+)", ApiHandler, {"fake": self})]

    async def stop(self) -> None:
        for other in self._others:
            await other.stop()
        await super().stop()
        if self._client is not None:
            await self._client.aclose()

    # ---- the methods ----------------------------------------------------------------------------------
    async def answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return self.me
        if name == "getUpdates":
            if self.webhook:
                raise ApiError(400, "Bad Request: webhook is set, call deleteWebhook before getUpdates")
            wait = params.get("timeout", 30)
            wait = min(float(wait) if str(wait).isdigit() else 30.0, MAX_WAIT)
            with contextlib.suppress(TimeoutError):
                await self.wait_for(lambda: bool(self.pending), wait)
            update = self.take_update()
            if update is None:
                raise ApiError(408, "Request timeout")
            return update
        if name == "setWebhook":
            url, secret = params.get("url"), params.get("secret_token")
            if not isinstance(url, str) or not url.startswith(("https://", "http://127.0.0.1")):
                raise ApiError(400, "Bad Request: url must be https")
            if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
                raise ApiError(400, "Bad Request: secret_token must be 8-256 characters")
            self.webhook = {"url": url, "secret_token": secret, "updated_at": int(time.time() * 1000)}
            return {"url": url, "updated_at": self.webhook["updated_at"]}
        if name == "deleteWebhook":
            self.webhook = None
            return {"url": "", "updated_at": int(time.time() * 1000)}
        if name == "getWebhookInfo":
            if not self.webhook:
                raise ApiError(404, "Not Found")
            return {"url": self.webhook["url"], "updated_at": self.webhook["updated_at"]}
        if name == "sendMessage":
            chat, text = _chat(params), _text(params, "text", required=True)
            mode = params.get("parse_mode") or ""
            if mode and (self.refuse_markdown or mode not in ("markdown", "html")):
                raise ApiError(400, "Bad Request: invalid parse_mode")
            return await self._sent(Sent("message", chat, hex_id(), text=text, parse_mode=mode))
        if name == "sendPhoto":
            chat, caption = _chat(params), _text(params, "caption", required=False)
            photo = params.get("photo")
            if not isinstance(photo, str) or not photo.startswith(("https://", "http://")):
                raise ApiError(400, "Bad Request: photo must be an image URL")
            return await self._sent(Sent("photo", chat, hex_id(), text=caption, photo=photo))
        if name == "sendChatAction":
            chat = _chat(params)
            if params.get("action") != "typing":
                raise ApiError(400, "Bad Request: unsupported action")
            self.sent.append(Sent("action", chat, action="typing"))
            await self.notify()
            return None
        raise ApiError(404, "Not Found")

    async def _sent(self, sent: Sent) -> dict[str, Any]:
        self.sent.append(sent)
        date = int(time.time() * 1000)
        if self.echo:  # Zalo delivers the bot's own messages back to it
            sender: dict[str, Any] = {"id": self.me["id"], "display_name": self.me["display_name"], "is_bot": True}
            if self.echo_without_bot_id:
                sender = {"id": hex_id(), "display_name": self.me["display_name"]}
            message = {"from": sender, "chat": {"id": sent.chat_id, "chat_type": "PRIVATE"},
                       "message_id": sent.message_id, "date": date, "text": sent.text}  # fmt: skip
            await self.push("message.text.received", message)
        await self.notify()
        return {"message_id": sent.message_id, "date": date}

    # ---- the webhook ----------------------------------------------------------------------------------
    async def post_webhook(self, body: Any, *, secret: str | None = None, raw: bytes | None = None) -> int:
        """POST ``body`` (JSON) or ``raw`` bytes to the webhook as Zalo would; the HTTP status."""
        assert self.webhook is not None, "no webhook set"
        headers = {"X-Bot-Api-Secret-Token": secret} if secret is not None else {}
        content = raw if raw is not None else json.dumps(body).encode()
        if raw is None:
            headers["Content-Type"] = "application/json"
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=10)  # one client: making one costs tens of ms
        response = await self._client.post(self.webhook["url"], content=content, headers=headers)
        return response.status_code

    async def _deliver(self) -> None:
        """POST each update to the webhook, in order, retrying a failed delivery a few times."""
        while True:
            update = await self._queue.get()
            body = {"ok": True, "result": update} if self.wrapped else update
            for _attempt in range(3):
                hook = self.webhook
                if not hook:
                    self.pending.append(update)
                    break
                try:
                    status = await self.post_webhook(body, secret=hook["secret_token"])
                except httpx.HTTPError:
                    status = 0
                self.deliveries.append((update["message"]["message_id"], status))
                if 200 <= status < 300:
                    break
                await asyncio.sleep(0.2)
            await self.notify()


class ApiHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeZalo) -> None:
        self.fake = fake

    async def get(self, token: str, name: str) -> None:
        await self.handle(token, name)

    async def post(self, token: str, name: str) -> None:
        await self.handle(token, name)

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {k: v[-1].decode() for k, v in self.request.query_arguments.items()}
        if self.request.headers.get("Content-Type", "").startswith("application/json") and self.request.body:
            body = json.loads(self.request.body)
            if isinstance(body, dict):
                params.update(body)
        else:
            params.update({k: v[-1].decode() for k, v in self.request.body_arguments.items()})
        return params

    async def handle(self, token: str, name: str) -> None:
        fake = self.fake.bots.get(token, self.fake)  # the bot of this token (several share the server)
        params = self._params()
        call = Call(name, params, time.monotonic())
        fake.calls.append(call)
        try:
            if token != fake.token:
                raise ApiError(401, "Unauthorized")
            fault = fake.faults.take(name)
            if fault is not None:
                raise ApiError(*fault)
            result = await fake.answer(name, params)
            delays = fake.late.get(name)
            if delays:  # done, but the answer comes after the caller stopped waiting
                await asyncio.sleep(delays.popleft())
        except ApiError as error:
            call.status = error.code
            self.set_status(error.code)
            self.finish({"ok": False, "error_code": error.code, "description": error.description})
            await fake.notify()
            return
        body: dict[str, Any] = {"ok": True}
        if result is not None:
            body["result"] = result
        if name == "getUpdates":
            body["error_code"] = 0  # as seen in real polled updates
        self.finish(body)
