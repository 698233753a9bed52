"""Starting and stopping the Zalo OA channel: ``running(app, server=...)`` yields the channel and its push
sender with the token kept fresh in the background; the webhook route goes on the given server (shared
with the other channels when they listen on the same port) or on a server of its own."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from bot.app import App
from bot.webhooks import WebhookServer, server_for
from bot.zalo_oa.channel import OaChannel
from bot.zalo_oa.client import OaClient
from bot.zalo_oa.push_sender import OaPushSender
from bot.zalo_oa.tokens import Tokens
from jobs.dispatcher import worker_name


@dataclass
class OaRunning:
    channel: OaChannel
    sender: OaPushSender
    tokens: Tokens
    server: WebhookServer


def client_for(app: App, transport: httpx.AsyncBaseTransport | None = None) -> OaClient:
    config = app.config.zalo_oa
    return OaClient(
        config.api_url, config.zns.base_url, config.oauth_url,
        app_id=config.app_id, app_secret=config.app_secret, transport=transport,
    )  # fmt: skip


@contextlib.asynccontextmanager
async def running(app: App, *, server: WebhookServer | None = None) -> AsyncIterator[OaRunning]:
    config = app.config.zalo_oa
    client = client_for(app)
    tokens = Tokens(app.sessions, client, config, app.clock, worker_name())
    channel = OaChannel(app, client, tokens)
    own = server is None
    server = server or server_for(config)
    server.add(config.webhook_path, channel.route)
    stop = asyncio.Event()
    keeper = asyncio.create_task(tokens.run(stop))
    try:
        if own:
            await server.start()
        yield OaRunning(channel, OaPushSender(client, tokens, app.renderer, config, app.sessions, app.clock),
                        tokens, server)  # fmt: skip
    finally:
        stop.set()
        await keeper
        if own:
            await server.stop()
        await channel.wait_background()
        await client.aclose()
