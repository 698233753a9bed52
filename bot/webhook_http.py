"""Reading and answering one HTTP/1.1 request on a webhook connection (``bot/webhooks.py``), with caps
on everything a client chooses: the header block (16 KB, 100 lines), the body (the route's limit, checked
against Content-Length before reading and while reading a chunked body), the chunk and trailer lines.
The deadlines are the server's. Answers carry no body: a webhook caller reads only the status.

A refused connection is closed gently: the answer is sent, our side shut for writing, and what the client
still sends is read and dropped for a moment (at most ``LINGER_SECONDS``) before the socket is closed:
closing a socket with unread data makes the kernel reset the connection, and the client would see the
reset instead of the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

MAX_HEADER_BYTES = 16 * 1024
MAX_HEADER_LINES = 100
LINGER_SECONDS = 2.0
LINGER_BYTES = 2 * 1024 * 1024
WRITE_SECONDS = 5.0
MAX_DEPTH = 32  # nesting of a JSON body: Telegram's deepest updates are under 10 levels


class BadBody(Exception):
    """A body that is not what the route reads (answered 400); the message says why, in a few words
    (logged, so it never quotes the body)."""


class BadRequest(Exception):
    """A request the server refuses to read further; ``status`` is the answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class Headers(Mapping[str, str]):
    """HttpRequest headers, looked up without regard to case."""

    def __init__(self, items: dict[str, str]) -> None:
        self._items = items  # lower-case name -> value

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: Headers
    length: int | None  # bytes of body announced; 0 without a body; None for a chunked body
    keep_alive: bool
    expects_continue: bool
    query: str = ""  # after "?", as sent (the dashboard's pages read it; webhooks never do)


async def read_request(reader: asyncio.StreamReader) -> HttpRequest | None:
    """The request line and headers; None when the client closed the connection before a request."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as partial:
        if partial.partial.strip():
            raise BadRequest(400, "the connection closed inside the headers") from None
        return None
    except asyncio.LimitOverrunError:
        raise BadRequest(431, "headers over 16 KB") from None
    if len(head) > MAX_HEADER_BYTES:
        raise BadRequest(431, "headers over 16 KB")
    lines = head.lstrip(b"\r\n").decode("latin-1").split("\r\n")[:-2]
    if len(lines) > MAX_HEADER_LINES + 1:
        raise BadRequest(431, f"more than {MAX_HEADER_LINES} header lines")
    method, target, version = _request_line(lines[0] if lines else "")
    items: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or not name.isascii():
            raise BadRequest(400, "a malformed header line")
        key, value = name.lower(), value.strip()
        if key in items and key in ("content-length", "transfer-encoding", "host"):
            raise BadRequest(400, f"{name} given twice")
        items[key] = f"{items[key]}, {value}" if key in items else value
    headers = Headers(items)
    connection = headers.get("connection", "").lower()
    keep_alive = version == "HTTP/1.1" and "close" not in connection
    expects = headers.get("expect", "").lower() == "100-continue"
    query = target.partition("?")[2]
    return HttpRequest(method, _path(target), headers, _length(headers), keep_alive, expects, query)


def _request_line(line: str) -> tuple[str, str, str]:
    parts = line.split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or parts[2] not in ("HTTP/1.1", "HTTP/1.0"):
        raise BadRequest(400, "a malformed request line")
    return parts[0], parts[1], parts[2]


def _path(target: str) -> str:
    if target.startswith(("http://", "https://")):  # the absolute form: http://host/path
        target = "/" + (target.split("/", 3)[3:] or [""])[0]
    return "/" + target.partition("?")[0].strip("/")


def _length(headers: Headers) -> int | None:
    encoding = headers.get("transfer-encoding")
    length = headers.get("content-length")
    if encoding is not None:
        if encoding.lower() != "chunked":
            raise BadRequest(501, "a transfer encoding other than chunked")
        if length is not None:
            raise BadRequest(400, "both Content-Length and Transfer-Encoding")
        return None
    if length is None:
        return 0
    if not length.isdigit() or not length.isascii() or len(length) > 15:
        raise BadRequest(400, "a malformed Content-Length")
    return int(length)


def read_json(body: bytes) -> Any:
    """The JSON of a webhook body; ``BadBody`` when it is not JSON or nests deeper than ``MAX_DEPTH``."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise BadBody("JSON nested too deep") from None
    except ValueError:  # UnicodeDecodeError too; and numbers of more than 4,300 digits
        raise BadBody("not JSON") from None
    level, depth = [data], 0
    while level:  # breadth first, without recursion
        depth += 1
        if depth > MAX_DEPTH:
            raise BadBody("JSON nested too deep")
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
    return data


