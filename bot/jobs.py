"""The push jobs as the rest of ``bot/`` sees them: the scheduler built from the configuration, and the
``cchc-bot jobs list`` / ``cchc-bot jobs run NAME`` commands (printed with the templates of
``templates/<lang>/jobs/``, in the configured default language)."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import SCHEDULE_JOBS, Config
from handlers.base import Reply
from jobs.due import JOBS
from jobs.scheduler import build_scheduler, planned, run_job
from jobs.settings import PushSettings
from models.clock import Clock

assert set(SCHEDULE_JOBS) == set(JOBS), "[schedule] has one cron line per job of jobs.due.JOBS"


def push_settings(config: Config) -> PushSettings:
    reminders, schedule = config.reminders, config.schedule
    return PushSettings(
        offsets_days=tuple(reminders.offsets_days),
        overdue_daily=reminders.overdue_daily,
        escalate_after_days=reminders.escalate_after_days,
        catch_up_days=schedule.catch_up_days,
        due_soon_days=config.bot.due_soon_days,
        drive_days_left=tuple(schedule.drive_days_left),
        quarterly_days_before=schedule.quarterly_days_before,
        tz=config.bot.tz,
    )


def crons(config: Config) -> dict[str, str]:
    """Job name -> cron line ("" when switched off)."""
    return {name: str(getattr(config.schedule, name)) for name in JOBS}


def scheduler_for(config: Config, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> AsyncIOScheduler:
    """The scheduler of ``config`` (not started; the caller starts it when it holds the lease)."""
    return build_scheduler(
        sessions,
        clock,
        push_settings(config),
        crons(config),
        config.bot.tz,
        catch_up=timedelta(minutes=config.schedule.catch_up_minutes),
    )


async def run_jobs_command(config: Config, args: argparse.Namespace) -> int:
    from bot.app import build
    from models.db import upgrade

    app = build(config)
    lang = config.bot.default_language
    try:
        if args.jobs_command == "list":
            jobs = planned(crons(config), config.bot.tz, app.clock.now())
            print(app.renderer.render(lang, Reply("jobs/cli_list", {"jobs": jobs, "enabled": config.schedule.enabled})))
            return 0
        if args.name not in JOBS:
            print(
                app.renderer.render(lang, Reply("jobs/cli_unknown", {"name": args.name, "jobs": list(JOBS)})),
                file=sys.stderr,
            )
            return 1
        await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
        queued = await run_job(args.name, app.sessions, app.clock, push_settings(config))
        print(app.renderer.render(lang, Reply("jobs/cli_ran", {"name": args.name, "queued": queued})))
        return 0
    finally:
        await app.close()
