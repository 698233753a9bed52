"""One HTTP server for the webhooks of every channel: each channel adds a ``Route`` (its path, the header
carrying its secret, the largest body it takes, and what to do with a body), and the server answers each
POST with the status the route returns. The work happens after the answer.

Telegram and Zalo on one port (``[telegram].webhook_port == [zalo].webhook_port``)::

    server = server_for(config.telegram)
    server.add(config.zalo.webhook_path, zalo_webhook.route)          # bot.zalo.runner.running(app, server=...)
    server.add(config.telegram.webhook_path, telegram_route(application, config.telegram.webhook_secret))
    await server.start()

For Telegram this replaces ``updater.start_webhook``: the runner calls ``bot.set_webhook(url,
secret_token=…)`` and ``application.start()`` itself, and ``telegram_route`` puts each update on the
Application's ``update_queue`` (python-telegram-bot's "custom webhook" pattern).

Whoever reaches the port is a stranger until the secret header matches, so the server spends almost
nothing on them (``bot/webhook_http.py`` reads the requests):

- the request line and headers must arrive within ``header_seconds`` and fit in 16 KB; the secret is then
  compared (in constant time) before a byte of the body is read: a wrong one gets 403 and the connection
  is closed;
- a Content-Length over the route's limit gets 413 before the body is read, a chunked body that grows past
  it gets 413 too; the body must arrive within ``body_seconds``;
- at most ``max_connections`` connections are open: a new one closes the connection that has waited
  longest for its request (a slow client), or gets 503 when every connection is being answered;
- a body that is not the JSON the route expects gets 400 (``BadBody``), never 500;
- refusals are logged as one WARNING line per kind and minute, saying how many there were; a failing
  ``accept()`` (EMFILE, "Too many open files") is logged the same way and the server pauses accepting
  for a moment instead of trying again at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import logging
import resource
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.config import TelegramConfig, ZaloConfig
from bot.webhook_http import (
    MAX_HEADER_BYTES,
    Answer,
    BadBody,
    BadRequest,
    HttpRequest,
    read_body,
    read_json,
    read_request,
    refuse,
    respond,
    send,
)
from models.settings_oa import ZaloOaConfig

log = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, str], bytes], Awaitable[int]]  # (headers, body) -> HTTP status
Pages = Callable[[HttpRequest], Awaitable[Answer]]  # GET pages under a path (bot/dashboard/http.py)
MAX_BODY = 1024 * 1024  # bytes; a route may take less
ACCEPT_PAUSE = (0.05, 1.0)  # after a failed accept(): the first pause, the longest
RESOURCE_ERRORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class BadSignature(Exception):
    """A signed body (``Route.signed``) whose signature does not match: 403, one line, nothing quoted."""


@dataclass(frozen=True)
class Route:
    """One webhook. The server compares ``secret_header`` with ``secret`` before reading the body, and
    refuses bodies over ``max_body``. With ``probe``, an empty request without the secret is passed on
    too (Zalo checks a new webhook URL with one). ``signed``: the header is a signature over the body
    (Zalo OA), refused when missing; ``handle`` checks it after a bounded read (``BadSignature``: 403)."""

    handle: Handler
    secret_header: str
    secret: str
    max_body: int = MAX_BODY
    probe: bool = False
    signed: bool = False

    def __post_init__(self) -> None:
        if not self.secret:
            raise ValueError("a webhook needs a secret")


class Notes:
    """Warnings at most once per ``interval`` seconds per kind: a flood of bad requests writes one line a
    minute, which counts the requests since the line before."""

    def __init__(self, interval: float = 60.0) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def warn(self, kind: str, message: str, *, level: int = logging.WARNING, exc_info: bool = False) -> None:
        self._count[kind] = self._count.get(kind, 0) + 1
        now = time.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < self.interval:
            return
        count = self._count.pop(kind)
        self._last[kind] = now
        since = f" ({count} times since the last such line)" if last is not None and count > 1 else ""
        log.log(level, "%s%s", message, since, exc_info=exc_info)


def secret_matches(given: str | None, secret: str) -> bool:
    """Constant-time comparison of a secret header (a missing header never matches)."""
    return given is not None and bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


class _Connection:
    """One open connection: its socket, its task, and whether it waits for the client (evictable) or is
    answered."""

    def __init__(self, number: int, conn: socket.socket) -> None:
        self.number = number
        self.conn = conn
        self.task: asyncio.Task[None] | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.waiting = True

    def close(self) -> None:
        """Close the socket now. Not left to the task's ``finally``: a task cancelled before its first
        step never runs it, and its socket would stay open until the garbage collector breaks the
        cancelled task's reference cycle (minutes on an idle bot; stalled clients held open meanwhile)."""
        if self.writer is not None:
            self.writer.transport.abort()
        else:
            self.conn.close()


