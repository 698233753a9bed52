"""The ``cchc-bot jobs list`` / ``cchc-bot jobs run NAME`` commands (printed with the templates of
``templates/jobs/``, in the configured default language)."""

from __future__ import annotations

import argparse
import sys

from bot.config import Config
from handlers.base import Reply
from jobs.due import JOBS
from jobs.kinds import PushRules
from jobs.scheduler import planned, run_job


async def run_jobs_command(config: Config, args: argparse.Namespace) -> int:
    from bot.app import build
    from models.db import upgrade

    app = build(config)
    lang = config.bot.default_language
    try:
        if args.jobs_command == "list":
            jobs = planned(PushRules.of(config), app.clock.now())
            print(app.renderer.render(lang, Reply("jobs/cli_list", {"jobs": jobs, "enabled": config.schedule.enabled})))
            return 0
        if args.name not in JOBS:
            print(
                app.renderer.render(lang, Reply("jobs/cli_unknown", {"name": args.name, "jobs": list(JOBS)})),
                file=sys.stderr,
            )
            return 1
        await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
        queued = await run_job(args.name, app.sessions, app.clock, PushRules.of(config))
        print(app.renderer.render(lang, Reply("jobs/cli_ran", {"name": args.name, "queued": queued})))
        return 0
    finally:
        await app.close()
