"""Pushes as users control them: /nhacnho (admins: what waits in the outbox), /tatnhac and /batnhac
(anyone: turn the optional pushes — weekly digests, drive standings — off and on again).

Deadline reminders, overdue notices, escalations and the quarterly review reminder are about the
official's own duties and keep coming (``jobs.kinds.MANDATORY``).
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.access import province_scope
from handlers.base import ADMINS, Button, Commands, Reply, Request, UserError
from models.queries.due import pending_pushes
from models.text import fold
from models.units import ChatAccount

commands = Commands()

AUTO_WORDS = {"tudong", "auto", "macdinh", "default"}


@commands.command("nhacnho", roles=ADMINS, aliases=("pending", "hangdoi"))
async def pending(request: Request) -> Reply:
    """How many pushes to the admin's province wait to be sent, by kind, and the next few with whom they
    go to and when."""
    scope = await province_scope(request)
    return Reply("notifications/pending", {"p": await pending_pushes(request.session, scope.province, limit=5)})


@commands.command("tatnhac", aliases=("mute",), intents=("tat nhac", "tat thong bao"))
async def mute(request: Request) -> Reply:
    """Turn off the optional pushes; says which ones keep coming and how to turn them on again."""
    return _set_opt_out(request, True)


@commands.command("batnhac", aliases=("unmute",), intents=("bat nhac", "bat thong bao"))
async def unmute(request: Request) -> Reply:
    """Turn the optional pushes on again."""
    return _set_opt_out(request, False)


def _set_opt_out(request: Request, opt_out: bool) -> Reply:
    official = request.official
    assert official is not None  # the router answers unregistered chats itself
    already = bool(official.push_opt_out) == opt_out
    official.push_opt_out = opt_out
    return Reply("notifications/off" if opt_out else "notifications/on", {"already": already})


@commands.command("kenh", aliases=("channel",), intents=("kenh nhan tin",))
async def push_channel(request: Request) -> Reply:
    """``/kenh``: where pushes go (the channels this official is bound on, and the choice); ``/kenh zalo``,
    ``/kenh telegram``: always there; ``/kenh tudong``: the channel last written from (the default)."""
    official = request.official
    assert official is not None
    rows = await request.session.execute(
        select(ChatAccount.channel).where(ChatAccount.official_id == official.id).distinct()
    )
    bound = sorted(channel for channel in rows.scalars() if channel != "console")
    wanted = fold(" ".join(request.args)).replace(" ", "")
    if wanted:
        if wanted in AUTO_WORDS:
            official.push_channel = ""
        elif wanted in bound:
            official.push_channel = wanted
        else:
            raise UserError("errors/channel_unknown", text=" ".join(request.args)[:30], bound=bound)
    buttons = [[Button("common.channel", f"/kenh {channel}", {"channel": channel}) for channel in bound]]
    buttons.append([Button("common.channel", "/kenh tudong", {"channel": ""})])
    return Reply(
        "notifications/channel",
        {"chosen": official.push_channel, "bound": bound, "changed": bool(wanted)},
        buttons=buttons if len(bound) > 1 and not wanted else [],
    )
