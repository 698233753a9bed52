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
from dataclasses import dataclass
from typing import Any, TextIO

from jinja2 import TemplateError
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.app import App
from bot.logs import RedactSecrets
from bot.render import Renderer
from bot.telegram.limits import may_have_arrived, retry_after_seconds
from bot.telegram.send import NO_PREVIEW, split_text
from handlers.base import Reply
from jobs.dispatcher import Dispatcher, worker_name
from jobs.kinds import PushRules
from jobs.lease import SchedulerLease
from jobs.runtime import Runtime, Scheduler
from jobs.sender import Item, Outcome, Outgoing, Sender

log = logging.getLogger(__name__)
SEPARATOR = "\n\n"
REDACT = RedactSecrets()


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
        for a colleague on leave (``instead_of``, jobs/leave.py) under a line that says whose it is."""
        parts = [self._item(out.language, item, fmt) for item in out.items]
        if len(parts) > 1:
            parts.insert(0, self.renderer.render(out.language, Reply("push/batch", {"count": len(parts)}), fmt))
        return SEPARATOR.join(part for part in parts if part)

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
            return await self._telegram(self.telegram, out.chat_id, text)
        if out.channel == "console" and self.console is not None:
            header = self.renderer.render(out.language, Reply("console/push", {"account": out.chat_id}))
            self.console.write(f"\n{header}\n{text}\n")
            self.console.flush()
            return Outcome.sent()
        return Outcome.fatal(f"no {out.channel} channel in this process")

    async def _telegram(self, bot: Bot, chat_id: str, text: str) -> Outcome:
        try:
            for piece in split_text(text):
                await bot.send_message(chat_id, piece, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
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


def dispatcher(app: App, sender: Sender) -> Dispatcher:
    """The dispatcher of ``cchc-bot run``: the [dispatch] section, the channels' rates, the quiet hours of
    [reminders] in [bot].timezone."""
    config = app.config
    return Dispatcher(
        app.sessions,
        sender,
        clock=app.clock,
        dispatch=config.dispatch,
        rates={"telegram": config.telegram.rates, "zalo": config.zalo.rates},
        quiet=config.reminders.quiet_hours(config.bot.tz),
        default_language=config.bot.default_language,
    )


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
