"""Pushes as users control them: /nhacnho (admins: what waits in the outbox), /tatnhac and /batnhac
(anyone: turn the optional pushes — weekly digests, drive standings — off and on again), /nhaclai (the
"Nhắc lại sau 1 ngày / 3 ngày" buttons of a deadline reminder or an overdue notice, ``push_buttons``).

Deadline reminders, overdue notices, escalations and the quarterly review reminder are about the
official's own duties and keep coming (``jobs.kinds.MANDATORY``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from handlers.access import own_reminder, province_scope
from handlers.base import ADMINS, Button, Commands, Reply, Request, UserError, is_number
from models.queries.due import pending_pushes
from models.queries.snooze import reminder, snooze, unit_of
from models.queries.zalo_bots import bot_loads
from models.snooze import SNOOZABLE, SNOOZE_DAYS, snooze_day
from models.text import fold
from models.units import ChatAccount

commands = Commands()

AUTO_WORDS = {"tudong", "auto", "macdinh", "default"}


@commands.command("nhacnho", roles=ADMINS, aliases=("pending", "hangdoi"))
async def pending(request: Request) -> Reply:
    """How many pushes to the admin's province wait to be sent, by kind, and the next few with whom they
    go to and when; with Zalo bots configured, each bot's officials of its ``max_users`` and messages this
    month of its budget (the bots are the whole installation's: their caps count every province)."""
    scope = await province_scope(request)
    pending = await pending_pushes(request.session, scope.province, limit=5)
    month = request.clock.now().strftime("%Y-%m")
    bots = await bot_loads(request.session, request.settings.zalo.all_bots(), month)
    return Reply("notifications/pending", {"p": pending, "bots": bots, "month": month})


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


@commands.command("nhaclai", aliases=("snooze",), listed=False)
async def snooze_reminder(request: Request) -> Reply:
    """``/nhaclai 812 3`` (a button of the push whose outbox id is 812): the same reminder again in 3 days,
    on a working day, no later than the deadline's last working day (an overdue notice: than the last
    working day before the escalation); the answer says the day, and why when it is earlier than asked."""
    args = request.args
    if len(args) != 2 or not (is_number(args[0]) and is_number(args[1])) or int(args[1]) not in SNOOZE_DAYS:
        raise UserError("errors/snooze_usage")
    row = own_reminder(request, await reminder(request.session, int(args[0])))
    settings, calendar = request.settings, request.settings.work_calendar
    now = request.clock.now().astimezone(settings.bot.tz)
    task = row.context["task"]
    due = date.fromisoformat(task["due"])
    escalate = settings.reminders.escalate_after_days
    planned = snooze_day(now.date(), int(args[1]), row.kind, due, calendar, escalate)
    if planned is None:
        raise UserError("errors/snooze_too_late", kind=row.kind, number=task["number"], due=task["due"])
    context: dict[str, Any] = {**row.context, "snoozed": {"task": task["id"], "unit": unit_of(row)}}
    if row.kind == "deadline":
        context["days_left"] = calendar.days_left(planned.day, due, working=settings.calendar.count_working_days)
    else:
        context["days_late"] = (planned.day - due).days
    last_day = row.kind == "deadline" and planned.day >= calendar.on_or_before(due)  # urgent, as on the day
    at = datetime.combine(planned.day, now.time(), settings.bot.tz)
    queued = await snooze(request.session, row, at, context, urgent=last_day, now=now)
    ctx = {"kind": row.kind, "number": task["number"], "day": planned.day.isoformat(), "due": task["due"]}
    ctx |= {"limited": str(planned.limited or ""), "queued": queued}
    return Reply("notifications/snoozed", ctx)


def push_buttons(kind: str, outbox_id: int | None, context: dict[str, Any], several: bool) -> list[list[Button]]:
    """The buttons of a push (``bot/push_path.py``): a deadline reminder or an overdue notice offers
    "Nhắc lại sau 1 ngày / 3 ngày" and "Báo cáo tiến độ" (its task named when ``several`` are in one
    message); other pushes none."""
    if kind not in SNOOZABLE or outbox_id is None:
        return []
    number = context["task"]["number"]
    named = {"number": number if several else None}
    snoozes = [Button("notifications.snooze", f"/nhaclai {outbox_id} {d}", {"days": d, **named}) for d in SNOOZE_DAYS]
    if context.get("instead_of", {}).get("elsewhere"):  # a stand-in of another unit cannot report for it
        return [snoozes]
    return [snoozes, [Button("notifications.report", f"/capnhat {number}", named)]]
