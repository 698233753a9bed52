"""A fake API server on 127.0.0.1 and a random port (tornado), delivering webhook updates in the
background: what the fake Telegram and Zalo servers share."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Any, Self

import tornado.httpserver
import tornado.netutil
import tornado.web


class LocalServer:
    """Subclasses give ``routes()`` (tornado's handler list) and ``_deliver()`` (the webhook loop) and set
    ``port``, ``_http`` and ``_worker`` to 0 and None in their ``__init__``."""

    max_body = 100 * 1024 * 1024
    port: int
    _http: tornado.httpserver.HTTPServer | None
    _worker: asyncio.Task[None] | None

    def routes(self) -> list[Any]:
        raise NotImplementedError

    async def _deliver(self) -> None:
        raise NotImplementedError

    async def start(self) -> Self:
        # no access log: tornado's would print the token in every URL
        app = tornado.web.Application(self.routes(), log_function=lambda handler: None)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._http = tornado.httpserver.HTTPServer(app, max_body_size=self.max_body)
        self._http.add_sockets(sockets)
        self._worker = asyncio.create_task(self._deliver())
        return self

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