class WebhookServer:
    def __init__(
        self,
        listen: str = "127.0.0.1",
        port: int = 0,
        *,
        max_connections: int = 100,
        header_seconds: float = 5.0,
        body_seconds: float = 10.0,
    ) -> None:
        if max_connections < 1 or header_seconds <= 0 or body_seconds <= 0:
            raise ValueError("a webhook server needs room for a connection and time to read it")
        self.listen, self.port = listen, port
        self.max_connections, self.header_seconds, self.body_seconds = max_connections, header_seconds, body_seconds
        self.routes: dict[str, Route] = {}
        self.pages: dict[str, Pages] = {}  # GET (and HEAD) under a path prefix: read-only pages, no body read
        self.notes = Notes()
        self._connections: dict[int, _Connection] = {}  # in the order they were opened
        self._numbers = 0
        self._socket: socket.socket | None = None
        self._acceptor: asyncio.Task[None] | None = None

    def add(self, path: str, route: Route) -> None:
        path = "/" + path.strip("/")
        if path in self.routes:
            raise ValueError(f"two webhooks on the path {path}")
        self.routes[path] = route  # looked up per request: a route may come after the server started

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    async def start(self) -> None:
        family, _, _, _, address = socket.getaddrinfo(
            self.listen or None, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.create_server(address[:2], family=family, backlog=128)
        sock.setblocking(False)
        self._socket = sock
        self.port = sock.getsockname()[1]
        self._acceptor = asyncio.create_task(self._accept(sock))
        log.info(
            "webhooks on %s:%d: %s (at most %d connections)",
            self.listen,
            self.port,
            ", ".join(self.routes) or "no route yet",
            self.max_connections,
        )

    async def stop(self) -> None:
        if self._acceptor is not None:
            self._acceptor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._acceptor
            self._acceptor = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        tasks = [c.task for c in self._connections.values() if c.task is not None]
        for connection in self._connections.values():
            if connection.task is not None:
                connection.task.cancel()
            connection.close()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ---- accepting ----------------------------------------------------------------------------------
    async def _accept(self, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        pause = ACCEPT_PAUSE[0]
        while True:
            try:
                conn, _ = await loop.sock_accept(sock)
            except OSError as exc:
                if exc.errno in (errno.EBADF, errno.EINVAL):
                    return  # the listening socket was closed
                if exc.errno in (errno.ECONNABORTED, errno.EPROTO, errno.EPERM):
                    continue  # the client gave up before we took its connection
                level = logging.ERROR if exc.errno in RESOURCE_ERRORS else logging.WARNING
                why = exc.strerror or exc
                self.notes.warn("accept", f"webhooks: cannot accept a connection ({why}); pausing", level=level)
                await asyncio.sleep(pause)
                pause = min(pause * 2, ACCEPT_PAUSE[1])
                continue
            pause = ACCEPT_PAUSE[0]
            self._open(conn)
            await asyncio.sleep(0)  # sock_accept() returns without yielding while the backlog is full:
            # let the new connection's task start before the next one is accepted

    def _open(self, conn: socket.socket) -> None:
        if len(self._connections) >= self.max_connections and not self._evict():
            self.notes.warn("busy", f"webhooks: all {self.max_connections} connections busy: a new one answered 503")
            refuse(conn, 503)
            return
        self._numbers += 1
        connection = _Connection(self._numbers, conn)
        self._connections[connection.number] = connection
        connection.task = asyncio.create_task(self._serve(conn, connection))

    def _evict(self) -> bool:
        """Close the connection that has waited longest for its client; False when none is waiting."""
        oldest = next((c for c in self._connections.values() if c.waiting and c.task is not None), None)
        if oldest is None or oldest.task is None:
            return False
        self.notes.warn("evict", f"webhooks: {self.max_connections} connections open: the slowest client cut off")
        del self._connections[oldest.number]
        oldest.task.cancel()
        oldest.close()
        return True

    # ---- one connection ---------------------------------------------------------------------------
    async def _serve(self, conn: socket.socket, connection: _Connection) -> None:
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            reader, writer = await asyncio.open_connection(sock=conn, limit=MAX_HEADER_BYTES)
            connection.writer = writer
            keep_alive, first = True, True
            while keep_alive:
                connection.waiting = True
                keep_alive = await self._one_request(reader, writer, connection, first=first)
                first = False
        except asyncio.CancelledError:
            pass  # evicted, or the server stops
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass  # the client went away, or took too long: nothing to answer
        except Exception:  # a bug here must not become a traceback per connection
            self.notes.warn("crash", "webhooks: a connection failed", level=logging.ERROR, exc_info=True)
        finally:
            self._connections.pop(connection.number, None)
            connection.close()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: _Connection, *, first: bool
    ) -> bool:
        """Read, check and answer one request; whether the connection may carry another."""
        try:
            async with asyncio.timeout(self.header_seconds):
                request = await read_request(reader)
        except TimeoutError:
            if first:  # later, it is an idle connection kept open by a caller who knew the secret
                self.notes.warn("slow", f"webhooks: a request's headers took over {self.header_seconds:g} s: closed")
            return False
        except BadRequest as bad:
            self.notes.warn("bad-request", f"webhooks: a malformed request refused ({bad.status}): {bad}")
            await respond(writer, reader, bad.status, close=True)
            return False
        if request is None:
            return False  # the client closed an idle connection
        prefix = next((p for p in self.pages if request.path == p or request.path.startswith(p + "/")), None)
        if prefix is not None:  # a page: GET or HEAD without a body; the same header caps and deadlines
            connection.waiting = False
            bodiless = request.method in ("GET", "HEAD") and request.length == 0
            answer = await self.pages[prefix](request) if bodiless else Answer(405 if request.length == 0 else 400, ())
            await send(writer, answer, head=request.method == "HEAD", close=not (bodiless and request.keep_alive))
            return bodiless and request.keep_alive
        route = self.routes.get(request.path)
        refusal = self._refusal(request, route)
        if refusal is not None or route is None:
            await respond(writer, reader, refusal or 404, close=True)
            return False
        if request.expects_continue:
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        try:
            async with asyncio.timeout(self.body_seconds):
                body = await read_body(reader, request, route.max_body)
        except TimeoutError:
            self.notes.warn("slow-body", f"webhooks {request.path}: a body took over {self.body_seconds:g} s: closed")
            return False
        except BadRequest as bad:
            self.notes.warn("bad-body", f"webhooks {request.path}: a body refused ({bad.status}): {bad}")
            await respond(writer, reader, bad.status, close=True)
            return False
        connection.waiting = False
        status = await self._handle(request, route, body)
        await respond(writer, reader, status, close=not request.keep_alive)
        return request.keep_alive

    def _refusal(self, request: HttpRequest, route: Route | None) -> int | None:
        """The status refusing ``request`` before its body is read; None to read it."""
        if request.method != "POST":
            return 405  # a health check finds the server up; nothing is read
        if route is None:
            self.notes.warn("no-route", f"webhooks: a POST to an unknown path refused (404): {request.path[:80]!r}")
            return 404
        given = request.headers.get(route.secret_header)  # a signed route: checked with the body, by the route
        if not (given if route.signed else secret_matches(given, route.secret)):
            if route.probe and request.length == 0:
                return None
            self.notes.warn("secret", f"webhooks {request.path}: a request without the right secret refused (403)")
            return 403
        if request.length is not None and request.length > route.max_body:
            self.notes.warn("too-large", f"webhooks {request.path}: a body of {request.length} bytes refused (413)")
            return 413
        return None

    async def _handle(self, request: HttpRequest, route: Route, body: bytes) -> int:
        try:
            return await route.handle(request.headers, body)
        except BadBody as bad:
            self.notes.warn(f"json {request.path}", f"webhooks {request.path}: a body refused (400): {bad}")
            return 400
        except BadSignature:
            self.notes.warn(f"signature {request.path}", f"webhooks {request.path}: a bad signature refused (403)")
            return 403
        except Exception:
            self.notes.warn(f"crash {request.path}", f"webhooks {request.path}: the route failed", level=logging.ERROR,
                            exc_info=True)  # fmt: skip
            return 500


RESERVED_FILES = 64  # kept for the database (3 a SQLite connection), the Bot API's connections, the log


def server_for(config: TelegramConfig | ZaloConfig | ZaloOaConfig) -> WebhookServer:
    """The server a channel's settings describe, with at most half of the open-file limit left after
    ``RESERVED_FILES`` in connections (32 of 128; 100 of 1,024): the rest stays for the database, the
    Bot API, the importers' worker and the log, so a flood never makes accept() fail."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = config.webhook_max_connections if soft == resource.RLIM_INFINITY else max(8, (soft - RESERVED_FILES) // 2)
    return WebhookServer(
        config.webhook_listen,
        config.webhook_port,
        max_connections=min(config.webhook_max_connections, room),
        header_seconds=config.webhook_header_seconds,
        body_seconds=config.webhook_body_seconds,
    )


def telegram_route(application: Any, secret: str) -> Route:
    """Telegram's webhook as a route: the ``X-Telegram-Bot-Api-Secret-Token`` checked by the server, each
    update that has Telegram's shape put on python-telegram-bot's ``application.update_queue`` (the
    Application must be started)."""
    from telegram import Update

    from bot.telegram.updates import update_problem

    async def handle(headers: Mapping[str, str], body: bytes) -> int:
        data = read_json(body)
        problem = update_problem(data)
        if problem is not None:
            raise BadBody(problem)
        try:
            update = Update.de_json(data, application.bot)
        except Exception as exc:  # anything python-telegram-bot cannot read is a bad body, not a crash
            raise BadBody(f"not an update ({type(exc).__name__})") from None
        await application.update_queue.put(update)
        return 200

    return Route(handle, TELEGRAM_SECRET_HEADER, secret)
