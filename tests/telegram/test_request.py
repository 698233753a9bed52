"""Bot API calls go out as one JSON object (``bot/telegram/request.py``): the same parameters Telegram would
read from the form, Vietnamese text as UTF-8 rather than percent-encoded, a keyboard nested as an object;
uploads stay multipart; failures reach the limiter as python-telegram-bot words them, so a send that may
have arrived is still never sent twice."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.limits import may_have_arrived
from bot.telegram.request import JsonRequest

URL = "http://api.test/bot123:abc/sendMessage"
TEXT = "<b>Nhiệm vụ của đồng chí</b>\n1. Rà soát thủ tục hành chính – hạn 30/09/2026 “quá hạn”"
MARKUP = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Chi tiết nhiệm vụ 12", callback_data="/nhiemvu 12")],
        [InlineKeyboardButton("Trang sau ›", callback_data="/nhiemvu trang 2")],
    ]
)


def send_message(**extra: Any) -> RequestData:
    params = {"chat_id": "5000001", "text": TEXT, "parse_mode": "HTML", "reply_markup": MARKUP,
              "link_preview_options": LinkPreviewOptions(is_disabled=True), **extra}  # fmt: skip
    return RequestData([RequestParameter.from_input(key, value) for key, value in params.items()])


def client(answer: Callable[[httpx.Request], httpx.Response]) -> tuple[JsonRequest, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return answer(request)

    return JsonRequest(httpx_kwargs={"transport": httpx.MockTransport(handler)}), seen


def ok(_: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "result": True})


async def test_a_message_goes_out_as_json_with_the_same_parameters() -> None:
    request, seen = client(ok)
    await request.initialize()
    try:
        await request.post(URL, send_message())
    finally:
        await request.shutdown()
    sent = seen[0]
    assert sent.headers["content-type"] == "application/json"
    body = json.loads(sent.content)
    assert body == {
        "chat_id": "5000001",
        "text": TEXT,
        "parse_mode": "HTML",
        "reply_markup": MARKUP.to_dict(),
        "link_preview_options": {"is_disabled": True},
    }
    assert "Nhiệm vụ của đồng chí".encode() in sent.content  # the letters as they are, not %E1%BB%87
    form = urlencode(send_message().json_parameters).encode()
    assert len(sent.content) < len(form) * 0.7  # what the form would have sent


async def test_an_upload_keeps_the_multipart_form() -> None:
    request, seen = client(ok)
    await request.initialize()
    try:
        data = send_message(document=InputFile(b"a,b\n1,2\n", filename="bao_cao.csv", attach=True))
        await request.post(URL.replace("sendMessage", "sendDocument"), data)
    finally:
        await request.shutdown()
    assert seen[0].headers["content-type"].startswith("multipart/form-data")
    assert b"bao_cao.csv" in seen[0].content


@pytest.mark.parametrize(
    ("failure", "raised", "arrived"),
    [
        (httpx.ReadTimeout("slow"), TimedOut, True),  # it left: Telegram may have shown it
        (httpx.ConnectError("refused"), NetworkError, False),  # it never left: safe to send again
        (httpx.RemoteProtocolError("dropped"), NetworkError, True),
    ],
)
async def test_failures_are_worded_as_before_for_the_retry_rule(
    failure: httpx.HTTPError, raised: type[Exception], arrived: bool
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    request, _ = client(fail)
    await request.initialize()
    try:
        with pytest.raises(raised) as caught:
            await request.post(URL, send_message())
    finally:
        await request.shutdown()
    assert caught.value.__cause__ is failure
    assert may_have_arrived(caught.value) is arrived
