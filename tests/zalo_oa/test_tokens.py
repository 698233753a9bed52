"""The OA's tokens: two processes sharing one database renew the single-use refresh token once (the one
holding the lease) and both use the new access token; a token Zalo refuses is renewed once; none of the
tokens appears in the log."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import pytest

from bot.app import App
from bot.zalo_oa.runner import client_for
from bot.zalo_oa.tokens import Tokens
from models.zalo_oa import OaToken
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


class StoresLate(Tokens):
    """A process whose database refuses the first write of a renewed pair."""

    refused = False

    async def _save(self, access: str, refresh: str, expires: datetime, now: datetime) -> bool:
        if not self.refused:
            self.refused = True
            self._unsaved = (access, refresh, expires, now)
            return False
        return await super()._save(access, refresh, expires, now)


async def test_a_renewed_pair_the_database_refused_is_stored_later_not_renewed_again(app: App, oa: FakeOa) -> None:
    client = client_for(app)
    tokens = StoresLate(app.sessions, client, app.config.zalo_oa, app.clock, "process 0")
    try:
        first = await tokens.access()  # renewed; the database refused the pair: held in memory
        async with app.sessions() as session:
            assert await session.get(OaToken, app.config.zalo_oa.oa_id) is None
        await tokens.refresh()  # the next check stores it, without spending the new refresh token
        async with app.sessions() as session:
            row = await session.get(OaToken, app.config.zalo_oa.oa_id)
        assert row is not None and row.access_token == first and row.refresh_token in oa.refresh_tokens
        assert oa.renewals == 1
    finally:
        await client.aclose()
