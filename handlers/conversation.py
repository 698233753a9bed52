"""Conversation state helpers for multi-step flows (kept in the database, see models.system)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.base import Request
from models import ConversationState

FLOW_TTL = timedelta(hours=2)


async def start_flow(request: Request, flow: str, step: str, data: dict[str, Any], ttl: timedelta = FLOW_TTL) -> None:
    """Begin (or move to ``step`` of) a flow for this user in this chat."""
    now = request.clock.now()
    state = request.state
    if state is None:
        state = ConversationState(
            channel=request.incoming.channel,
            chat_id=request.incoming.chat_id,
            external_id=request.incoming.user_id,
            flow=flow,
            data={},
            updated_at=now,
            expires_at=now + ttl,
        )
        request.session.add(state)
        request.state = state
    state.flow, state.step = flow, step
    state.data = dict(data)  # a new dict, so the JSON column is seen as changed
    state.updated_at, state.expires_at = now, now + ttl
    await request.session.flush()


async def end_flow(request: Request) -> None:
    if request.state is not None:
        await request.session.delete(request.state)
        await request.session.flush()
        request.state = None