async def read_body(reader: asyncio.StreamReader, request: HttpRequest, limit: int) -> bytes:
    """The whole body; ``BadRequest(413)`` as soon as it is known to pass ``limit`` bytes."""
    if request.length is not None:
        if request.length > limit:
            raise BadRequest(413, f"a body of {request.length} bytes")
        return await reader.readexactly(request.length)
    body = bytearray()
    while True:
        size = _chunk_size(await _line(reader))
        if size == 0:
            break
        if len(body) + size > limit:
            raise BadRequest(413, f"a chunked body over {limit} bytes")
        body += await reader.readexactly(size)
        if await reader.readexactly(2) != b"\r\n":
            raise BadRequest(400, "a chunk without its line end")
    for _ in range(MAX_HEADER_LINES):  # trailers, ignored
        if await _line(reader) == b"":
            return bytes(body)
    raise BadRequest(431, "too many trailer lines")


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        line = await reader.readuntil(b"\r\n")
    except asyncio.LimitOverrunError:
        raise BadRequest(400, "a chunk line over 16 KB") from None
    return line[:-2]


def _chunk_size(line: bytes) -> int:
    size = line.split(b";", 1)[0].strip()
    if not size or len(size) > 8 or not all(c in b"0123456789abcdefABCDEF" for c in size):
        raise BadRequest(400, "a malformed chunk size")
    return int(size, 16)


def status_line(status: int, *, close: bool) -> bytes:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Status"
    connection = "close" if close else "keep-alive"
    return f"HTTP/1.1 {status} {phrase}\r\nContent-Length: 0\r\nConnection: {connection}\r\n\r\n".encode()


async def respond(writer: asyncio.StreamWriter, reader: asyncio.StreamReader, status: int, *, close: bool) -> None:
    """Send the answer; when closing, shut our side and drop what the client still sends (see above)."""
    writer.write(status_line(status, close=close))
    async with asyncio.timeout(WRITE_SECONDS):
        await writer.drain()
    if not close:
        return
    with contextlib.suppress(OSError, RuntimeError):
        writer.write_eof()
    dropped = 0
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout(LINGER_SECONDS):
            while dropped < LINGER_BYTES:
                chunk = await reader.read(64 * 1024)
                if not chunk:
                    break
                dropped += len(chunk)


@dataclass(frozen=True)
class Answer:
    """A page's answer (``bot/dashboard/``): a status, its headers and a body; webhooks answer bodiless."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


async def send(writer: asyncio.StreamWriter, answer: Answer, *, head: bool, close: bool) -> None:
    """Write ``answer`` (without its body to a HEAD request), within ``WRITE_SECONDS``."""
    try:
        phrase = HTTPStatus(answer.status).phrase
    except ValueError:
        phrase = "Status"
    lines = [f"HTTP/1.1 {answer.status} {phrase}", f"Content-Length: {len(answer.body)}"]
    lines += [f"{name}: {value}" for name, value in answer.headers]
    lines.append(f"Connection: {'close' if close else 'keep-alive'}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    if not head:
        writer.write(answer.body)
    async with asyncio.timeout(WRITE_SECONDS):
        await writer.drain()


def refuse(conn: socket.socket, status: int) -> None:
    """Answer a connection the server will not serve, without waiting, and close it."""
    with contextlib.suppress(OSError):
        conn.setblocking(False)
        conn.send(status_line(status, close=True))
    conn.close()
