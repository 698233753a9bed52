"""The Zalo client on its own: the envelope is checked (an HTTP 200 alone proves nothing), error codes are
sorted into retry / give up / fatal, getUpdates' 408 is "no update", and no error message carries the token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.zalo.client import FailureKind, ZaloClient, ZaloError, classify
from tests.fakes.zalo_server import TOKEN, FakeZalo


@pytest.fixture
async def client(zalo: FakeZalo) -> AsyncIterator[ZaloClient]:
    made = ZaloClient(TOKEN, zalo.base_url, poll_timeout=1, retries=2, backoff=0.01)
    yield made
    await made.aclose()


def test_error_codes_are_sorted() -> None:
    assert classify(401) is FailureKind.FATAL
    assert classify(429) is FailureKind.QUOTA
    assert {classify(c) for c in (0, 403, 408, 500, 502)} == {FailureKind.RETRY}
    assert {classify(c) for c in (400, 404, 426)} == {FailureKind.GIVE_UP}


async def test_calls_use_json_posts_and_return_the_result(zalo: FakeZalo, client: ZaloClient) -> None:
    me = await client.get_me()
    assert me["id"] == zalo.me["id"] and isinstance(me["id"], str)
    assert await client.get_update() == []  # an HTTP 408: no update
    assert await client.get_webhook_info() is None  # 404 when none is set


async def test_transient_errors_are_retried_and_fatal_ones_are_not(zalo: FakeZalo, client: ZaloClient) -> None:
    zalo.faults.add("getMe", 403, times=2)
    await client.get_me()
    assert [c.status for c in zalo.calls_of("getMe")] == [403, 403, 200]
    zalo.faults.add("sendMessage", 403)  # a send is not retried once it left: Zalo may have delivered it
    with pytest.raises(ZaloError):
        await client.send_message("u1", "xin chào")
    assert len(zalo.calls_of("sendMessage")) == 1
    zalo.faults.add("sendMessage", 401)
    with pytest.raises(ZaloError) as refused:
        await client.send_message("u1", "xin chào")
    assert refused.value.kind is FailureKind.FATAL and len(zalo.calls_of("sendMessage")) == 2
    with pytest.raises(ZaloError) as too_long:
        await client.send_message("u1", "a" * 2001)
    assert too_long.value.code == 400


async def test_ok_false_in_an_http_200_is_an_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"ok": False, "error_code": 429, "description": "Quota exceeded"})

    client = ZaloClient(TOKEN, "https://bot-api.zaloplatforms.com", transport=httpx.MockTransport(answer))
    with pytest.raises(ZaloError) as quota:
        await client.send_message("u1", "x")
    assert quota.value.kind is FailureKind.QUOTA
    await client.aclose()


async def test_network_errors_never_show_the_token() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

    client = ZaloClient(TOKEN, "https://bot-api.zaloplatforms.com", retries=0, transport=httpx.MockTransport(fail))
    with pytest.raises(ZaloError) as failed:
        await client.get_me()
    assert failed.value.code == 0 and failed.value.kind is FailureKind.RETRY
    assert TOKEN not in str(failed.value) and failed.value.__cause__ is None
    await client.aclose()
