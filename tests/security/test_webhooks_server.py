"""Issue 11, webhooks: the server itself (``bot/webhooks.py``) with a route that records what reaches it
and short deadlines: connections are capped (the slowest cut off, 503 when every connection is being
answered), headers and bodies have deadlines and size caps, accept() errors are logged once and paused
on, a flood of refusals writes one log line a minute, a failing route is one line too."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import socket
import time
from collections.abc import AsyncIterator, Mapping

import httpx
import pytest

from bot.webhook_http import BadBody
from bot.webhooks import Notes, Route, WebhookServer

SECRET = "server-Secret_0123456789"
HEADER = "X-Test-Secret"


class Recorder:
    """A route's handler: records each body; waits for ``release`` when ``hold`` is set."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.hold = False
        self.release = asyncio.Event()

    async def __call__(self, headers: Mapping[str, str], body: bytes) -> int:
        self.bodies.append(body)
        if body == b"crash":
            raise RuntimeError("a bug in the route")
        if body == b"bad":
            raise BadBody("not what the route reads")
        if self.hold:
            await self.release.wait()
        return 200


async def serving(recorder: Recorder, **limits: float) -> WebhookServer:
    server = WebhookServer("127.0.0.1", 0, **limits)  # type: ignore[arg-type]
    server.add("/hook", Route(recorder, HEADER, SECRET, max_body=4096))
    await server.start()
    return server


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.release.set()


def request(body: bytes = b"{}", *, secret: str | None = SECRET, extra: str = "") -> bytes:
    lines = ["POST /hook HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{HEADER}: {secret}"] if secret is not None else []
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode() + body


class Client:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, data: bytes = b"") -> Client:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(data)
        return cls(reader, writer)

    async def until_closed(self, within: float = 10.0) -> tuple[bytes, bool]:
        """What the server sends until it closes the connection; False when it did not within ``within``."""
        received = b""
        try:
            async with asyncio.timeout(within):
                while chunk := await self.reader.read(65536):
                    received += chunk
        except TimeoutError:
            return received, False
        except ConnectionError:
            pass
        return received, True

    def close(self) -> None:
        self.writer.transport.abort()


async def test_the_slowest_connection_is_cut_off_when_all_are_taken(recorder: Recorder) -> None:
    server = await serving(recorder, max_connections=3, header_seconds=60, body_seconds=60)
    try:
        stalled = [await Client.open(server.port, request(b"{}")[:-1]) for _ in range(3)]  # one byte short
        await asyncio.sleep(0.2)
        assert server.open_connections == 3
        async with httpx.AsyncClient() as client:
            answer = await client.post(f"http://127.0.0.1:{server.port}/hook", content=b"{}", headers={HEADER: SECRET})
        assert answer.status_code == 200 and recorder.bodies == [b"{}"]
        closed = [await c.until_closed(within=0.5) for c in stalled]
        assert [ok for _, ok in closed] == [True, False, False]  # the oldest, long before any deadline
        assert server.open_connections <= 3
        for c in stalled:
            c.close()
    finally:
        await server.stop()


async def test_a_burst_of_stalled_connections_is_closed_even_before_their_tasks_start(recorder: Recorder) -> None:
    """A loaded bot finds many connections waiting in the kernel's backlog and accepts them in one go:
    the ones cut off to make room are closed at once, not when the garbage collector gets round to
    them (it is off here, as good as on an idle bot)."""
    server = await serving(recorder, max_connections=4, header_seconds=60, body_seconds=60)
    clients: list[socket.socket] = []
    gc.disable()
    try:
        for _ in range(40):  # connected by the kernel while the server's loop is not running
            client = socket.create_connection(("127.0.0.1", server.port))
            client.sendall(b"POST /hook HTTP/1.1\r\n")
            clients.append(client)
        for client in clients:
            client.setblocking(False)
        loop = asyncio.get_running_loop()

        async def closed(client: socket.socket) -> bool:
            try:
                async with asyncio.timeout(5):
                    while await loop.sock_recv(client, 4096):
                        pass
            except TimeoutError:
                return False
            except ConnectionError:
                pass
            return True

        outcome = await asyncio.gather(*(closed(c) for c in clients[:-4]))
        assert all(outcome), f"{outcome.count(False)} of 36 cut-off connections still open"
        assert server.open_connections == 4
    finally:
        gc.enable()
        for client in clients:
            client.close()
        await server.stop()


