"""Issue 11, webhooks, one request at a time, to the real bot (Telegram or Zalo channel in webhook mode)
against the fake API servers, on an empty migrated database:

- the secret header is checked before any byte of the body is read: a request that announces 1 MB and
  sends none of it is answered 403 at once and closed;
- a Content-Length over the cap is answered 413 before the body is read, a chunked body 413 once it
  passes the cap;
- a body that carries the right secret but is not an update the bot can read (not a JSON object, the
  wrong types where the bot reads a field, nested 100,000 deep, numbers too large) is answered 400
  (Telegram retries a 500), nothing of it is processed, and the log gets no traceback: one WARNING line
  for the whole batch."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot import config as configuration
from bot.app import App, build
from bot.telegram import running as telegram_running
from bot.zalo import running as zalo_running
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_server import FakeZalo
from tests.security.webhooks_support import free_port
from tests.telegram.support import FAST, demo_config
from tests.zalo.support import zalo_config

SECRET = "bodies-Secret_0123456789"
USER = 1999
ZALO_USER = "f0" * 10

DEEP = b"[" * 100_000
TOO_DEEP_INSIDE = b'{"update_id": 9, "x": ' + b"[" * 200 + b"]" * 200 + b"}"  # nesting the bot never reads
HUGE_INT = b'{"update_id": ' + b"9" * 5000 + b"}"


def tg_message(**fields: object) -> dict[str, object]:
    message: dict[str, object] = {
        "message_id": 1,
        "date": 1700000000,
        "chat": {"id": USER, "type": "private", "first_name": "A"},
        "from": {"id": USER, "is_bot": False, "first_name": "A"},
        "text": "/help",
    }
    message.update(fields)
    return message


def tg_body(value: object) -> bytes:
    return json.dumps(value).encode()


TELEGRAM_BODIES: dict[str, bytes] = {
    "a list": b"[]",
    "a string": b'"x"',
    "an infinite number": b"1e999",
    "null": b"null",
    "100,000 nested brackets": DEEP,
    "deep nesting inside an object": TOO_DEEP_INSIDE,
    "a 5,000-digit number": HUGE_INT,
    "update_id a string": b'{"update_id": "x"}',
    "update_id a float": b'{"update_id": 1e999}',
    "update_id past 2**53": tg_body({"update_id": 2**70}),
    "update_id negative": tg_body({"update_id": -1}),
    "update_id true": b'{"update_id": true}',
    "message a string": tg_body({"update_id": 3, "message": "x"}),
    "message without a chat": tg_body({"update_id": 3, "message": tg_message(chat=None)}),
    "chat id a string": tg_body({"update_id": 3, "message": tg_message(chat={"id": "1", "type": "private"})}),
    "chat id past 2**53": tg_body({"update_id": 3, "message": tg_message(chat={"id": 2**60, "type": "private"})}),
    "text a number": tg_body({"update_id": 3, "message": tg_message(text=5)}),
    "text an object": tg_body({"update_id": 3, "message": tg_message(text={"a": 1})}),
    "date a float": tg_body({"update_id": 3, "message": tg_message(date=1.5)}),
    "from a list": tg_body({"update_id": 3, "message": tg_message(**{"from": [1]})}),
    "from.id a string": tg_body({"update_id": 3, "message": tg_message(**{"from": {"id": "1", "is_bot": False}})}),
    "photo a string": tg_body({"update_id": 3, "message": tg_message(photo="x")}),
    "document without file_id": tg_body({"update_id": 3, "message": tg_message(document={"file_name": "a"})}),
    "entities a string": tg_body({"update_id": 3, "message": tg_message(entities="x")}),
    "callback data a number": tg_body(
        {"update_id": 4, "callback_query": {"id": "q", "from": tg_message()["from"], "data": 5, "chat_instance": "c"}}
    ),
    "not UTF-8": b'{"update_id": 5, "message": "\xff\xfe"}',
    "not JSON": b"{not json",
}

ZALO_UPDATE = {
    "event_name": "message.text.received",
    "message": {"from": {"id": ZALO_USER, "display_name": "A", "is_bot": False},
                "chat": {"id": ZALO_USER, "chat_type": "PRIVATE"}, "text": "/help", "message_id": "a" * 20,
                "date": 1763900000000},
}  # fmt: skip


def zalo_body(**message: object) -> bytes:
    return json.dumps({**ZALO_UPDATE, "message": {**ZALO_UPDATE["message"], **message}}).encode()  # type: ignore[dict-item]


ZALO_BODIES: dict[str, bytes] = {
    "a list": b"[]",
    "a list of updates": json.dumps([ZALO_UPDATE]).encode(),
    "a string": b'"x"',
    "an infinite number": b"1e999",
    "60,000 nested brackets": b"[" * 60_000,  # a Zalo body is at most 64 KB
    "a 5,000-digit number": b'{"event_name": ' + b"9" * 5000 + b"}",
    "event_name a number": b'{"event_name": 5, "message": {}}',
    "message a string": b'{"event_name": "message.text.received", "message": "x"}',
    "wrapped result a list": json.dumps({"ok": True, "result": [ZALO_UPDATE]}).encode(),
    "text a number": zalo_body(text=5),
    "from.id a list": zalo_body(**{"from": {"id": [1], "display_name": "A"}}),
    "from.id past 2**63": zalo_body(**{"from": {"id": 2**70, "display_name": "A"}}),
    "chat a string": zalo_body(chat="x"),
    "date a float": zalo_body(date=1.5),
    "photo_url an object": zalo_body(photo_url={"u": 1}),
}


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, copy)
    return f"sqlite+aiosqlite:///{copy}"


@pytest.fixture
async def telegram_bot(database: str) -> AsyncIterator[tuple[FakeTelegram, str]]:
    async with FakeTelegram() as tg:
        tg.user(USER, lang="vi")
        port = free_port()
        config = configuration.replace(
            demo_config(database, base_url=tg.base_url),
            "telegram",
            mode="webhook",
            webhook_port=port,
            webhook_public_url=f"http://127.0.0.1:{port}",
            webhook_secret=SECRET,
        )
        app = build(config)
        try:
            async with telegram_running(app, limits=FAST):
                yield tg, f"http://127.0.0.1:{port}/telegram"
        finally:
            await app.close()


@pytest.fixture
async def zalo_bot(database: str) -> AsyncIterator[tuple[FakeZalo, str]]:
    async with FakeZalo() as zalo:
        zalo.user("Người lạ", ZALO_USER)
        port = free_port()
        config = zalo_config(database, zalo.base_url, mode="webhook", webhook_port=port,
                             webhook_public_url=f"http://127.0.0.1:{port}", webhook_secret=SECRET)  # fmt: skip
        app: App = build(config)
        try:
            async with zalo_running(app):
                yield zalo, f"http://127.0.0.1:{port}/zalo"
        finally:
            await app.close()


def problems_in_log(caplog: pytest.LogCaptureFixture) -> tuple[list[str], list[str]]:
    """(lines with a traceback or above WARNING, WARNING lines) logged so far."""
    bad = [r.getMessage() for r in caplog.records if r.exc_info or r.levelno > logging.WARNING]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    return bad, warnings


async def post_all(url: str, header: str, bodies: dict[str, bytes]) -> dict[str, int]:
    statuses: dict[str, int] = {}
    async with httpx.AsyncClient(timeout=30) as client:
        for name, body in bodies.items():
            answer = await client.post(url, content=body, headers={header: SECRET, "Content-Type": "application/json"})
            statuses[name] = answer.status_code
    return statuses


async def test_odd_telegram_bodies_get_400_and_are_not_processed(
    telegram_bot: tuple[FakeTelegram, str], caplog: pytest.LogCaptureFixture
) -> None:
    tg, url = telegram_bot
    caplog.set_level(logging.INFO)
    statuses = await post_all(url, "X-Telegram-Bot-Api-Secret-Token", TELEGRAM_BODIES)
    assert {name: status for name, status in statuses.items() if status != 400} == {}
    await asyncio.sleep(0.5)
    assert tg.sent == []  # nothing reached the router
    bad, warnings = problems_in_log(caplog)
    assert bad == []
    assert len([w for w in warnings if "webhooks" in w]) == 1  # one line for the whole batch

    await tg.send_text(USER, "/help")  # a real update still gets its answer
    assert (await tg.next_sent(USER)).text


async def test_odd_zalo_bodies_get_400_and_are_not_processed(
    zalo_bot: tuple[FakeZalo, str], caplog: pytest.LogCaptureFixture
) -> None:
    zalo, url = zalo_bot
    caplog.set_level(logging.INFO)
    statuses = await post_all(url, "X-Bot-Api-Secret-Token", ZALO_BODIES)
    assert {name: status for name, status in statuses.items() if status != 400} == {}
    await asyncio.sleep(0.5)
    assert zalo.sent == []
    bad, warnings = problems_in_log(caplog)
    assert bad == []
    assert len([w for w in warnings if "webhooks" in w]) == 1

    await zalo.send_text(ZALO_USER, "/help")
    assert (await zalo.next_sent(ZALO_USER)).text


async def exchange(url: str, data: bytes, *, within: float = 15.0) -> tuple[bytes, bool]:
    """Send raw ``data`` on a new connection to ``url``'s host; (what came back, whether the server closed
    the connection within ``within`` seconds)."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    received = b""
    try:
        async with asyncio.timeout(within):
            while chunk := await reader.read(64 * 1024):
                received += chunk
        return received, True
    except TimeoutError:
        return received, False
    except ConnectionError:
        return received, True
    finally:
        writer.transport.abort()


