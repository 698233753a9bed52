"""One HTTP server for the webhooks of every channel (tornado, already a dependency of
python-telegram-bot's webhooks): each channel adds a route, ``path -> Route``, and the server answers
each POST with the status the route returns. A route checks its own secret header before it reads the
body, hands the update over and returns at once; the work happens after the answer.

Telegram and Zalo on one port (``[telegram].webhook_port == [zalo].webhook_port``)::

    server = WebhookServer(listen, port)
    server.add(config.zalo.webhook_path, zalo_route)                 # bot.zalo.runner.running(app, server=...)
    server.add(config.telegram.webhook_path, telegram_route(application, config.telegram.webhook_secret))
    await server.start()

For Telegram this replaces ``updater.start_webhook``: the runner calls ``bot.set_webhook(url,
secret_token=…)`` and ``application.start()`` itself, and ``telegram_route`` puts each update on the
Application's ``update_queue`` (python-telegram-bot's "custom webhook" pattern).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

log = logging.getLogger(__name__)

Route = Callable[[Mapping[str, str], bytes], Awaitable[int]]  # (headers, body) -> HTTP status
MAX_BODY = 1024 * 1024  # bytes; a route may refuse less


class _RouteHandler(tornado.web.RequestHandler):
    def initialize(self, routes: dict[str, Route]) -> None:
        self.routes = routes

    async def post(self) -> None:
        route = self.routes.get("/" + self.request.path.strip("/"))
        if route is None:
            self.set_status(404)
            self.finish()
            return
        try:
            status = await route(self.request.headers, self.request.body)
        except Exception:
            log.exception("webhook route %s failed", self.request.path)
            status = 500
        self.set_status(status)
        self.finish()

    async def get(self) -> None:
        self.set_status(405)  # a health check finds the server up; nothing is read
        self.finish()


class WebhookServer:
    def __init__(self, listen: str = "127.0.0.1", port: int = 0, *, max_body: int = MAX_BODY) -> None:
        self.listen, self.port, self.max_body = listen, port, max_body
        self.routes: dict[str, Route] = {}
        self._http: tornado.httpserver.HTTPServer | None = None

    def add(self, path: str, route: Route) -> None:
        path = "/" + path.strip("/")
        if path in self.routes:
            raise ValueError(f"two webhooks on the path {path}")
        self.routes[path] = route  # looked up per request: a route may come after the server started

    async def start(self) -> None:
        handlers: list[Any] = [(r"/.*", _RouteHandler, {"routes": self.routes})]
        application = tornado.web.Application(handlers, log_function=lambda handler: None)
        sockets = tornado.netutil.bind_sockets(self.port, self.listen)
        self.port = sockets[0].getsockname()[1]
        self._http = tornado.httpserver.HTTPServer(application, max_body_size=self.max_body)
        self._http.add_sockets(sockets)
        log.info("webhooks on %s:%d: %s", self.listen, self.port, ", ".join(self.routes))

    async def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()
            self._http = None


def secret_matches(given: str | None, secret: str) -> bool:
    """Constant-time comparison of a secret header (a missing header never matches)."""
    return given is not None and bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


def telegram_route(application: Any, secret: str) -> Route:
    """Telegram's webhook as a route: the ``X-Telegram-Bot-Api-Secret-Token`` checked, each update put on
    python-telegram-bot's ``application.update_queue`` (the Application must be started)."""
    from telegram import Update

    async def route(headers: Mapping[str, str], body: bytes) -> int:
        if not secret_matches(headers.get("X-Telegram-Bot-Api-Secret-Token"), secret):
            return 403
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, TypeError, KeyError):
            return 400
        await application.update_queue.put(update)
        return 200

    return route
