"""Pushes as users control them: /nhacnho (admins: what waits in the outbox), /tatnhac and /batnhac
(anyone: turn the optional pushes — weekly digests, drive standings — off and on again).

Deadline reminders, overdue notices, escalations and the quarterly review reminder are about the
official's own duties and keep coming (``jobs.settings.MANDATORY``).
"""

from __future__ import annotations

from handlers.base import ADMINS, Reply, Request, command
from models.queries.push import pending_pushes


@command("nhacnho", roles=ADMINS, aliases=("pending", "hangdoi"))
async def pending(request: Request) -> Reply:
    """How many pushes wait to be sent, by kind, and the next few with whom they go to and when."""
    return Reply("notifications/pending", {"p": await pending_pushes(request.session, limit=5)})


@command("tatnhac", aliases=("mute",), intents=("tat nhac", "tat thong bao"))
async def mute(request: Request) -> Reply:
    """Turn off the optional pushes; says which ones keep coming and how to turn them on again."""
    return _set_opt_out(request, True)


@command("batnhac", aliases=("unmute",), intents=("bat nhac", "bat thong bao"))
async def unmute(request: Request) -> Reply:
    """Turn the optional pushes on again."""
    return _set_opt_out(request, False)


def _set_opt_out(request: Request, opt_out: bool) -> Reply:
    official = request.official
    assert official is not None  # the router answers unregistered chats itself
    already = bool(official.push_opt_out) == opt_out
    official.push_opt_out = opt_out
    return Reply("notifications/off" if opt_out else "notifications/on", {"already": already})
