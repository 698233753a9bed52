"""``cchc-bot``: run the bot, chat in the console, migrate, start a real province (``init``), load or
remove the demo, import files, keep the indices (``indices``), create invites, back up the database.

Every command reads the same configuration (``--config``, $CCHC_CONFIG or ./config.toml) and fails with
one clear line, never a traceback, when the configuration or the input is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bot import config as configuration
from bot import logs
from bot.config import Config, ConfigError
from bot.problems import Problem, explain, short

log = logging.getLogger("cchc-bot")
Command = Callable[[Config, argparse.Namespace], Coroutine[Any, Any, int]]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cchc-bot", description="CCHC reform chatbot (Telegram, Zalo, console).")
    p.add_argument("--config", help="configuration file (default: $CCHC_CONFIG, else ./config.toml, else defaults)")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="migrate, load the demo into an empty database, start the configured channels")

    chat = sub.add_parser("chat", help="chat with the bot in this terminal as a console account")
    chat.add_argument(
        "--as",
        dest="account",
        help="console account (the demo: chair, officer, ward, head, leader, admin); a new name starts "
        "unregistered: register it with /start CODE",
    )

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply the migrations")

    demo = sub.add_parser("demo", help="demo data")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    demo_sub.add_parser("load", help="load the Lạng Sơn demo into an empty database")
    demo_sub.add_parser("remove", help="take the demo data out (refused while real data refers to it)")

    init = sub.add_parser("init", help="make a working database for a real province, without the demo")
    init.add_argument("--province", required=True, help='the province by name or official code: "Lạng Sơn", 20')
    init.add_argument("--code", help="the province's unit code in this database (default: its official code)")

    imp = sub.add_parser("import", help="import an .xlsx or .csv file (all or nothing)")
    imp.add_argument(
        "kind", choices=["units", "tasks", "results", "criteria", "measurements", "766", "dvc", "officials", "canbo"]
    )
    imp.add_argument("file", type=Path, nargs="?", help="the file (or --from URL)")
    imp.add_argument("--from", dest="from_url", metavar="URL", help="fetch the file over HTTP(S) instead")
    imp.add_argument(
        "--period", help="766: the table's period when it does not say it: 2026-10, 2026-Q3, 2026-H1, 2026"
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would change and write nothing")
    imp.add_argument("--plan", help="tasks: the plan's code, e.g. KH-CCHC-2024")
    imp.add_argument("--year", type=int, help="tasks: the plan's year")
    imp.add_argument("--title", help="tasks, criteria: the title of a new plan or drive")
    imp.add_argument("--drive", help="criteria/measurements: the drive's code")
    imp.add_argument("--starts-on", help="criteria: the first day of a new drive, dd/mm/yyyy (with --title)")
    imp.add_argument("--ends-on", help="criteria: the last day of a new drive, dd/mm/yyyy (with --title)")
    imp.add_argument(
        "--province",
        help="the province's unit code (e.g. LS): every row must lie in it; needed when the database holds several",
    )

    backup = sub.add_parser("backup", help="a consistent copy of the SQLite database, even while the bot runs")
    backup.add_argument("target", nargs="?", type=Path, help="the copy's file (default: backups/ beside the database)")

    inv = sub.add_parser("invite", help="create a single-use invite code for a unit and role")
    inv.add_argument("unit", help="unit code or name")
    inv.add_argument(
        "role",
        nargs="?",
        default="",
        help="the role as officials say it: chutich, phochutich, giamdoc, thutruong, lanhdao, canbo, quantri, thuky"
        " … (or officer, unit_head, leader, admin); the list: cchc-bot invite UNIT ?",
    )
    inv.add_argument("--name", default="", help="the invited official's full name")
    inv.add_argument(
        "--zns",
        action="store_true",
        help="send the codes by ZNS to the unit's officials of the imported list who are not on a chat yet and have"
        " a mobile number (with --name: only that official); no role. The running bot sends them",
    )
    inv.add_argument("--province", help="the province's unit code (e.g. LS); needed when the database holds several")

    from bot.indices_cli import add_parser as add_indices

    add_indices(sub)

    from bot.units_cli import add_parser as add_units

    add_units(sub)

    from bot.report_cli import add_parser as add_report

    add_report(sub)

    from bot.feed_cli import add_parser as add_feed

    add_feed(sub)

    from bot.zalo_cli import add_parser as add_zalo

    add_zalo(sub)

    jobs = sub.add_parser("jobs", help="the push jobs: list them with their next run, or run one now")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_sub.add_parser("list", help="each job, its schedule and its next run time")
    run_one = jobs_sub.add_parser("run", help="run one job now and print how many pushes it queued")
    run_one.add_argument("name", help="reminders | digests | leader_digests | drives | quarterly")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = configuration.load(configuration.find_config_file(args.config))
    except ConfigError as exc:
        print(f"cchc-bot: {exc.line(exc.lang)}", file=sys.stderr)
        return 2
    oa = config.zalo_oa
    secrets = [config.telegram.token, config.zalo.token, config.telegram.webhook_secret, config.zalo.webhook_secret,
               oa.app_secret, oa.oa_secret_key, oa.refresh_token]  # fmt: skip
    secrets += [value for bot in config.zalo.bots for value in (bot.token, bot.webhook_secret)]  # [[zalo.bots]]
    logs.setup(config.bot.log_level, secrets=secrets)
    if args.command not in ("run",):
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    handler = COMMANDS[args.command]
    try:
        return asyncio.run(handler(config, args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # every failure is one line; the traceback only at log_level DEBUG
        line = failure(exc, config, secrets).line(config.bot.default_language)
        print(f"cchc-bot: {logs.RedactSecrets(secrets + _password(config)).redact(line)}", file=sys.stderr)
        return 1


def _password(config: Config) -> list[str]:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        password = make_url(config.database.url).password
    except (ArgumentError, ValueError):
        return []
    return [str(password)] if password else []


def failure(exc: Exception, config: Config, secrets: list[str]) -> Problem:
    """What went wrong, as one line: a Problem raised as such, one recognised in a database or OS error
    (``bot.problems.explain``), else an unexpected error named by its type and first line."""
    if isinstance(exc, Problem):
        return exc
    database = config.database
    problem = explain(exc, database.url, database.lock_timeout_seconds)
    if problem is not None:
        return problem
    if config.bot.log_level == "DEBUG":
        log.error("unexpected error", exc_info=exc)  # through bot/logs.py: secrets redacted
    reason = logs.RedactSecrets([*secrets, database.url]).redact(short(exc))
    return Problem("failure", kind="unexpected", name=type(exc).__name__, reason=reason)


class CliError(Problem):
    """A failure to report in one line (``templates/cli/failure.j2``)."""


async def cmd_run(config: Config, args: argparse.Namespace) -> int:
    from bot.app import build, prepare
    from bot.console import chat

    app = build(config)
    try:
        await prepare(app)
        if config.telegram.token or config.zalo.token or config.zalo_oa.enabled:
            from bot.serve import StartError, serve

            try:
                return await serve(app)
            except StartError as exc:
                raise CliError(exc.template, **exc.context) from exc
        log.info("No Telegram or Zalo token configured: starting the console chat.")
        from bot.dashboard.serving import alone
        from bot.push_path import PushSender, push_runtime

        async with push_runtime(app, PushSender(app.renderer, console=sys.stdout)), alone(app):
            return await chat(app, config.console.account)
    finally:
        await app.close()


async def cmd_chat(config: Config, args: argparse.Namespace) -> int:
    from bot.app import build, prepare
    from bot.console import chat

    app = build(config)
    try:
        await prepare(app)
        return await chat(app, args.account or config.console.account)
    finally:
        await app.close()


async def cmd_db(config: Config, args: argparse.Namespace) -> int:
    from models.db import upgrade

    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    print("database is at the latest schema")
    return 0


async def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from bot.app import build, prepare

    if args.demo_command == "remove":
        from bot.setup_cli import run_demo_remove

        return await run_demo_remove(config, args)
    app = build(config)
    try:
        loaded = await prepare(app, load_demo=True)
    finally:
        await app.close()
    print(f"demo loaded: {loaded}" if loaded else "the database is not empty: demo not loaded")
    return 0


async def cmd_init(config: Config, args: argparse.Namespace) -> int:
    from bot.setup_cli import run_init

    return await run_init(config, args)


async def cmd_import(config: Config, args: argparse.Namespace) -> int:
    from bot.imports import run_import

    return await run_import(config, args)


async def cmd_invite(config: Config, args: argparse.Namespace) -> int:
    from bot.imports import run_invite

    return await run_invite(config, args)


async def cmd_indices(config: Config, args: argparse.Namespace) -> int:
    from bot.indices_cli import run_indices

    return await run_indices(config, args)


async def cmd_feed(config: Config, args: argparse.Namespace) -> int:
    from bot.feed_cli import run_feed

    return await run_feed(config, args)


async def cmd_units(config: Config, args: argparse.Namespace) -> int:
    from bot.units_cli import run_units

    return await run_units(config, args)


async def cmd_report(config: Config, args: argparse.Namespace) -> int:
    from bot.report_cli import run_report

    return await run_report(config, args)


async def cmd_jobs(config: Config, args: argparse.Namespace) -> int:
    from bot.jobs import run_jobs_command

    return await run_jobs_command(config, args)


async def cmd_zalo(config: Config, args: argparse.Namespace) -> int:
    from bot.zalo_cli import run_zalo

    return await run_zalo(config, args)


async def cmd_backup(config: Config, args: argparse.Namespace) -> int:
    from models.backup import BackupError, backup_sqlite
    from models.clock import Clock

    try:
        made = await backup_sqlite(config.database.url, args.target, Clock(config.bot.tz).now())
    except BackupError as problem:
        refusal = CliError("failure", kind=f"backup_{problem.kind}", **problem.context)
        print(f"cchc-bot: {refusal.line(config.bot.default_language)}", file=sys.stderr)
        return 2
    done = Problem("backup_written", path=str(made.path), size=made.size, tables=made.tables)  # not a failure
    print(done.line(config.bot.default_language))
    return 0


COMMANDS: dict[str, Command] = {
    "run": cmd_run,
    "chat": cmd_chat,
    "db": cmd_db,
    "demo": cmd_demo,
    "init": cmd_init,
    "import": cmd_import,
    "invite": cmd_invite,
    "indices": cmd_indices,
    "units": cmd_units,
    "feed": cmd_feed,
    "jobs": cmd_jobs,
    "zalo": cmd_zalo,
    "report": cmd_report,
    "backup": cmd_backup,
}


if __name__ == "__main__":
    sys.exit(main())