def head(*, secret: str | None, length: int | None = None, chunked: bool = False) -> bytes:
    lines = ["POST /telegram HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    lines += [f"Content-Length: {length}"] if length is not None else []
    lines += ["Transfer-Encoding: chunked"] if chunked else []
    lines += [f"X-Telegram-Bot-Api-Secret-Token: {secret}"] if secret is not None else []
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize("secret", [None, "guess-guess-guess", SECRET[:-1]])
async def test_a_request_without_the_right_secret_is_refused_before_its_body_is_sent(
    telegram_bot: tuple[FakeTelegram, str], secret: str | None
) -> None:
    tg, url = telegram_bot
    received, closed = await exchange(url, head(secret=secret, length=1024 * 1024))  # and no byte of the body
    assert received.startswith(b"HTTP/1.1 403 ") and closed
    assert tg.sent == []


async def test_a_content_length_over_the_cap_is_refused_before_the_body_is_read(
    telegram_bot: tuple[FakeTelegram, str],
) -> None:
    tg, url = telegram_bot
    received, closed = await exchange(url, head(secret=SECRET, length=2 * 1024 * 1024))
    assert received.startswith(b"HTTP/1.1 413 ") and closed
    assert tg.sent == []


async def test_a_chunked_body_is_refused_once_it_passes_the_cap(telegram_bot: tuple[FakeTelegram, str]) -> None:
    tg, url = telegram_bot
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b" " * 64 * 1024)
    received, closed = await exchange(url, head(secret=SECRET, chunked=True) + chunk * 17)  # 1.06 MB, no end
    assert received.startswith(b"HTTP/1.1 413 ") and closed
    assert tg.sent == []


async def test_a_small_chunked_update_is_read(telegram_bot: tuple[FakeTelegram, str]) -> None:
    tg, url = telegram_bot
    body = tg_body({"update_id": 77, "message": tg_message()})
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    received, _ = await exchange(url, head(secret=SECRET, chunked=True) + chunked, within=2.0)
    assert received.startswith(b"HTTP/1.1 200 ")
    assert (await tg.next_sent(USER)).text
