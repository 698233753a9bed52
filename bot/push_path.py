"""The bot's side of the push path: ``PushSender`` renders the dispatcher's merged messages and sends them
on Telegram (HTML, through python-telegram-bot and its pacing limiter) or prints them on the console;
``push_runtime`` builds the dispatcher, the scheduler lease and the runtime of ``jobs/`` from the
configuration for ``cchc-bot run``.

Telegram answers become outcomes the dispatcher understands: 403 Forbidden (the user blocked the bot)
and "chat not found" → blocked; 429 (after the limiter's own retries) → retry after ``retry_after``; any
other bad request → fatal; network errors, timeouts and 5xx (after the limiter's retries) → failed,
except a failure after the request left (a read timeout: the message may have arrived) → uncertain,
which the dispatcher retries at most once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, TextIO

from jinja2 import TemplateError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.app import App
from bot.logs import RedactSecrets
from bot.render import Renderer
from bot.telegram.limits import background, may_have_arrived, retry_after_seconds
from bot.telegram.send import NO_PREVIEW, split_text
from handlers.base import Button, Reply
from handlers.notifications import push_buttons
from handlers.router import Router
from jobs.dispatcher import Dispatcher, worker_name
from jobs.kinds import PushRules
from jobs.lease import SchedulerLease
from jobs.oa_routing import OaRouting
from jobs.runtime import Runtime, Scheduler
from jobs.sender import Item, Outcome, Outgoing, Result, Sender
from models.quiet import QuietHours
from models.settings import Config

log = logging.getLogger(__name__)
SEPARATOR = "\n\n"
SETTLE = timedelta(minutes=5)  # the reminders job queues a national day's reminders in seconds
REDACT = RedactSecrets()
NUMBERED = frozenset({"zalo", "zalo_oa", "console"})  # channels whose pushes show buttons as numbered lines


@dataclass
class PushSender:
    """A ``jobs.sender.Sender`` for the channels this process runs."""

    renderer: Renderer
    telegram: Bot | None = None
    console: TextIO | None = None

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(
            name for name, there in (("telegram", self.telegram), ("console", self.console)) if there is not None
        )

    def render(self, out: Outgoing, fmt: str) -> str:
        """The items one after another, under a ``push/batch`` header when there are several; an item taken
        for a colleague on leave (``instead_of``, jobs/leave.py) under a line that says whose it is; in plain
        text (Zalo, the console) the buttons follow as numbered lines with the command each one sends."""
        parts = [self._item(out.language, item, fmt) for item in out.items]
        if len(parts) > 1:
            parts.insert(0, self.renderer.render(out.language, Reply("push/batch", {"count": len(parts)}), fmt))
        text = SEPARATOR.join(part for part in parts if part)
        choices = [b for row in self.buttons(out) for b in row] if fmt == "text" else []
        lines = [f"{i}. {self.renderer.label(out.language, b)}: {b.data}" for i, b in enumerate(choices, start=1)]
        return text + SEPARATOR + "\n".join(lines) if lines else text

    def buttons(self, out: Outgoing) -> list[list[Button]]:
        """Each item's buttons (``handlers.notifications.push_buttons``: snooze and report on a reminder)."""
        kinds = [item.template.removeprefix("push/") for item in out.items]
        several = (
            sum(
                bool(push_buttons(kind, item.outbox_id, item.context, False))
                for kind, item in zip(kinds, out.items, strict=True)
            )
            > 1
        )
        return [
            row
            for kind, item in zip(kinds, out.items, strict=True)
            for row in push_buttons(kind, item.outbox_id, item.context, several)
        ]

    def keyboard(self, out: Outgoing) -> InlineKeyboardMarkup | None:
        """Telegram: the buttons as an inline keyboard (their data, "/nhaclai 812 3", is far under 64 bytes)."""
        rows = self.buttons(out)
        if not rows:
            return None
        label = self.renderer.label
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(label(out.language, b), callback_data=b.data) for b in row] for row in rows]
        )

    def _item(self, language: str, item: Item, fmt: str) -> str:
        text = self.renderer.render(language, Reply(item.template, item.context), fmt)
        if item.context.get("instead_of"):
            note = self.renderer.render(language, Reply("push/instead_of", item.context["instead_of"]), fmt)
            return f"{note}\n{text}"
        return text

    async def send(self, out: Outgoing) -> Outcome:
        try:
            text = self.render(out, "html" if out.channel == "telegram" else "text")
        except TemplateError as exc:
            return Outcome.fatal(f"template {why(exc)}")
        if out.channel == "telegram" and self.telegram is not None:
            return await self._telegram(self.telegram, out.chat_id, text, self.keyboard(out))
        if out.channel == "console" and self.console is not None:
            header = self.renderer.render(out.language, Reply("console/push", {"account": out.chat_id}))
            self.console.write(f"\n{header}\n{text}\n")
            self.console.flush()
            return Outcome.sent()
        return Outcome.fatal(f"no {out.channel} channel in this process")

    async def _telegram(
        self, bot: Bot, chat_id: str, text: str, keyboard: InlineKeyboardMarkup | None = None
    ) -> Outcome:
        try:
            pieces = split_text(text)
            for n, piece in enumerate(pieces, start=1):  # the buttons under the last piece
                markup = keyboard if n == len(pieces) else None
                with background():  # replies to officials go first (bot/telegram/limits.py)
                    await bot.send_message(
                        chat_id, piece, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup
                    )
        except Forbidden as exc:
            return Outcome.blocked(why(exc))
        except RetryAfter as exc:
            return Outcome.retry(retry_after_seconds(exc), why(exc))
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                return Outcome.blocked(why(exc))
            return Outcome.fatal(why(exc))
        except TelegramError as exc:  # network, timeout, 5xx: the limiter has already retried a few times
            if may_have_arrived(exc):
                return Outcome.uncertain(why(exc))
            return Outcome.failed(why(exc))
        return Outcome.sent()