async def test_a_connection_over_the_cap_gets_503_when_every_connection_is_being_answered(
    recorder: Recorder,
) -> None:
    recorder.hold = True
    server = await serving(recorder, max_connections=2)
    try:
        busy = [await Client.open(server.port, request(b"{}")) for _ in range(2)]
        for _ in range(100):  # both requests reach the route
            if len(recorder.bodies) == 2:
                break
            await asyncio.sleep(0.05)
        extra = await Client.open(server.port, request(b"{}"))
        received, closed = await extra.until_closed()
        assert received.startswith(b"HTTP/1.1 503 ") and closed
        recorder.release.set()
        for client in busy:
            assert (await client.reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200 ")
            client.close()
        assert len(recorder.bodies) == 2
    finally:
        await server.stop()


async def test_headers_and_bodies_that_stall_are_closed_at_their_deadlines(recorder: Recorder) -> None:
    server = await serving(recorder, header_seconds=0.5, body_seconds=0.5)
    try:
        in_headers = await Client.open(server.port, b"POST /hook HTTP/1.1\r\nHost: x\r\n")
        in_body = await Client.open(server.port, request(b"{}")[:-1])
        dribbling = await Client.open(server.port, b"P")
        for _ in range(10):  # a byte every 0.1 s never resets the deadline
            dribbling.writer.write(b"O")
            await asyncio.sleep(0.1)
        for client in (in_headers, in_body, dribbling):
            _, closed = await client.until_closed(within=10)
            assert closed
            client.close()
        assert recorder.bodies == []
    finally:
        await server.stop()


async def test_oversized_headers_get_431_and_a_stranger_never_gets_100_continue(recorder: Recorder) -> None:
    server = await serving(recorder)
    try:
        huge = await Client.open(server.port, request(extra=f"X-Filler: {'a' * 20_000}\r\n"))
        received, closed = await huge.until_closed()
        assert received.startswith(b"HTTP/1.1 431 ") and closed

        expect = "Expect: 100-continue\r\n"
        announced = request(b"", secret="wrong", extra=expect).replace(b"Length: 0", b"Length: 2")
        stranger = await Client.open(server.port, announced)
        received, closed = await stranger.until_closed()
        assert received.startswith(b"HTTP/1.1 403 ") and b"100 Continue" not in received and closed

        caller = await Client.open(server.port, request(b"", extra=expect).replace(b"Length: 0", b"Length: 2"))
        assert (await caller.reader.readuntil(b"\r\n\r\n")) == b"HTTP/1.1 100 Continue\r\n\r\n"
        caller.writer.write(b"{}")
        assert (await caller.reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200 ")
        caller.close()
        assert recorder.bodies == [b"{}"]
    finally:
        await server.stop()


async def test_other_paths_methods_and_framings_are_refused(recorder: Recorder) -> None:
    server = await serving(recorder)
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{base}/hook")).status_code == 405
            assert (await client.post(f"{base}/other", content=b"{}", headers={HEADER: SECRET})).status_code == 404
            assert (await client.post(f"{base}/hook", content=b"x" * 5000, headers={HEADER: SECRET})).status_code == 413
        both = request(b"{}", extra="Transfer-Encoding: chunked\r\n")
        for raw in (both, b"GARBAGE\r\n\r\n", request(b"{}").replace(b"Length: 2", b"Length: -2")):
            refused = await Client.open(server.port, raw)
            received, closed = await refused.until_closed()
            assert received.startswith(b"HTTP/1.1 400 ") and closed, raw
        assert recorder.bodies == []
    finally:
        await server.stop()


async def test_accept_errors_are_logged_once_and_the_server_pauses(
    recorder: Recorder, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    real_accept = loop.sock_accept
    attempts: list[float] = []
    failing = [True]

    async def sock_accept(sock: socket.socket) -> tuple[socket.socket, object]:
        if failing[0]:
            attempts.append(time.monotonic())
            await asyncio.sleep(0)
            raise OSError(errno.EMFILE, "Too many open files")
        return await real_accept(sock)

    monkeypatch.setattr(loop, "sock_accept", sock_accept)
    caplog.set_level(logging.INFO, logger="bot.webhooks")
    server = await serving(recorder)
    try:
        await asyncio.sleep(1.5)
        failing[0] = False
        assert 2 <= len(attempts) <= 15  # paused between attempts, up to a second: not thousands
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.post(f"http://127.0.0.1:{server.port}/hook", content=b"{}", headers={HEADER: SECRET})
        assert answer.status_code == 200
        lines = [r for r in caplog.records if "cannot accept" in r.getMessage()]
        assert len(lines) == 1 and not lines[0].exc_info
    finally:
        await server.stop()


async def test_refusals_and_route_failures_are_one_line_a_minute(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.webhooks")
    server = await serving(recorder)
    url = f"http://127.0.0.1:{server.port}/hook"
    try:
        async with httpx.AsyncClient() as client:
            for body, secret, status in ((b"{}", "wrong", 403), (b"bad", SECRET, 400), (b"crash", SECRET, 500)):
                for _ in range(30):
                    assert (await client.post(url, content=body, headers={HEADER: secret})).status_code == status
    finally:
        await server.stop()
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.webhooks" and r.levelno >= logging.WARNING]
    assert len(messages) == 3, messages  # one per kind
    assert SECRET not in caplog.text and "wrong" not in caplog.text


def test_notes_count_what_they_do_not_write(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.webhooks")
    notes = Notes(interval=0.05)
    for _ in range(1000):
        notes.warn("kind", "something refused")
    time.sleep(0.06)  # the interval passes
    notes.warn("kind", "something refused")
    assert [r.getMessage() for r in caplog.records] == [
        "something refused",
        "something refused (1000 times since the last such line)",
    ]


ODD_REQUESTS = [
    b"POST http://[::1 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    b"POST http://host/hook HTTP/1.1\r\nX-Test-Secret: " + SECRET.encode() + b"\r\nContent-Length: 2\r\n\r\n{}",
    b"POST /hook HTTP/2.0\r\n\r\n",
    b"POST /hook HTTP/1.1\nHost: x\n\n",
    b"POST /hook HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n",
    b"POST /hook HTTP/1.1\r\n folded: header\r\n\r\n",
    b"POST /hook HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    b"POST /hook HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
    b"POST /hook HTTP/1.1\r\nContent-Length: \xd9\xa3\r\n\r\n",
    b"POST /hook HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"POST /hook HTTP/1.1\r\nX-Test-Secret: \x00\xff\r\nContent-Length: 0\r\n\r\n",
    request(b"", extra="Transfer-Encoding: chunked\r\n").replace(b"Content-Length: 0\r\n", b"") + b"zz\r\n",
    request(b"", extra="Transfer-Encoding: chunked\r\n").replace(b"Content-Length: 0\r\n", b"") + b"fffffffff\r\n",
    request(b"", extra="Transfer-Encoding: chunked\r\n").replace(b"Content-Length: 0\r\n", b"") + b"2\r\n{}XX",
    request(b"", extra="Transfer-Encoding: chunked\r\n").replace(b"Content-Length: 0\r\n", b"")
    + b"2;ext=1\r\n{}\r\n0\r\n"
    + b"T: x\r\n" * 150
    + b"\r\n",
    b"\x00\x01\x02\x03" * 100 + b"\r\n\r\n",
    b"\r\n\r\n",
]


async def test_odd_requests_are_answered_or_closed_without_a_traceback(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    import random

    caplog.set_level(logging.INFO)
    server = await serving(recorder, header_seconds=1, body_seconds=1)
    rng = random.Random(11)
    noise = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) + b"\r\n\r\n" for _ in range(100)]
    try:
        for raw in ODD_REQUESTS + noise:
            client = await Client.open(server.port, raw)
            _, closed = await client.until_closed(within=10)
            client.close()
            assert closed, raw
        async with httpx.AsyncClient() as http:
            answer = await http.post(f"http://127.0.0.1:{server.port}/hook", content=b"{}", headers={HEADER: SECRET})
        assert answer.status_code == 200
    finally:
        await server.stop()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert len([r for r in caplog.records if r.name == "bot.webhooks"]) <= 8  # one line per kind at most
