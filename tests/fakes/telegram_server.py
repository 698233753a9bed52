"""A fake Telegram Bot API server on real HTTP (tornado, 127.0.0.1, a random port), for the end-to-end
tests and the benchmark. ``FakeTelegram`` is the world of ``telegram_world`` put on the network:

    async with FakeTelegram() as tg:
        tg.user(1001)
        ... build the bot with base_url=tg.base_url, base_file_url=tg.base_file_url ...
        await tg.send_text(1001, "/help")
        reply = await tg.next_sent(1001)

``/bot<token>/<method>`` answers the Bot API methods of ``telegram_methods`` (form, multipart or JSON
parameters, like the real server); ``/file/bot<token>/<path>`` serves stored files. While a webhook is
set, every new update is POSTed to it with the ``X-Telegram-Bot-Api-Secret-Token`` header, in order,
retrying failed deliveries as Telegram does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

from tests.fakes.local_server import LocalServer
from tests.fakes.sent_log import Call
from tests.fakes.telegram_methods import METHODS, Upload
from tests.fakes.telegram_world import ApiError, World

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
# Sent as they are: everything else is JSON-decoded when it parses (numbers, objects, lists, booleans).
STRING_PARAMS = {"text", "caption", "callback_query_id", "secret_token", "url", "file_id", "action", "parse_mode",
                 "language_code", "photo", "document", "inline_message_id", "ip_address"}  # fmt: skip
log = logging.getLogger(__name__)


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in STRING_PARAMS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


class ApiHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def get(self, token: str, name: str) -> None:
        await self.answer(token, name)

    async def post(self, token: str, name: str) -> None:
        await self.answer(token, name)

    def _raw_params(self) -> dict[str, str]:
        raw = {k: v[-1].decode() for k, v in self.request.query_arguments.items()}
        if self.request.headers.get("Content-Type", "").startswith("application/json") and self.request.body:
            body = json.loads(self.request.body)
            return {**raw, **{k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}}
        raw.update({k: v[-1].decode() for k, v in self.request.body_arguments.items()})
        return raw

    async def answer(self, token: str, name: str) -> None:
        fake = self.fake
        params = decode_params(self._raw_params())
        files: dict[str, Upload] = {k: (f[0].filename, f[0].body) for k, f in self.request.files.items()}
        call = Call(name, params, time.monotonic())
        fake.calls.append(call)
        try:
            if token != fake.token:
                raise ApiError(401, "Unauthorized")
            fault = fake.faults.take(name)
            if fault is not None:
                if fault.kind == "drop":
                    call.status = 0
                    self.request.connection.stream.close()  # type: ignore[attr-defined]
                    await fake.notify()  # the call is recorded: a test waiting for it must hear of it
                    return
                if fault.kind == "slow":
                    await asyncio.sleep(fault.delay)
                elif fault.kind == "flood":
                    raise ApiError(429, f"Too Many Requests: retry after {fault.retry_after}", fault.retry_after)
                else:
                    raise ApiError(fault.status, "Internal Server Error" if fault.status == 500 else "Bad Gateway")
            chat_id = params.get("chat_id")
            wait = fake.flood.check(name, chat_id if isinstance(chat_id, int) else None)
            if wait:
                raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
            handler = METHODS.get(name)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(fake, params, files)
        except ApiError as error:
            call.status = error.code
            self.set_status(error.code)
            body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
            if error.retry_after:
                body["parameters"] = {"retry_after": error.retry_after}
            self.finish(body)
            return
        self.finish({"ok": True, "result": result})

    def log_exception(self, *args: Any) -> None:
        if not self.request.connection or not self.request.connection.stream.closed():  # type: ignore[attr-defined]
            super().log_exception(*args)


class FileHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def get(self, token: str, path: str) -> None:
        stored = self.fake.file_by_path(path) if token == self.fake.token else None
        self.fake.calls.append(Call("download", {"path": path}, time.monotonic(), 200 if stored else 404))
        if stored is None:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(stored.content)


class FakeTelegram(World, LocalServer):
    def __init__(self, token: str = TOKEN, bot_username: str = "cchc_test_bot") -> None:
        super().__init__(token, bot_username)
        self.port = 0
        self.deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status) of webhook POSTs
        self._http: tornado.httpserver.HTTPServer | None = None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self.on_update = self._queue.put_nowait

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    max_body = 60 * 1024 * 1024

    def routes(self) -> list[Any]:
        return [
            (r"/bot([^/]+)/([A-Za-z]+)", ApiHandler, {"fake": self}),
            (r"/file/bot([^/]+)/(.+)", FileHandler, {"fake": self}),
        ]

    async def _deliver(self) -> None:
        """POST each update to the webhook in order; a failed delivery is retried a few times."""
        async with httpx.AsyncClient(timeout=10) as client:
            while True:
                update = await self._queue.get()
                for _attempt in range(5):
                    hook = self.webhook
                    if not hook:
                        break
                    headers = (
                        {"X-Telegram-Bot-Api-Secret-Token": hook["secret_token"]} if hook.get("secret_token") else {}
                    )
                    try:
                        response = await client.post(_plain(hook["url"]), json=update, headers=headers)
                        status = response.status_code
                    except httpx.HTTPError:
                        status = 0
                    self.deliveries.append((update["update_id"], status))
                    if status == 200:
                        self.updates = [u for u in self.updates if u["update_id"] != update["update_id"]]
                        break
                    await asyncio.sleep(0.2)
                await self.notify()


def _plain(url: str) -> str:
    """Where the fake posts a webhook: an https:// URL on this machine is reached over plain HTTP, as a
    TLS-terminating proxy in front of the bot would (the bot requires https:// in its config; the tests
    have no certificates)."""
    for host in ("https://127.0.0.1:", "https://localhost:"):
        if url.startswith(host):
            return "http://" + url.removeprefix("https://")
    return url
