"""The OA's tokens: two processes sharing one database renew the single-use refresh token once (the one
holding the lease) and both use the new access token; a token Zalo refuses is renewed once; none of the
tokens appears in the log."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.app import App
from bot.zalo_oa.runner import client_for
from bot.zalo_oa.tokens import Tokens
from tests.fakes.zalo_oa_server import FakeOa


async def test_two_processes_renew_the_single_use_token_once(
    app: App, oa: FakeOa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clients = [client_for(app), client_for(app)]
    first, second = (
        Tokens(app.sessions, c, app.config.zalo_oa, app.clock, f"process {n}") for n, c in enumerate(clients)
    )
    try:
        tokens = await asyncio.gather(first.access(), second.access())
        assert tokens[0] == tokens[1] and oa.token_ok(tokens[0])
        assert oa.renewals == 1 and oa.refusals[-14014] == 0  # the spent refresh token was never sent again
        oa.expire_tokens()
        await asyncio.gather(first.refresh(force=True), second.refresh(force=True))
        assert oa.renewals == 2 and oa.refusals[-14014] == 0
        assert await first.access() == await second.access()
        assert not any(t in caplog.text for t in [*oa.access_tokens, *oa.refresh_tokens])
    finally:
        for client in clients:
            await client.aclose()