def why(exc: Exception) -> str:
    """The reason kept in the outbox and shown to admins in a dead-letter alert: never a token."""
    return REDACT.redact(f"{type(exc).__name__}: {exc}")


@dataclass
class Scheduled:
    """APScheduler's scheduler as the runtime starts and stops it (without waiting for a running job:
    whatever it had not queued yet, the next process to hold the lease computes again)."""

    scheduler: Any

    def start(self) -> None:
        self.scheduler.start()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)


@dataclass
class NumberedMenus:
    """A ``Sender`` that, once a push with buttons has gone out as numbered lines (every channel but
    Telegram, whose buttons are real), remembers those choices for the chat (``Router.remember_pushed_menu``),
    so that replying "1" presses the first as a reply's numbered button would. A failure to remember is
    logged and the push stays sent: the line shows the command to type as well."""

    sender: Sender
    renderer: PushSender
    router: Router

    @property
    def channels(self) -> frozenset[str]:
        return self.sender.channels

    def hold_seconds(self, out: Outgoing) -> float:
        hold = getattr(self.sender, "hold_seconds", None)
        return float(hold(out)) if hold is not None else 0.0

    async def send(self, out: Outgoing) -> Outcome:
        outcome = await self.sender.send(out)
        if outcome.result is Result.SENT and out.channel in NUMBERED and out.official_id is not None:
            options = [button.data for row in self.renderer.buttons(out) for button in row]
            try:
                await self.router.remember_pushed_menu(out.channel, out.chat_id, options)
            except Exception as exc:  # the push is out; only the shortcut is lost
                log.warning("push menu not remembered for a %s chat: %s", out.channel, type(exc).__name__)
        return outcome


def dispatcher(app: App, sender: Sender) -> Dispatcher:
    """The dispatcher of ``cchc-bot run``: the [dispatch] section, the channels' rates, the quiet hours of
    [reminders] in [bot].timezone on the working days of [calendar], at most one non-urgent message a day."""
    config = app.config
    oa = config.zalo_oa
    quiet, morning = day_slot(config.reminders.quiet_hours(config.bot.tz, config.calendar.work_calendar()), config)
    return Dispatcher(
        app.sessions,
        NumberedMenus(sender, PushSender(app.renderer), app.router),
        clock=app.clock,
        dispatch=config.dispatch,
        rates={"telegram": config.telegram.rates, "zalo": config.zalo.rates, "zalo_oa": oa.rates, "zns": oa.rates},
        quiet=quiet,
        one_message_a_day=config.reminders.one_message_a_day,
        morning=morning,
        default_language=config.bot.default_language,
        oa=OaRouting(oa, config.bot.tz) if oa.enabled else None,
    )


def day_slot(quiet: QuietHours, config: Config) -> tuple[QuietHours, time | None]:
    """With ``one_message_a_day``, the day's one message goes once the morning's reminders are queued
    (``SETTLE`` after the reminders job's time; in between nothing is sent, so the urgent reminders of the
    day go with the others): non-urgent pushes due earlier (the Monday digest at 07:30) wait for it and go
    out merged with the reminders, and what is held back for a day goes at that time too. Else, or when
    the reminders job has no daily time: the quiet hours as configured."""
    at = cron_time(config.schedule.reminders)
    if not config.reminders.one_message_a_day or at is None or quiet.start == quiet.end:
        return quiet, None
    slot = (datetime.combine(date(2000, 1, 1), at) + SETTLE).time()
    if quiet.end <= at and slot < quiet.start:  # the reminders' own pushes wait the few minutes too
        quiet = replace(quiet, end=slot, settle=at)
    return quiet, slot


def cron_time(line: str) -> time | None:
    """The time of day of a daily cron line ("0 8 * * *" → 08:00); None for anything else."""
    fields = line.split()
    if len(fields) == 5 and fields[0].isdigit() and fields[1].isdigit() and int(fields[1]) < 24 and int(fields[0]) < 60:
        return time(int(fields[1]), int(fields[0]))
    return None


def push_runtime(app: App, sender: Sender) -> Runtime:
    """The dispatcher (when ``[dispatch].enabled``) and the scheduler under its lease (when
    ``[schedule].enabled``), to run with ``async with``."""
    config = app.config
    sending = dispatcher(app, sender) if config.dispatch.enabled else None
    lease = None
    if config.schedule.enabled:
        lease = SchedulerLease(app.sessions, worker_name(), seconds=config.dispatch.lease_seconds, clock=app.clock)

    def scheduler() -> Scheduler:
        from apscheduler.events import EVENT_JOB_EXECUTED

        from jobs.scheduler import build_scheduler

        built = build_scheduler(app.sessions, app.clock, PushRules.of(config))
        if sending is not None:  # what a job has just queued goes out now, not at the next poll
            built.add_listener(lambda _event: sending.wake(), EVENT_JOB_EXECUTED)
        return Scheduled(built)

    return Runtime(dispatcher=sending, lease=lease, scheduler=scheduler)
