"""``cchc-bot init`` (a real province's database without the demo) and ``cchc-bot demo remove``.

Both print one line from ``templates/cli/`` in the configured default language; a refusal is a
``CliError`` (one line on stderr, exit status 1), never a traceback."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from bot.app import build
from bot.config import Config
from bot.problems import Problem
from models.db import upgrade
from models.provinces import REFORM_DAY, catalogue, find_province


def _error(template: str, **context: object) -> Problem:
    from bot.cli import CliError  # the CLI's one-line failure (bot.cli imports this module lazily)

    return CliError(template, **context)


async def run_init(config: Config, args: argparse.Namespace) -> int:
    from models.setup import CodeTaken, init_province

    entry = find_province(args.province)
    if entry is None:
        examples = ", ".join(f"{e.short_name} ({e.code})" for e in catalogue().current[:4])
        raise _error("init_refused", kind="unknown_province", text=args.province, examples=examples)
    if not entry.current:
        successor = catalogue().successor(entry)
        raise _error(
            "init_refused",
            kind="former_province",
            name=entry.name,
            code=entry.code,
            successor=successor.name,
            successor_code=successor.code,
            day=REFORM_DAY,
        )
    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    app = build(config)
    try:
        async with app.sessions() as session:
            try:
                result = await init_province(session, entry, app.clock, code=args.code or "")
            except CodeTaken as taken:
                raise _error("init_refused", kind="code_taken", code=taken.code, name=taken.name) from None
            await session.commit()
            done = Problem(
                "init_done",
                name=result.province.name,
                code=result.province.code,
                official_code=entry.code,
                central_city=entry.central_city,
                created=result.created,
                indices=list(result.added_indices),
                components=result.added_components,
                changed=result.changed,
                others=list(result.others),
            )
    finally:
        await app.close()
    print(done.line(config.bot.default_language))
    return 0


async def run_demo_remove(config: Config, args: argparse.Namespace) -> int:
    from models.demo.remove import DemoInUse, remove_demo

    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    app = build(config)
    try:
        async with app.sessions() as session:
            try:
                removed = await remove_demo(session, app.clock)
            except DemoInUse as refusal:
                await session.rollback()
                raise _error("demo_refused", kind=refusal.kind, subject=refusal.subject, count=refusal.count) from None
            await session.commit()
    finally:
        await app.close()
    line = Problem("demo_removed", removed=asdict(removed) if removed else None)
    print(line.line(config.bot.default_language))
    return 0
